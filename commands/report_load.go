package commands

import (
	"crypto/ed25519"
	"errors"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/report"
	"github.com/warroom/warroom/templates"
)

// ReportSource is what a report is loaded from: the engine's Tx inside a command, or
// storage's Tx in `warroom report` (cmd/warroom), which satisfies it too.
type ReportSource interface {
	Incident(n int64) (*bot.Incident, error)
	RoleHistory(n int64) ([]bot.RoleAssignment, error)
	Members(n int64) ([]string, error)
	Phases(n int64) ([]bot.PhaseSpan, error)
	EachEntry(n int64, fn func(bot.Entry) error) error
	Tasks(n int64) ([]bot.Task, error)
	Lessons(n int64) ([]bot.Lesson, error)
	Checklist(n int64, phase bot.Phase) ([]bot.ChecklistItem, error)
	Links(n int64) ([]int64, error)
}

// Regulatory clocks (issue 5) and pages (issue 6) are optional inputs: a store that has
// them fills those report sections, one that does not leaves them "none recorded".
type (
	reportClocks interface {
		Clocks(n int64) ([]bot.Clock, error)
	}
	reportPages interface {
		IncidentPages(n int64) ([]bot.Page, error)
	}
	reportReadIns interface {
		ReadIns(n int64) ([]bot.ReadIn, error)
	}
	reportCheckpoints interface {
		Checkpoints(n int64) ([]bot.Checkpoint, error)
	}
	reportAlerts interface {
		AlertGroups(n int64) ([]alert.Group, error)
	}
)

// ReportOptions are the report's settings beyond the incident.
type ReportOptions struct {
	Config    *config.Config
	Templates *templates.Set
	// Generator names the program in the report ("warroom v1.2.0").
	Generator string
	// Now is the time the report is as of.
	Now time.Time
	// PublicKey checks the checkpoints' signatures (nil: not checked, and the report says so).
	PublicKey ed25519.PublicKey
	// Audience, when set, leaves out what is labelled above it (`--audience tlp:green`).
	Audience bot.TLP
	// OmitEntryHashes: report.Data.OmitEntryHashes (no JSON will be written).
	OmitEntryHashes bool
	// Timeline, when set, is in and out: in, the timeline as an earlier load of the same
	// incident left it (zero: none), extended instead of read again; out, as this load
	// left it. nil: every entry is read and checked.
	Timeline *ReportTimeline
	// Workers: report.Data.Workers (0: every CPU scans).
	Workers int
}

// LoadReport reads everything incident n's report is built from, in one transaction so
// the report is one consistent picture.
func LoadReport(src ReportSource, n int64, o ReportOptions) (report.Data, error) {
	d, err := loadReportParts(src, n, o)
	if err != nil {
		return d, err
	}
	tl, err := CheckTimeline(src, &d.Incident, o.Timeline)
	if err != nil {
		return d, err
	}
	d.Entries = tl.Entries
	hashAt := func(seq int64) (string, bool) {
		if seq < 1 || seq > int64(len(d.Entries)) {
			return "", false
		}
		return d.Entries[seq-1].Hash, true
	}
	if err := verifyForReport(src, &d, tl.Chain, &tl.Proj, hashAt); err != nil {
		return d, err
	}
	if o.Timeline != nil {
		*o.Timeline = *tl
	}
	return d, nil
}

