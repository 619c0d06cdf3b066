package report

import (
	"fmt"
	"strconv"
	"strings"
)

// The templates in templates/report/ render a view, not the Report: every value is already
// a display string, so a template — the built-in one or an override — is layout only. For
// Markdown the strings are escaped before the template sees them (an override cannot
// forget to); for HTML they are raw and html/template escapes them in context.

type field struct{ Label, Value string }

type view struct {
	ID, Title    string
	Draft, Drill bool
	Version      int
	Generated    string
	Generator    string
	TimeZone     string // the configured zone's name
	LocalZone    string // the chronology's local-time column; "" when the zone is UTC

	viewFacts
	Summary      []field
	Detection    viewDetection
	Roles        []viewRole
	Participants []string
	Phases       []viewPhase
	Figures      []field
	Pages        []viewPage
	Alerts       []viewAlert
	Runs         []viewRun
	Actions      []viewEntry
	Tasks        []viewTask
	ExitCriteria []viewCriteria
	IOCs         []viewIOC
	Clocks       []viewClock
	Related      []viewRelated
	Good, Bad    []viewLesson
	Ideas        []viewLesson
	Integrity    viewIntegrity
	ReadIns      []viewReadIn
	Entries      int
	// Chart is the SVG of the phases over time (HTML only); PrintCSS the @page rules.
	Chart    any
	PrintCSS any
	// Chronology stands where the chronology's rows go; the renderer writes them there
	// itself, streaming, rather than through the template (100,000 rows).
	Chronology any
}

type viewDetection struct {
	ReportedAt, ReportedBy, Method, Origin string
	Earlier                                []viewEntry
}

type viewRole struct {
	Role, Person, From, Until, HeldFor, AssignedBy string
	Acting                                         bool
}

type viewPhase struct {
	Phase, Entered, Left, Duration string
	Forced, Ongoing                bool
}

type viewPage struct {
	ID                                                  int64
	Target, PagedBy, Sent, State, AckedBy, Acked, ToAck string
}

type viewEntry struct {
	Seq                            int64
	When, Local, Actor, Kind, Text string
}

type viewTask struct {
	N                             int64
	Text, Owner, State, Due, Done string
}

type viewCriteria struct {
	Phase string
	Items []viewCriterion
}

type viewCriterion struct {
	N            int
	Text, By, At string
	Done         bool
}

type viewIOC struct {
	Kind, Value string
	Seq         int64
}

type viewClock struct {
	Name, Label, Start, Deadline, Filed, FiledBy, Note, Status string
	Met                                                        bool
	Highlight                                                  bool // open, missed or late
}

type viewRelated struct{ ID, Title, Status string }

type viewLesson struct{ Text, Author, At string }

type viewReadIn struct{ Person, At string }

type viewIntegrity struct {
	Entries     int64
	HeadHash    string
	Verified    bool
	Unchecked   bool // no verification was run (a report built without a store)
	BadSeq      int64
	Problem     string
	Chain       string
	Checkpoints int
	Last        string // "entry 42 (hash …) at …", "" when none
	Signatures  string
	PublicKey   string
	Fingerprint string
	Redactions  int
}

// textFormat turns raw strings into what a template may print as is.
type textFormat struct {
	text func(string) string // chat or user text
	code func(string) string // exact values: indicators, hashes
}

var (
	markdownText = textFormat{text: md, code: code}
	rawText      = textFormat{text: clean, code: clean}
)

