package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/ioc"
	"github.com/warroom/warroom/templates"
)

// Build derives the report from its data. It never fails: what is missing is reported as
// missing ("none recorded", a null metric), because a partial report beats none at close.
func Build(d Data) Report {
	b := NewBuilder(d, IncidentTLP(d.Entries, d.DefaultTLP), len(d.Entries))
	for i := range d.Entries {
		b.Add(&d.Entries[i])
	}
	return b.Report()
}

// build derives the report from d (as the audience may see it) and the timeline b
// scanned; recorded are the facts as recorded, before an audience's edition left any out.
func build(d Data, b *Builder, class Classification, labels labels, recorded bot.Facts) Report {
	inc := d.Incident
	loc := d.Location
	if loc == nil {
		loc = time.UTC
	}
	tpl := d.Templates
	if tpl == nil {
		tpl = templates.Default()
	}
	now := asOf(d, b.last)
	end := now
	if !inc.Open() && inc.ClosedAt != nil {
		end = inc.ClosedAt.UTC()
	}
	r := Report{loc: loc, tpl: tpl, org: d.Organisation, Classification: class, labels: labels}
	r.Timeline = b.timeline
	r.IOCs = b.scan.finish(len(r.Timeline))
	if red := redactions(r.Timeline); len(red) > 0 {
		for i := range r.Timeline {
			if e := &r.Timeline[i]; e.Redacted {
				e.RedactedBy, e.RedactionReason = red[e.Seq].by, red[e.Seq].reason
			}
		}
	}
	facts := b.facts
	r.recorded = recorded // to tell "withheld from this edition" from "missing"
	r.Facts, r.Evidence = buildFacts(facts), buildEvidence(facts.Evidence)
	r.Incident = buildIncident(d, r.Timeline, now, loc)
	r.Roles = buildRoles(inc, d.Roles, end)
	r.Phases = buildPhases(d.Phases, end)
	r.Metrics = measureFrom(inc, facts.Detected, d, end)
	if det := facts.Detected; det != nil {
		r.Incident.Detection.DetectedAt, r.Incident.Detection.Source = atPtr(&det.DetectedAt), mask(det.Text)
		r.detectedSeq = det.Seq
	}
	r.Tasks = buildTasks(d.Tasks, end)
	r.Lessons = buildLessons(d.Lessons)
	r.Clocks = buildClocks(d.Clocks, now)
	r.Alerts = buildAlerts(d.Alerts)
	r.runs = b.runs.done()
	r.Integrity = buildIntegrity(d, r.Timeline)
	r.unchecked = d.Integrity.Incident == ""
	r.ReadIn = []ReadIn{}
	for _, x := range d.ReadIns {
		r.ReadIn = append(r.ReadIn, ReadIn{Person: x.Person, At: at(x.At)})
	}
	if r.IOCs == nil {
		r.IOCs = []IOC{}
	}
	r.Executive = r.executiveSummary()
	return r
}

// measureFrom computes the headline figures from the detection time when one was
// recorded (and lies before the declaration), else from the declaration.
func measureFrom(inc bot.Incident, det *bot.DetectionFact, d Data, end time.Time) Metrics {
	if det == nil || !det.DetectedAt.Before(inc.DeclaredAt) {
		m := Measure(inc, d.Roles, d.Phases, d.Pages, end)
		m.CountedFrom = "declaration"
		return m
	}
	from := inc
	from.DeclaredAt = det.DetectedAt
	m := Measure(from, d.Roles, d.Phases, d.Pages, end)
	m.CountedFrom = "detection"
	m.TimeToDeclare = secsPtr(inc.DeclaredAt.Sub(det.DetectedAt))
	return m
}

// asOf is the report's time: the caller's, else the latest thing known (last: the latest
// entry's), so Build stays a pure function of its input.
func asOf(d Data, last time.Time) time.Time {
	if !d.GeneratedAt.IsZero() {
		return d.GeneratedAt.UTC()
	}
	t := d.Incident.DeclaredAt
	if d.Incident.ClosedAt != nil && d.Incident.ClosedAt.After(t) {
		t = *d.Incident.ClosedAt
	}
	if last.After(t) {
		t = last
	}
	return t.UTC()
}

func mask(s string) string {
	out, _ := ioc.MaskSecrets(s)
	return out
}