// loadReportParts reads everything but the timeline.
func loadReportParts(src ReportSource, n int64, o ReportOptions) (report.Data, error) {
	cfg := o.Config
	if cfg == nil {
		cfg = config.DefaultConfig()
	}
	inc, err := src.Incident(n)
	if err != nil {
		return report.Data{}, err
	}
	d := report.Data{Incident: *inc, Location: cfg.Location, Severities: cfg.Severities, Generator: o.Generator,
		GeneratedAt: o.Now.UTC(), Draft: inc.Open(), Templates: o.Templates, Own: cfg.OwnIndicators(),
		DefaultTLP: cfg.IncidentTLP(), Audience: o.Audience, Organisation: cfg.Organisation, PublicKey: o.PublicKey,
		OmitEntryHashes: o.OmitEntryHashes, Workers: o.Workers}
	if d.Roles, err = src.RoleHistory(n); err != nil {
		return d, err
	}
	if d.Members, err = src.Members(n); err != nil {
		return d, err
	}
	if d.Phases, err = src.Phases(n); err != nil {
		return d, err
	}
	if d.Tasks, err = src.Tasks(n); err != nil {
		return d, err
	}
	if d.Lessons, err = src.Lessons(n); err != nil {
		return d, err
	}
	for _, p := range bot.IncidentPhases {
		items, err := src.Checklist(n, p)
		if err != nil {
			return d, err
		}
		d.Checklist = append(d.Checklist, items...)
	}
	if err := loadRelated(src, cfg, &d); err != nil {
		return d, err
	}
	if cs, ok := src.(reportClocks); ok {
		clocks, err := cs.Clocks(n)
		if err != nil {
			return d, err
		}
		for _, k := range clocks {
			d.Clocks = append(d.Clocks, report.Clock{Name: k.Name, Label: k.Label, Start: k.Start, Deadline: k.Deadline,
				DoneAt: k.DoneAt, DoneBy: k.DoneBy, DoneNote: k.DoneNote})
		}
	}
	if ps, ok := src.(reportPages); ok {
		pages, err := ps.IncidentPages(n)
		if err != nil {
			return d, err
		}
		d.Pages = ReportPages(pages)
	}
	if rs, ok := src.(reportReadIns); ok {
		if d.ReadIns, err = rs.ReadIns(n); err != nil {
			return d, err
		}
	}
	if as, ok := src.(reportAlerts); ok {
		groups, err := as.AlertGroups(n)
		if err != nil {
			return d, err
		}
		for _, g := range groups {
			d.Alerts = append(d.Alerts, report.AlertGroup{Source: g.Source, Key: g.Key, Summary: g.Summary, Status: g.Status,
				Count: g.Count, FirstSeen: g.FirstAt, LastSeen: g.LastAt, SourceURL: g.SourceURL})
		}
	}
	return d, nil
}

// verifyForReport checks what the report shows, on the entries read in the same
// transaction (a 100,000-entry timeline is read once; chain and proj have checked and
// replayed them; hashAt answers for the checkpoints):
// the chain, the signed checkpoints, and that the incident, roles, members, tasks,
// lessons, clocks and pages are what the entries say — so a forged summary never sits
// next to "Verification: passed". The record is read and compared on every load.
func verifyForReport(src ReportSource, d *report.Data, chain *bot.ChainCheck, proj *bot.Projection, hashAt func(seq int64) (string, bool)) error {
	inc := d.Incident
	d.Integrity = chain.Verdict(inc.HeadSeq, inc.HeadHash)
	pub := d.PublicKey
	if cs, ok := src.(reportCheckpoints); ok {
		cps, err := cs.Checkpoints(inc.Number)
		if err != nil {
			return err
		}
		d.Checkpoints = cps
		if d.Integrity.OK {
			bot.CheckCheckpoints(&d.Integrity, cps, pub, hashAt)
		}
	}
	rec := bot.Record{Incident: inc, Roles: map[string]string{}, Members: d.Members, Tasks: d.Tasks, Lessons: d.Lessons}
	for _, r := range d.Roles {
		if r.Until == nil {
			rec.Roles[r.Role] = r.Person
		}
	}
	if cs, ok := src.(reportClocks); ok {
		var err error
		if rec.Clocks, err = cs.Clocks(inc.Number); err != nil {
			return err
		}
	}
	if ps, ok := src.(reportPages); ok {
		var err error
		if rec.Pages, err = ps.IncidentPages(inc.Number); err != nil {
			return err
		}
	}
	bot.CheckRecord(&d.Integrity, proj, rec)
	return nil
}

// loadRelated lists the linked incidents; a report goes out in its own incident's channel,
// so another incident is named as it may be outside its channel (TitleOutside).
func loadRelated(src ReportSource, cfg *config.Config, d *report.Data) error {
	links, err := src.Links(d.Incident.Number)
	if err != nil {
		return err
	}
	for _, other := range links {
		rel := report.Related{Number: other}
		inc, err := src.Incident(other)
		switch {
		case err == nil:
			rel.Title, rel.Status, rel.CloseClass = TitleOutside(cfg, inc), inc.Status, inc.CloseClass
		case !errors.Is(err, bot.ErrNotFound):
			return err
		}
		d.Related = append(d.Related, rel)
	}
	return nil
}

// ReportPages converts pages for the report and `warroom stats`.
func ReportPages(pages []bot.Page) []report.Page {
	out := make([]report.Page, 0, len(pages))
	for _, p := range pages {
		out = append(out, report.Page{ID: p.ID, Incident: p.Incident, Target: p.Target, PagedBy: p.PagedBy, CreatedAt: p.CreatedAt,
			State: p.State, AckedBy: p.AckedBy, AckedAt: p.AckedAt})
	}
	return out
}