func (r *Report) view(f textFormat) *view {
	inc := &r.Incident
	t := f.text
	v := &view{
		ID: inc.ID, Title: t(inc.Title), Draft: inc.Report.Draft, Drill: inc.Drill, Version: inc.Report.Version,
		Generated: r.when(inc.Report.GeneratedAt.Time), Generator: t(inc.Report.Generator), TimeZone: t(inc.Report.TimeZone),
		Entries: len(r.Timeline),
	}
	if !r.utcOnly() {
		v.LocalZone = t(r.loc.String())
	}
	v.viewFacts = r.viewFacts(f)
	v.Summary = r.summaryFields(f)
	d := inc.Detection
	v.Detection = viewDetection{ReportedAt: r.when(d.ReportedAt.Time), ReportedBy: t(d.ReportedBy), Method: t(d.Method), Origin: t(d.Origin)}
	for _, e := range d.Earlier {
		v.Detection.Earlier = append(v.Detection.Earlier, r.viewEntry(f, &e))
	}
	for _, ro := range r.Roles {
		until := r.whenPtr(ro.Until)
		if until == "" {
			until = "–"
		}
		v.Roles = append(v.Roles, viewRole{Role: t(ro.Role), Person: t(ro.Person), From: r.when(ro.From.Time), Until: until,
			HeldFor: Duration(ro.DurationSeconds), AssignedBy: t(ro.AssignedBy), Acting: ro.Acting})
	}
	for _, p := range inc.Participants {
		v.Participants = append(v.Participants, t(p))
	}
	for _, p := range r.Phases {
		left := r.whenPtr(p.LeftAt)
		if p.Ongoing {
			left = "(ongoing)"
		}
		v.Phases = append(v.Phases, viewPhase{Phase: p.Phase, Entered: r.when(p.EnteredAt.Time), Left: left,
			Duration: Duration(p.DurationSeconds), Forced: p.Forced, Ongoing: p.Ongoing})
	}
	v.Figures = r.figures()
	for _, p := range r.Metrics.Pages {
		acked := r.whenPtr(p.AckedAt)
		v.Pages = append(v.Pages, viewPage{ID: p.ID, Target: t(p.Target), PagedBy: t(p.PagedBy), Sent: r.when(p.CreatedAt.Time),
			State: p.State, AckedBy: t(p.AckedBy), Acked: acked, ToAck: durationPtr(p.TimeToAckSecs, "–")})
	}
	v.Alerts = r.viewAlerts(f)
	v.Runs = r.viewRuns(f)
	for i := range r.Timeline {
		if r.Timeline[i].Decision {
			v.Actions = append(v.Actions, r.viewEntry(f, &r.Timeline[i]))
		}
	}
	for _, k := range r.Tasks {
		owner := k.Owner
		if owner == "" {
			owner = "(unassigned)"
		}
		done := ""
		if k.DoneAt != nil {
			done = r.when(k.DoneAt.Time) + " by " + k.DoneBy
		}
		v.Tasks = append(v.Tasks, viewTask{N: k.N, Text: t(k.Text), Owner: t(owner), State: k.State, Due: r.whenPtr(k.Due), Done: t(done)})
	}
	for _, c := range inc.ExitCriteria {
		if n := len(v.ExitCriteria); n == 0 || v.ExitCriteria[n-1].Phase != c.Phase {
			v.ExitCriteria = append(v.ExitCriteria, viewCriteria{Phase: c.Phase})
		}
		last := &v.ExitCriteria[len(v.ExitCriteria)-1]
		last.Items = append(last.Items, viewCriterion{N: c.N, Text: t(c.Text), By: t(c.CheckedBy), At: r.whenPtr(c.CheckedAt), Done: c.CheckedAt != nil})
	}
	for _, x := range r.IOCs {
		v.IOCs = append(v.IOCs, viewIOC{Kind: x.Kind, Value: f.code(x.Defanged), Seq: x.Seq})
	}
	for _, c := range r.Clocks {
		status, highlight := r.clockShown(c)
		v.Clocks = append(v.Clocks, viewClock{Name: t(c.Name), Label: t(c.Label), Start: r.when(c.Start.Time), Deadline: r.when(c.Deadline.Time),
			Filed: r.whenPtr(c.DoneAt), FiledBy: t(c.DoneBy), Note: t(c.Note), Status: t(status), Met: c.Met != nil && *c.Met, Highlight: highlight})
	}
	for _, rel := range inc.Related {
		status := rel.Status
		if rel.CloseClass != "" {
			status += ", " + rel.CloseClass
		}
		if rel.Duplicate {
			status += "; this incident duplicates it"
		}
		v.Related = append(v.Related, viewRelated{ID: rel.ID, Title: t(rel.Title), Status: t(status)})
	}
	for _, l := range r.Lessons {
		vl := viewLesson{Text: t(l.Text), Author: t(l.Author), At: r.when(l.At.Time)}
		switch l.Kind {
		case "good":
			v.Good = append(v.Good, vl)
		case "bad":
			v.Bad = append(v.Bad, vl)
		default:
			v.Ideas = append(v.Ideas, vl)
		}
	}
	g := r.Integrity
	v.Integrity = viewIntegrity{Entries: g.Entries, HeadHash: f.code(g.HeadHash), Verified: g.Verified, Unchecked: r.unchecked,
		BadSeq: g.BadSeq, Problem: t(g.Problem), Chain: t(g.Chain), Checkpoints: g.Checkpoints, Signatures: t(g.Signatures),
		PublicKey: f.code(g.PublicKey), Fingerprint: f.code(g.Fingerprint), Redactions: g.Redactions}
	if c := g.LastCheckpoint; c != nil {
		v.Integrity.Last = t(fmt.Sprintf("entry %d (hash %.12s…), signed %s", c.Seq, c.Hash, r.when(c.At.Time)))
	}
	for _, x := range r.ReadIn {
		v.ReadIns = append(v.ReadIns, viewReadIn{Person: t(x.Person), At: r.when(x.At.Time)})
	}
	return v
}

func (r *Report) viewEntry(f textFormat, e *Entry) viewEntry {
	return viewEntry{Seq: e.Seq, When: r.when(e.OccurredAt.Time), Local: r.localText(e.OccurredAt.Time), Actor: f.text(e.Actor),
		Kind: e.Kind, Text: f.text(readable(entryText(e)))}
}

