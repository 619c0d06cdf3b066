package report

import (
	"regexp"
	"strconv"
	"strings"
)

// The view of the sections issue 20 added: classification, executive summary, impact,
// evidence and custody, and the readable chronology text.

type viewFacts struct {
	Classification string // "TLP:AMBER"
	TLPClass       string // the CSS class of the marking: clear | green | amber | amber-strict | red
	Organisation   string
	Withheld       []string // what an audience's report leaves out, one sentence each
	Executive      []viewExec
	Impact         []viewImpact
	DetectedAt     string
	DetectedBy     string // the source
	CountedFrom    string
	Evidence       []viewEvidence
}

type viewExec struct {
	Label, Text string
	Gap         bool
}

type viewImpact struct {
	Dimension, Count, Text, Recorded string
}

type viewEvidence struct {
	N                                                  int64
	Description, SHA256, Size, Location, Added, Holder string
	Hashed                                             bool
	Custody                                            []viewCustody
}

type viewCustody struct {
	Seq                                int64
	When, Action, From, To, By, Reason string
}

func (r *Report) viewFacts(f textFormat) viewFacts {
	t := f.text
	c := r.Classification
	v := viewFacts{Classification: c.TLP, TLPClass: tlpClass(c.TLP), Organisation: t(r.org.Name), CountedFrom: r.Metrics.CountedFrom}
	if w := c.Withheld; w.Audience != "" {
		s := "This report is for a " + w.Audience + " audience: it leaves out " + plural(w.Entries, "timeline entry", "timeline entries") +
			" labelled above " + w.Audience
		var also []string
		if w.Tasks > 0 {
			also = append(also, plural(w.Tasks, "task", "tasks"))
		}
		if w.Lessons > 0 {
			also = append(also, plural(w.Lessons, "lesson", "lessons"))
		}
		if w.Alerts > 0 {
			also = append(also, plural(w.Alerts, "alert group", "alert groups"))
		}
		if w.Title {
			also = append(also, "the title and channel name")
		}
		if w.Resolution {
			also = append(also, "the resolution")
		}
		if len(also) > 0 {
			s += ", and with them " + strings.Join(also, ", ")
		}
		v.Withheld = append(v.Withheld, s+". The full report is "+c.Incident+" or higher.")
	}
	for _, e := range r.Executive {
		v.Executive = append(v.Executive, viewExec{Label: e.Label, Text: t(e.Text), Gap: e.Gap})
	}
	for _, x := range r.Facts.Impact {
		count := "–"
		if x.Count != nil {
			count = thousands(*x.Count)
		}
		text := x.Text
		if x.Redacted {
			text = "[redacted]"
		}
		v.Impact = append(v.Impact, viewImpact{Dimension: x.Dimension, Count: count, Text: t(text),
			Recorded: t(r.when(x.At.Time) + " by " + x.By + ", entry " + strconv.FormatInt(x.Seq, 10))})
	}
	if d := r.Incident.Detection.DetectedAt; d != nil {
		v.DetectedAt, v.DetectedBy = r.when(d.Time), t(r.Incident.Detection.Source)
	}
	for _, ev := range r.Evidence {
		desc := ev.Description
		if ev.Redacted {
			desc = "[redacted]"
		}
		x := viewEvidence{N: ev.N, Description: t(desc), SHA256: f.code(ev.SHA256), Location: t(ev.Location), Holder: t(ev.Holder),
			Hashed: ev.HashedByWarroom, Added: t(r.when(ev.AddedAt.Time) + " by " + ev.AddedBy)}
		if ev.Size != nil {
			x.Size = thousands(*ev.Size) + " bytes"
		}
		if ev.HashedByWarroom && ev.UploadedAt != nil {
			x.Added = t("uploaded by " + ev.Uploader + " " + r.when(ev.UploadedAt.Time) + "; hashed by warroom from the platform's copy " + r.when(ev.AddedAt.Time) + " at " + ev.AddedBy + "'s request")
		}
		for _, s := range ev.Custody {
			x.Custody = append(x.Custody, viewCustody{Seq: s.Seq, When: r.when(s.At.Time), Action: s.Action, From: t(dash(s.From)), To: t(s.To), By: t(s.By), Reason: t(dash(s.Reason))})
		}
		v.Evidence = append(v.Evidence, x)
	}
	return v
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// tlpClass is the marking's CSS class.
func tlpClass(marking string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(marking, "TLP:")), "+", "-")
}

// exactTime is a time as the timeline export writes it; the chronology shows it as people
// read it ("2026-03-05 09:00:00 UTC").
var exactTime = regexp.MustCompile(`\b(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d{1,9})?Z\b`)

// consoleRef is how the console names a message ("console:#inc-1-x/5").
var consoleRef = regexp.MustCompile(`\bconsole:(#[a-z0-9@._-]+)/([0-9]+)\b`)

// readable rewrites machine forms in an entry's text for the Markdown and HTML
// chronology: exact timestamps and console message references. JSON keeps the text as is.
func readable(s string) string {
	if strings.Contains(s, "Z") {
		s = exactTime.ReplaceAllString(s, "$1 $2 UTC")
	}
	if strings.Contains(s, "console:") {
		s = consoleRef.ReplaceAllString(s, "message $2 in $1")
	}
	return s
}

// clockShown is a clock's result as the report shows it: an open clock says how long is
// left, and that it is still open after the close when the incident is closed.
func (r *Report) clockShown(c ClockResult) (string, bool) {
	switch c.Status {
	case "open":
		s := "NOT FILED — due " + r.when(c.Deadline.Time)
		if c.LeftSeconds != nil {
			s += " (" + Duration(*c.LeftSeconds) + " left)"
		}
		if r.Incident.ClosedAt != nil && !r.Incident.Report.Draft {
			s += "; still open after the close"
		}
		return s, true
	case "missed":
		return "MISSED — not filed by " + r.when(c.Deadline.Time), true
	case "late":
		return "late — filed after the deadline", true
	}
	return c.Status, false
}
