package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/report"
)

// incidentView is the incident page: the report's content, as of now, with the timeline
// filtered as the query asks.
type incidentView struct {
	R           *report.Report
	ID, Title   string
	Severity    string
	Commander   string
	Acting      bool
	Age         string
	Chart       template.HTML
	Clocks      []clockView
	Criteria    []criteriaGroup
	Timeline    timelineView
	Head        int64
	ReadIn      []report.ReadIn // read fresh: the cached report's may be older
	Checkpoints checkpointsView
	Scope       checkScope // what the integrity verdict covers
}

type clockView struct {
	report.ClockResult
	Left string // time left before the deadline, for an open clock
}

type criteriaGroup struct {
	Phase   string
	Current bool
	Done    int
	Items   []report.ExitCriterion
}

// incidentPage renders /incidents/INC-n.
func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request, sess *session) {
	n, ok := incidentNumber(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	now := s.o.Clock.Now().UTC()
	f := readFilter(r)
	if f.FullCheck {
		// Every entry, from scratch, now (coalesced: at most one per fullCheckCoalesce),
		// for someone who may see the incident; in a read of its own, not nested in the
		// page's (the readers are a small pool).
		err := s.o.Store.View(r.Context(), func(rd Reader) error { _, _, err := s.visible(rd, n, sess.Person); return err })
		if err == nil {
			err = s.kept.fullCheck(r.Context(), n, fullCheckCoalesce)
		}
		if errors.Is(err, bot.ErrNotFound) {
			s.notFound(w, r)
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	var v incidentView
	if err := s.demandFullCheck(r.Context(), f, n, sess.Person); errors.Is(err, bot.ErrNotFound) {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	err := s.o.Store.View(r.Context(), func(rd Reader) error {
		inc, shown, err := s.visible(rd, n, sess.Person)
		if err != nil {
			return err
		}
		view, err := s.viewKey(rd, shown, n, sess.Person)
		if err != nil {
			return err
		}
		key := reportKey{n: n, seq: inc.HeadSeq, hash: inc.HeadHash, view: view, gen: s.kept.generation(n)}
		b, ok := s.cache.get(key)
		if !ok {
			b.scope, err = s.kept.load(n, func(tl *commands.ReportTimeline, scans *report.ScanMemo) error {
				d, err := s.loadReport(rd, inc, shown, sess.Person, now, tl)
				if err != nil {
					return err
				}
				d.Scans = scans
				built := report.Build(d)
				b.rep = &built
				return nil
			})
			if err != nil {
				return err
			}
			s.cache.put(key, b)
		}
		rep := b.rep
		roles, err := rd.CurrentRoles(n)
		if err != nil {
			return err
		}
		reads, err := rd.ReadIns(n)
		if err != nil {
			return err
		}
		cps, err := rd.Checkpoints(n)
		if err != nil {
			return err
		}
		v = s.incidentView(rep, inc, roles, reads, f, now)
		v.Scope = b.scope
		v.Timeline.Rows, err = s.timelineRows(&s.kept.get(n).rows, v.Timeline.Entries)
		if err != nil {
			return err
		}
		v.Checkpoints = checkpointViews(cps, rep, s.o.PublicKey)
		return nil
	})
	if !s.readDone(w, r, sess, n, err) {
		return
	}
	s.render(w, r, http.StatusOK, "incident", v.ID+" · "+v.Title, sess, &v)
}

// demandFullCheck runs the check from scratch ?verify=full asks for (coalesced: at most one
// per fullCheckCoalesce), for someone who may see incident n. It runs before the page's
// read transaction, not inside it: a check inside would hold two of the few read
// connections at once, and checks asked for together could each hold one and wait for
// another for ever.
func (s *Server) demandFullCheck(ctx context.Context, f filter, n int64, person string) error {
	if !f.FullCheck {
		return nil
	}
	if err := s.o.Store.View(ctx, func(rd Reader) error { _, _, err := s.visible(rd, n, person); return err }); err != nil {
		return err
	}
	return s.kept.fullCheck(ctx, n, fullCheckCoalesce)
}

func (s *Server) incidentView(rep *report.Report, inc *bot.Incident, roles map[string]string, reads []bot.ReadIn, f filter, now time.Time) incidentView {
	v := incidentView{R: rep, ID: rep.Incident.ID, Title: rep.Incident.Title, Severity: rep.Incident.SeverityName,
		Chart: rep.PhaseChart(), Head: inc.HeadSeq}
	for _, r := range reads {
		v.ReadIn = append(v.ReadIn, report.ReadIn{Person: r.Person, At: report.Time{Time: r.At}})
	}
	v.Commander = roles["commander"]
	if v.Commander == "" {
		v.Commander, v.Acting = inc.DeclaredBy, true
	}
	end := now
	if inc.ClosedAt != nil {
		end = *inc.ClosedAt
	}
	v.Age = ageText(end.Sub(inc.DeclaredAt))
	for _, c := range rep.Clocks {
		cv := clockView{ClockResult: c}
		if c.Status == "open" {
			if left := c.Deadline.Sub(now); left > 0 {
				cv.Left = ageText(left)
			}
		}
		v.Clocks = append(v.Clocks, cv)
	}
	for _, c := range rep.Incident.ExitCriteria {
		if k := len(v.Criteria); k == 0 || v.Criteria[k-1].Phase != c.Phase {
			v.Criteria = append(v.Criteria, criteriaGroup{Phase: c.Phase, Current: c.Phase == string(inc.Phase) && inc.Open()})
		}
		g := &v.Criteria[len(v.Criteria)-1]
		g.Items = append(g.Items, c)
		if c.CheckedAt != nil {
			g.Done++
		}
	}
	// The current phase's checklist first: it is what the next shift acts on.
	slices.SortStableFunc(v.Criteria, func(a, b criteriaGroup) int {
		switch {
		case a.Current == b.Current:
			return 0
		case a.Current:
			return -1
		}
		return 1
	})
	v.Timeline = timeline(rep.Timeline, f)
	return v
}

// filter is the timeline's query: ?kind=note&person=alice&q=text (server-side, so it works
// without script); ?all=1 shows every matching entry, not only the latest pageEntries;
// ?verify=full checks every entry from scratch before the page is built.
type filter struct {
	Kind, Person, Q string
	All             bool
	FullCheck       bool
}

// pageEntries is how many of the latest matching entries the page shows by default: a
// 10,000-entry timeline is 2.4 MB of HTML, too much for a phone; the rest is one click
// (or a download) away.
const pageEntries = 500

func readFilter(r *http.Request) filter {
	q := r.URL.Query()
	clip := func(s string) string {
		s = strings.TrimSpace(s)
		if len(s) > 200 {
			s = s[:200]
		}
		return s
	}
	return filter{Kind: clip(q.Get("kind")), Person: clip(q.Get("person")), Q: clip(q.Get("q")), All: q.Get("all") == "1",
		FullCheck: q.Get("verify") == "full"}
}

func (f filter) Any() bool { return f.Kind != "" || f.Person != "" || f.Q != "" }

func (f filter) match(e *report.Entry) bool {
	if f.Kind != "" && e.Kind != f.Kind {
		return false
	}
	if f.Person != "" && e.Actor != f.Person {
		return false
	}
	return f.Q == "" || containsFold(report.ShownText(e), f.Q)
}

// containsFold is a case-insensitive substring test.
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

type timelineView struct {
	Filter  filter
	Kinds   []string
	People  []string
	Entries []entryView
	Rows    template.HTML // Entries as the table's rows (rows.go)
	Total   int           // entries in the timeline
	Matched int           // entries the filter matches (all of them without a filter)
	AllURL  string
}

type entryView struct {
	Seq                      int64
	When, Actor, Kind, Text  string
	Decision, Redacted, Late bool
}

func timeline(all []report.Entry, f filter) timelineView {
	t := timelineView{Filter: f, Total: len(all)}
	kinds, people := map[string]bool{}, map[string]bool{}
	var matched []int // indices into all
	for i := range all {
		e := &all[i]
		if !kinds[e.Kind] {
			kinds[e.Kind] = true
			t.Kinds = append(t.Kinds, e.Kind)
		}
		if !people[e.Actor] {
			people[e.Actor] = true
			t.People = append(t.People, e.Actor)
		}
		if f.match(e) {
			matched = append(matched, i)
		}
	}
	slices.Sort(t.Kinds)
	slices.Sort(t.People)
	t.Matched = len(matched)
	if !f.All && len(matched) > pageEntries {
		matched = matched[len(matched)-pageEntries:]
	}
	// Only the entries shown are formatted: the page of a long timeline shows the latest.
	t.Entries = make([]entryView, 0, len(matched))
	for _, i := range matched {
		e := &all[i]
		t.Entries = append(t.Entries, entryView{Seq: e.Seq, When: e.OccurredAt.UTC().Format("2006-01-02 15:04:05"),
			Actor: e.Actor, Kind: e.Kind, Text: report.ShownText(e), Decision: e.Decision, Redacted: e.Redacted})
	}
	q := url.Values{"all": {"1"}}
	for k, v := range map[string]string{"kind": f.Kind, "person": f.Person, "q": f.Q} {
		if v != "" {
			q.Set(k, v)
		}
	}
	t.AllURL = "?" + q.Encode()
	return t
}
