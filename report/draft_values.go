package report

import (
	"strconv"
	"strings"
	"time"
)

// The values the drafts are filled with. Each is "" when the fact is not recorded (or its
// text was redacted), which the draft turns into a gap.

func (r *Report) factValue(f *FactText) string {
	if f == nil || f.Redacted {
		return ""
	}
	return sentence(f.Text)
}

func (x ImpactFact) describe() string {
	if x.Redacted {
		return ""
	}
	return x.Text
}

func (x ImpactFact) number() string {
	if x.Count == nil {
		return ""
	}
	return "about " + thousands(*x.Count)
}

func (r *Report) typeAndSeverity() string {
	inc := &r.Incident
	kind := inc.Type
	if kind == "" {
		kind = "not classified"
	}
	return "sev" + strconv.Itoa(inc.Severity) + " (" + inc.SeverityName + "), " + kind
}

// awareness is when the organisation became aware: the recorded detection time, else the
// declaration (a draft without a detection time says so as a gap).
func (r *Report) awareness() time.Time {
	if d := r.Incident.Detection.DetectedAt; d != nil {
		return d.Time
	}
	return r.Incident.DeclaredAt.Time
}

func (r *Report) awarenessValue() string {
	d := r.Incident.Detection.DetectedAt
	if d == nil {
		return ""
	}
	s := r.when(d.Time)
	if src := r.Incident.Detection.Source; src != "" {
		s += " (" + src + ")"
	}
	return s + "; declared an incident " + r.when(r.Incident.DeclaredAt.Time)
}

// clock finds a regulatory clock by name.
func (r *Report) clock(name string) *ClockResult {
	for i := range r.Clocks {
		if r.Clocks[i].Name == name {
			return &r.Clocks[i]
		}
	}
	return nil
}

// filedAt is when the notification was filed (its clock's done time), else the draft's
// time: a notification not yet sent is at least that late.
func (r *Report) filedAt(regime string) time.Time {
	if c := r.clock(regime); c != nil && c.DoneAt != nil {
		return c.DoneAt.Time
	}
	return r.Incident.Report.GeneratedAt.Time
}

func (r *Report) filedValue(regime string) string {
	if c := r.clock(regime); c != nil && c.DoneAt != nil {
		s := r.when(c.DoneAt.Time) + " by " + c.DoneBy
		if c.Note != "" {
			s += " (" + c.Note + ")"
		}
		return s
	}
	return "not yet: this draft is as of " + r.when(r.Incident.Report.GeneratedAt.Time)
}

func (r *Report) delayValue(regime string) string {
	d, ok := r.Facts.delay(regime)
	if !ok || d.Redacted {
		return ""
	}
	return sentence(d.Text)
}

func (r *Report) answerValue(q string) string {
	a, ok := r.Facts.answer(q)
	if !ok {
		return ""
	}
	s := a.Answer
	if a.Text != "" && !a.Redacted {
		s += " — " + sentence(a.Text)
	}
	return s
}

// impactValue is the impact sentence over the given dimensions (all when none are named).
func (r *Report) impactValue(dims ...string) string {
	sub := Facts{}
	for _, x := range r.Facts.Impact {
		if len(dims) == 0 || contains(dims, x.Dimension) {
			if !x.Redacted {
				sub.Impact = append(sub.Impact, x)
			}
		}
	}
	if len(sub.Impact) == 0 {
		return ""
	}
	return impactSentence(&sub)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// maxDraftIOCs bounds the indicators listed in a draft; the report has them all.
const maxDraftIOCs = 40

func (r *Report) iocValue() string {
	var parts []string
	for i, x := range r.IOCs {
		if i == maxDraftIOCs {
			parts = append(parts, "and "+strconv.Itoa(len(r.IOCs)-i)+" more in the report")
			break
		}
		parts = append(parts, x.Kind+" "+x.Defanged)
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + " (defanged)"
}

// taskLists are the measures applied (tasks done) and ongoing (tasks open).
func (r *Report) taskLists() (applied, ongoing string) {
	var done, open []string
	for _, t := range r.Tasks {
		if t.State == "done" {
			done = append(done, t.Text)
		} else {
			open = append(open, t.Text)
		}
	}
	return strings.Join(done, "; "), strings.Join(open, "; ")
}

func (r *Report) measures() string {
	applied, ongoing := r.taskLists()
	var parts []string
	if applied != "" {
		parts = append(parts, "Taken: "+applied+".")
	}
	if ongoing != "" {
		parts = append(parts, "Proposed or under way: "+ongoing+".")
	}
	return strings.Join(parts, " ")
}

// timingValue is when it happened: detected, declared, contained, closed.
func (r *Report) timingValue() string {
	inc := &r.Incident
	if inc.Detection.DetectedAt == nil {
		return ""
	}
	s := "detected " + r.when(inc.Detection.DetectedAt.Time) + "; declared " + r.when(inc.DeclaredAt.Time)
	if c := r.Metrics.TimeToContainment; c != nil {
		s += "; contained " + r.when(inc.Detection.DetectedAt.Time.Add(time.Duration(*c)*time.Second))
	}
	if inc.ClosedAt != nil {
		s += "; closed " + r.when(inc.ClosedAt.Time)
	} else {
		s += "; still open"
	}
	return s
}
