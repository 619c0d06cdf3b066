package report

import (
	"fmt"
	"strconv"
	"strings"
)

// The executive summary: what happened, the impact, where it stands, the root cause and
// what is being done, in plain sentences built from the recorded facts — the part of the
// report management reads. A fact not yet recorded is said to be missing (Gap), never
// left out.

// ExecLine is one line of the executive summary.
type ExecLine struct {
	Label string `json:"label"`
	Text  string `json:"text"`
	Gap   bool   `json:"gap"` // the fact is not recorded yet
}

func (r *Report) executiveSummary() []ExecLine {
	inc := &r.Incident
	f := &r.Facts
	var out []ExecLine
	add := func(label, text string, gap bool) { out = append(out, ExecLine{Label: label, Text: text, Gap: gap}) }

	kind := inc.Type
	if kind == "" {
		kind = "unclassified"
	}
	what := fmt.Sprintf("A sev%d (%s) %s incident", inc.Severity, inc.SeverityName, kind)
	if inc.Drill {
		what = "A DRILL (practice): a sev" + strconv.Itoa(inc.Severity) + " " + kind + " scenario"
	}
	withheld := "Withheld from this " + r.Classification.Withheld.Audience + " edition."
	switch {
	case f.Summary != nil && !f.Summary.Redacted:
		add("What happened", what+". "+sentence(f.Summary.Text), false)
	case r.recorded.Summary.Set() && f.Summary == nil:
		add("What happened", what+". The summary is "+strings.ToLower(withheld[:1])+withheld[1:], false)
	default:
		add("What happened", what+". No summary has been recorded yet (/incident summary).", true)
	}

	switch {
	case len(f.Impact) > 0:
		add("Impact", impactSentence(f), false)
	case len(r.recorded.Impact) > 0:
		add("Impact", withheld, false)
	default:
		add("Impact", "Not assessed yet (/incident impact).", true)
	}

	add("Status", r.statusSentence(), false)

	switch {
	case f.RootCause != nil && !f.RootCause.Redacted:
		add("Root cause", sentence(f.RootCause.Text), false)
	case r.recorded.RootCause.Set() && f.RootCause == nil:
		add("Root cause", withheld, false)
	default:
		add("Root cause", "Not determined yet (/incident rootcause).", true)
	}

	add("What is being done", r.actionsSentence(), len(r.Tasks) == 0)

	if o := r.outstanding(); o != "" {
		add("Outstanding", o, true)
	}
	return out
}

// impactSentence reads "1,200 people affected (customers in the EU); 48,000 data records
// (names, IBANs); …".
func impactSentence(f *Facts) string {
	var parts []string
	for _, x := range f.Impact {
		desc := x.Text
		if x.Redacted {
			desc = "[redacted]"
		}
		var s string
		switch {
		case x.Dimension == "consequences":
			parts = append(parts, "likely consequences: "+desc)
			continue
		case x.Count != nil && x.Dimension == "people":
			s = thousands(*x.Count) + " people affected"
		case x.Count != nil && x.Dimension == "data":
			s = thousands(*x.Count) + " data records"
		case x.Count != nil && x.Dimension == "systems":
			s = thousands(*x.Count) + " systems"
		case x.Count != nil && x.Dimension == "cost":
			s = "estimated cost " + thousands(*x.Count)
		default:
			s = x.Dimension
		}
		if desc != "" {
			if x.Count == nil {
				s += ": " + desc
			} else {
				s += " (" + desc + ")"
			}
		}
		parts = append(parts, s)
	}
	return sentence(strings.Join(parts, "; "))
}

func (r *Report) statusSentence() string {
	inc := &r.Incident
	m := &r.Metrics
	from := "declared"
	if m.CountedFrom == "detection" {
		from = "detected"
	}
	var s string
	if inc.ClosedAt != nil && !inc.Report.Draft {
		s = fmt.Sprintf("Closed as %s on %s, %s after it was %s.", inc.CloseClass, r.when(inc.ClosedAt.Time), Duration(m.Total), from)
	} else {
		s = fmt.Sprintf("Open, in %s, %s after it was %s.", inc.Phase, Duration(m.Total), from)
	}
	if m.TimeToContainment != nil {
		s += " Contained after " + Duration(*m.TimeToContainment) + "."
	}
	if d := inc.Detection.DetectedAt; d != nil {
		s += " First detected " + r.when(d.Time)
		if inc.Detection.Source != "" {
			s += " (" + inc.Detection.Source + ")"
		}
		if m.TimeToDeclare != nil {
			s += ", declared " + Duration(*m.TimeToDeclare) + " later"
		}
		s += "."
	}
	return s
}

func (r *Report) actionsSentence() string {
	if len(r.Tasks) == 0 {
		return "No actions recorded yet (/incident task add)."
	}
	var done, open []string
	for _, t := range r.Tasks {
		if t.State == "done" {
			done = append(done, t.Text)
		} else {
			open = append(open, t.Text)
		}
	}
	s := fmt.Sprintf("%d of %d actions done", len(done), len(r.Tasks))
	if len(done) > 0 {
		s += ": " + strings.Join(done, "; ")
	}
	s += "."
	if len(open) > 0 {
		s += " Still open: " + strings.Join(open, "; ") + "."
	}
	return s
}

// outstanding names what still needs doing for the regulators: clocks not filed.
func (r *Report) outstanding() string {
	var parts []string
	for _, c := range r.Clocks {
		switch c.Status {
		case "open":
			parts = append(parts, fmt.Sprintf("%s not filed yet, due %s", c.Label, r.when(c.Deadline.Time)))
		case "missed":
			parts = append(parts, fmt.Sprintf("%s not filed and past its deadline (%s)", c.Label, r.when(c.Deadline.Time)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return sentence(strings.Join(parts, "; "))
}

// sentence ends s with a full stop unless it has its own.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s[len(s)-1:], ".!?") {
		return s
	}
	return s + "."
}

// thousands writes 1200 as "1,200".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