func severityName(names map[int]string, sev int) string {
	if n, ok := names[sev]; ok && n != "" {
		return n
	}
	return fmt.Sprintf("sev%d", sev)
}

func buildIncident(d Data, timeline []Entry, now time.Time, loc *time.Location) Incident {
	inc := d.Incident
	out := Incident{
		ID: inc.ID(), Number: inc.Number, Title: mask(inc.Title), Type: inc.Type,
		Severity: inc.Severity, SeverityName: severityName(d.Severities, inc.Severity),
		Status: inc.Status, Phase: string(inc.Phase), CloseClass: inc.CloseClass, Resolution: mask(inc.Resolution),
		Drill: inc.Drill, Platform: inc.Platform, Channel: inc.ChannelName,
		DeclaredAt: at(inc.DeclaredAt), DeclaredBy: inc.DeclaredBy, ClosedAt: atPtr(inc.ClosedAt),
		TypeChanges: []Change{}, SeverityChanges: []Change{}, Related: []RelatedRef{}, ExitCriteria: []ExitCriterion{},
		Report: Meta{Version: max(inc.ReportVersion, 1), Draft: d.Draft || inc.Open(), GeneratedAt: at(now),
			Generator: d.Generator, TimeZone: loc.String()},
	}
	if out.Report.Generator == "" {
		out.Report.Generator = "warroom"
	}
	if inc.DuplicateOf != 0 {
		out.DuplicateOf = bot.FormatID(inc.DuplicateOf)
	}
	out.Detection = detection(inc, timeline)
	people := map[string]bool{}
	for _, m := range d.Members {
		people[m] = true
	}
	for _, a := range d.Roles {
		people[a.Person] = true
	}
	people[inc.DeclaredBy] = true
	for i := range timeline {
		e := &timeline[i]
		people[e.Actor] = true
		switch e.Kind {
		case bot.KindSeverity:
			out.SeverityChanges = append(out.SeverityChanges, severityChange(e))
		case bot.KindType:
			out.TypeChanges = append(out.TypeChanges, typeChange(e))
		}
	}
	delete(people, "warroom") // the bot itself (timers, handoffs) is not a participant
	delete(people, "")
	out.Participants = make([]string, 0, len(people))
	for p := range people {
		out.Participants = append(out.Participants, p)
	}
	slices.Sort(out.Participants)
	for _, rel := range d.Related {
		out.Related = append(out.Related, RelatedRef{ID: bot.FormatID(rel.Number), Title: mask(rel.Title), Status: rel.Status,
			CloseClass: rel.CloseClass, Duplicate: rel.Number == inc.DuplicateOf})
	}
	for _, c := range d.Checklist {
		out.ExitCriteria = append(out.ExitCriteria, ExitCriterion{Phase: string(c.Phase), N: c.N, Text: c.Text,
			CheckedBy: c.CheckedBy, CheckedAt: atPtr(c.CheckedAt)})
	}
	return out
}

// severityChange reads "sev3 → sev1 (critical)".
func severityChange(e *Entry) Change {
	c := Change{Seq: e.Seq, At: e.OccurredAt, Actor: e.Actor}
	from, to, ok := strings.Cut(e.Text, " → ")
	if ok {
		c.From = strings.TrimSpace(from)
		c.To, _, _ = strings.Cut(strings.TrimSpace(to), " ")
	} else {
		c.To = e.Text
	}
	return c
}

// typeChange reads "classified as phishing" or "reclassified from phishing to malware".
func typeChange(e *Entry) Change {
	c := Change{Seq: e.Seq, At: e.OccurredAt, Actor: e.Actor}
	if rest, ok := strings.CutPrefix(e.Text, "reclassified from "); ok {
		c.From, c.To, _ = strings.Cut(rest, " to ")
	} else {
		c.To = strings.TrimPrefix(e.Text, "classified as ")
	}
	return c
}