// entryText is what the report shows for an entry: a redacted one says by whom and why.
func entryText(e *Entry) string {
	if !e.Redacted {
		return e.Text
	}
	s := "[redacted"
	if e.RedactedBy != "" {
		s += " by " + e.RedactedBy
	}
	if e.RedactionReason != "" {
		s += ": " + e.RedactionReason
	}
	return s + "]"
}

func (r *Report) summaryFields(f textFormat) []field {
	inc := &r.Incident
	t := f.text
	typ := inc.Type
	if typ == "" {
		typ = "unclassified"
	}
	for _, c := range inc.TypeChanges {
		from := c.From
		if from == "" {
			from = "unclassified"
		}
		typ += "; " + from + " → " + c.To + " at " + r.when(c.At.Time) + " by " + c.Actor
	}
	sev := "sev" + strconv.Itoa(inc.Severity) + " (" + inc.SeverityName + ")"
	for _, c := range inc.SeverityChanges {
		sev += "; " + c.From + " → " + c.To + " at " + r.when(c.At.Time) + " by " + c.Actor
	}
	status := inc.Status
	if inc.Status == "open" {
		status += ", in " + inc.Phase
	}
	real := "real incident"
	if inc.Drill {
		real = "DRILL (practice; excluded from statistics)"
	}
	out := []field{
		{"Incident", inc.ID},
		{"Title", t(inc.Title)},
		{"Type", t(typ)},
		{"Severity", t(sev)},
		{"Status", t(status)},
	}
	if inc.CloseClass != "" {
		out = append(out, field{"Closed as", t(inc.CloseClass)})
	}
	if inc.DuplicateOf != "" {
		out = append(out, field{"Duplicate of", inc.DuplicateOf})
	}
	if inc.Resolution != "" {
		out = append(out, field{"Resolution", t(inc.Resolution)})
	}
	out = append(out, field{"Real or drill", real},
		field{"Declared", t(r.when(inc.DeclaredAt.Time) + " by " + inc.DeclaredBy)})
	if inc.ClosedAt != nil {
		out = append(out, field{"Closed", r.when(inc.ClosedAt.Time)})
	}
	if inc.Channel != "" {
		out = append(out, field{"Channel", t("#" + inc.Channel + " (" + inc.Platform + ")")})
	}
	out = append(out, field{"Report", t(reportLine(inc))})
	return out
}

func reportLine(inc *Incident) string {
	s := "version " + strconv.Itoa(inc.Report.Version)
	if inc.Report.Version > 1 {
		s += " (the incident was reopened)"
	}
	if inc.Report.Draft {
		s += ", DRAFT: the incident is still open"
	}
	return s
}

// figures are the headline metrics as label/value rows.
func (r *Report) figures() []field {
	m := &r.Metrics
	not := "not reached"
	cmdr := durationPtr(m.TimeToCommander, "nobody took the role (the declarer acted as commander)")
	total := Duration(m.Total)
	if r.Incident.Report.Draft {
		total += " so far (still open)"
	}
	acks := "no pages sent"
	if m.Acks.Pages > 0 {
		acks = plural(m.Acks.Acknowledged, "page", "pages") + " of " + strconv.Itoa(m.Acks.Pages) + " acknowledged"
		if m.Acks.MedianSeconds != nil {
			acks += "; median " + Duration(*m.Acks.MedianSeconds) + ", longest " + Duration(*m.Acks.MaxSeconds)
		}
	}
	from := "the declaration"
	if m.CountedFrom == "detection" {
		from = "the detection time (" + r.when(r.Incident.Detection.DetectedAt.Time) + ")"
	}
	out := []field{
		{"Counted from", from},
		{"Time to commander", cmdr},
		{"Time to containment", durationPtr(m.TimeToContainment, not)},
		{"Time to eradication", durationPtr(m.TimeToEradication, not)},
		{"Time to recovery", durationPtr(m.TimeToRecovery, not)},
		{"Total", total},
		{"Time to acknowledge pages", acks},
	}
	if m.TimeToDeclare != nil {
		out = append(out[:1], append([]field{{"Time to declare", Duration(*m.TimeToDeclare)}}, out[1:]...)...)
	}
	for _, p := range m.TimeInPhase {
		if p.Seconds > 0 || r.visited(p.Phase) {
			out = append(out, field{"Time in " + p.Phase, Duration(p.Seconds)})
		}
	}
	return out
}

func (r *Report) visited(phase string) bool {
	for _, p := range r.Phases {
		if strings.EqualFold(p.Phase, phase) {
			return true
		}
	}
	return false
}

// ShownText is what a page shows for an entry: its (masked) text, or who redacted it and
// why.
func ShownText(e *Entry) string { return entryText(e) }
