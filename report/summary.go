package report

import (
	"fmt"
	"strings"
)

// FileName is the report's upload name: report-INC-7.md, report-INC-7-v2.html for a
// reopened incident, report-INC-7-draft.json while it is open.
func (r *Report) FileName(format string) string {
	name := "report-" + r.Incident.ID
	if v := r.Incident.Report.Version; v > 1 {
		name += fmt.Sprintf("-v%d", v)
	}
	if r.Incident.Report.Draft {
		name += "-draft"
	}
	return name + "." + format
}

// Summary is the short chat message posted with the uploaded report: the outcome and the
// headline figures, in the bot's light markup. Chat text in it (the title) has its
// mentions neutralised: this one goes to a channel where a ping would ring.
func (r *Report) Summary() string {
	inc := &r.Incident
	m := &r.Metrics
	var b strings.Builder
	if inc.Report.Draft {
		fmt.Fprintf(&b, "📄 *DRAFT lessons-learned report* for %s (still open, version %d): %s", inc.ID, inc.Report.Version, neutralise(inc.Title))
	} else {
		fmt.Fprintf(&b, "📄 *Lessons-learned report* for %s (version %d): %s", inc.ID, inc.Report.Version, neutralise(inc.Title))
	}
	var facts []string
	if inc.ClosedAt != nil && !inc.Report.Draft {
		facts = append(facts, fmt.Sprintf("closed as %s after %s", inc.CloseClass, Duration(m.Total)))
	} else {
		facts = append(facts, "open for "+Duration(m.Total))
	}
	if m.TimeToContainment != nil {
		facts = append(facts, "contained after "+Duration(*m.TimeToContainment))
	}
	if m.Acks.MedianSeconds != nil {
		facts = append(facts, "pages acknowledged in "+Duration(*m.Acks.MedianSeconds)+" (median)")
	}
	open := 0
	for _, t := range r.Tasks {
		if t.State != "done" {
			open++
		}
	}
	tasks := "no tasks"
	if len(r.Tasks) > 0 {
		tasks = fmt.Sprintf("%s (%d open)", plural(len(r.Tasks), "task", "tasks"), open)
	}
	facts = append(facts, tasks, countOf(len(r.IOCs), "indicator", "indicators"), countOf(len(r.Lessons), "lesson", "lessons"))
	for _, c := range r.Clocks {
		facts = append(facts, fmt.Sprintf("%s clock %s", c.Name, c.Status))
	}
	b.WriteString("\n" + strings.Join(facts, " · "))
	g := r.Integrity
	if g.Verified {
		fmt.Fprintf(&b, "\nTimeline: %d entries, verified, head %.16s…", g.Entries, g.HeadHash)
	} else {
		fmt.Fprintf(&b, "\nTimeline: %d entries, verification FAILED: %s", g.Entries, neutralise(g.Problem))
	}
	return b.String()
}

func countOf(n int, one, many string) string {
	if n == 0 {
		return "no " + many
	}
	return plural(n, one, many)
}