// detection finds the first report: the declaration, or a pinned message that happened
// before it (someone raised the alarm in chat before anyone declared).
func detection(inc bot.Incident, timeline []Entry) Detection {
	d := Detection{ReportedAt: at(inc.DeclaredAt), ReportedBy: inc.DeclaredBy, Origin: inc.OriginLink, Earlier: []Entry{}}
	switch {
	case inc.Drill:
		d.Method = "drill"
	case inc.OriginLink != "":
		d.Method = "declared from a chat message (🚨 reaction)"
	default:
		d.Method = "declared with /incident declare"
	}
	for _, e := range timeline {
		if e.Kind == bot.KindDrill && inc.Drill && d.Method == "drill" {
			d.Method = "drill: " + e.Text
		}
		if e.Kind != bot.KindPin || !e.OccurredAt.Before(inc.DeclaredAt) {
			continue
		}
		d.Earlier = append(d.Earlier, e)
		if e.OccurredAt.Before(d.ReportedAt.Time) {
			d.ReportedAt, d.ReportedBy = e.OccurredAt, e.Actor
		}
	}
	return d
}

// buildRoles lists every holder; before anyone took commander, the declarer acted as one.
func buildRoles(inc bot.Incident, history []bot.RoleAssignment, end time.Time) []Role {
	out := []Role{}
	var firstCommander *time.Time
	for _, a := range history {
		if a.Role == "commander" {
			firstCommander = &a.From
			break
		}
	}
	if firstCommander == nil || firstCommander.After(inc.DeclaredAt) {
		r := Role{Role: "commander", Person: inc.DeclaredBy, From: at(inc.DeclaredAt), Acting: true, Until: atPtr(firstCommander)}
		stop := end
		if firstCommander != nil {
			stop = *firstCommander
		}
		r.DurationSeconds = secs(stop.Sub(inc.DeclaredAt))
		out = append(out, r)
	}
	for _, a := range history {
		r := Role{Role: a.Role, Person: a.Person, AssignedBy: a.AssignedBy, From: at(a.From), Until: atPtr(a.Until)}
		stop := end
		if a.Until != nil && a.Until.Before(end) {
			stop = *a.Until
		}
		r.DurationSeconds = max(0, secs(stop.Sub(a.From)))
		out = append(out, r)
	}
	return out
}

func buildPhases(spans []bot.PhaseSpan, end time.Time) []Phase {
	out := []Phase{}
	for _, s := range spans {
		p := Phase{Phase: string(s.Phase), EnteredAt: at(s.Entered), LeftAt: atPtr(s.Left), Forced: s.Forced, Ongoing: s.Left == nil}
		p.DurationSeconds = max(0, secs(spanEnd(s, end).Sub(s.Entered)))
		out = append(out, p)
	}
	return out
}

func spanEnd(s bot.PhaseSpan, end time.Time) time.Time {
	if s.Left != nil {
		return *s.Left
	}
	return end
}

func buildTasks(tasks []bot.Task, end time.Time) []Task {
	out := []Task{}
	for _, t := range tasks {
		state := "open"
		switch {
		case t.DoneAt != nil:
			state = "done"
		case t.Due != nil && t.Due.Before(end):
			state = "overdue"
		}
		out = append(out, Task{N: t.N, Text: mask(t.Text), Owner: t.Owner, State: state, Due: atPtr(t.Due),
			CreatedBy: t.CreatedBy, CreatedAt: at(t.CreatedAt), DoneBy: t.DoneBy, DoneAt: atPtr(t.DoneAt)})
	}
	return out
}

func buildLessons(lessons []bot.Lesson) []Lesson {
	out := []Lesson{}
	for _, l := range lessons {
		out = append(out, Lesson{Kind: l.Kind, Text: mask(l.Text), Author: l.Author, At: at(l.At)})
	}
	return out
}

// buildClocks judges each deadline at the report's time: a filing obligation outlives the
// incident, so a clock may still be open in a closed incident's report.
func buildClocks(clocks []Clock, now time.Time) []ClockResult {
	out := []ClockResult{}
	for _, c := range clocks {
		r := ClockResult{Name: c.Name, Label: mask(c.Label), Start: at(c.Start), Deadline: at(c.Deadline), DoneAt: atPtr(c.DoneAt),
			DoneBy: c.DoneBy, Note: mask(c.DoneNote)}
		met := false
		switch {
		case c.DoneAt != nil && !c.DoneAt.After(c.Deadline):
			r.Status, met = "met", true
		case c.DoneAt != nil:
			r.Status = "late"
		case now.After(c.Deadline):
			r.Status = "missed"
		default:
			r.Status = "open"
		}
		if r.Status != "open" {
			r.Met = &met
		} else {
			r.LeftSeconds = secsPtr(c.Deadline.Sub(now))
		}
		out = append(out, r)
	}
	return out
}
