package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// StatsInput is what `warroom stats` measures: the incidents declared since a date with
// their phase spans, and the pages sent since then.
type StatsInput struct {
	Since      time.Time // zero: everything
	Severities map[int]string
	Incidents  []StatsIncident
	Pages      []Page
}

// StatsIncident is one incident and its phase spans.
type StatsIncident struct {
	Incident bot.Incident
	Phases   []bot.PhaseSpan
	// FirstAlert is the own time of the first alert the incident was declared from (by an
	// alerts route or a triage post's Declare); nil for an incident declared in chat.
	FirstAlert *time.Time
}

// Stats are the cross-incident metrics; drills are left out of every figure (and
// counted, so nobody wonders where they went). Its JSON is `warroom stats --json`.
type Stats struct {
	Since             *Time           `json:"since"`
	Incidents         int             `json:"incidents"`
	Open              int             `json:"open"`
	Closed            int             `json:"closed"`
	DrillsExcluded    int             `json:"drills_excluded"`
	BySeverity        []SeverityCount `json:"by_severity"`
	ByType            []NameCount     `json:"by_type"`
	ByCloseClass      []NameCount     `json:"by_close_class"`
	ByMonth           []NameCount     `json:"by_month"` // "2026-03" (UTC, of the declaration), oldest first
	Phases            []PhaseStats    `json:"phases"`
	TimeToContainment Distribution    `json:"time_to_containment"`
	TimeToAcknowledge AckDistribution `json:"time_to_acknowledge"`
	// FromAlerts counts the incidents declared from alerts, and the time from each one's
	// first alert to its declaration.
	FromAlerts AlertDistribution `json:"from_alerts"`
}

// AlertDistribution is the alert-declared incidents and their time from first alert to
// declaration.
type AlertDistribution struct {
	Incidents int `json:"incidents"`
	Distribution
}

// SeverityCount is how many incidents had a severity (their current one).
type SeverityCount struct {
	Severity int    `json:"severity"`
	Name     string `json:"name"`
	Count    int    `json:"count"`
}

// NameCount is how many incidents had a type or close class.
type NameCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Distribution is the median and 90th percentile (nearest rank) of a duration over the
// incidents that have it.
type Distribution struct {
	Count         int    `json:"count"`
	MedianSeconds *int64 `json:"median_seconds"`
	P90Seconds    *int64 `json:"p90_seconds"`
}

// PhaseStats is the time spent in one phase, over the incidents that completed it.
type PhaseStats struct {
	Phase string `json:"phase"`
	Distribution
}

// AckDistribution is the pages' time to acknowledge.
type AckDistribution struct {
	Pages int `json:"pages"`
	Distribution
}

func distribution(values []int64) Distribution {
	d := Distribution{Count: len(values)}
	if len(values) == 0 {
		return d
	}
	slices.Sort(values)
	med, p90 := Percentile(values, 50), Percentile(values, 90)
	d.MedianSeconds, d.P90Seconds = &med, &p90
	return d
}

// ComputeStats measures the incidents. A phase counts for an incident once it has left it
// (time still running in an open phase is not a result yet); time to containment uses
// the report's definition (Completed).
func ComputeStats(in StatsInput) Stats {
	s := Stats{BySeverity: []SeverityCount{}, ByType: []NameCount{}, ByCloseClass: []NameCount{}, ByMonth: []NameCount{}}
	if !in.Since.IsZero() {
		t := at(in.Since)
		s.Since = &t
	}
	drills := map[int64]bool{}
	sev := map[int]int{}
	types, classes, months := map[string]int{}, map[string]int{}, map[string]int{}
	inPhase := map[bot.Phase][]int64{}
	var contain, fromAlert []int64
	for _, x := range in.Incidents {
		inc := x.Incident
		if inc.Drill {
			drills[inc.Number] = true
			s.DrillsExcluded++
			continue
		}
		s.Incidents++
		if inc.Open() {
			s.Open++
		} else {
			s.Closed++
			classes[cmp.Or(inc.CloseClass, "unclassified")]++
		}
		sev[inc.Severity]++
		types[cmp.Or(inc.Type, "unclassified")]++
		months[inc.DeclaredAt.UTC().Format("2006-01")]++
		for _, p := range bot.IncidentPhases {
			var total time.Duration
			done := false
			for _, span := range x.Phases {
				if span.Phase == p && span.Left != nil {
					total += max(0, span.Left.Sub(span.Entered))
					done = true
				}
			}
			if done {
				inPhase[p] = append(inPhase[p], secs(total))
			}
		}
		if t, ok := Completed(inc, x.Phases, bot.PhaseContainment); ok {
			contain = append(contain, secs(max(0, t.Sub(inc.DeclaredAt))))
		}
		if x.FirstAlert != nil {
			s.FromAlerts.Incidents++
			fromAlert = append(fromAlert, secs(max(0, inc.DeclaredAt.Sub(*x.FirstAlert))))
		}
	}
	s.FromAlerts.Distribution = distribution(fromAlert)
	for level := 1; level <= 4; level++ {
		s.BySeverity = append(s.BySeverity, SeverityCount{Severity: level, Name: severityName(in.Severities, level), Count: sev[level]})
	}
	s.ByType, s.ByCloseClass = counts(types), counts(classes)
	for k, v := range months {
		s.ByMonth = append(s.ByMonth, NameCount{Name: k, Count: v})
	}
	slices.SortFunc(s.ByMonth, func(a, b NameCount) int { return cmp.Compare(a.Name, b.Name) })
	for _, p := range bot.IncidentPhases {
		s.Phases = append(s.Phases, PhaseStats{Phase: string(p), Distribution: distribution(inPhase[p])})
	}
	s.TimeToContainment = distribution(contain)
	var acks []int64
	for _, p := range in.Pages {
		if drills[p.Incident] || p.CreatedAt.Before(in.Since) {
			continue
		}
		s.TimeToAcknowledge.Pages++
		if p.AckedAt != nil {
			acks = append(acks, secs(max(0, p.AckedAt.Sub(p.CreatedAt))))
		}
	}
	s.TimeToAcknowledge.Distribution = distribution(acks)
	return s
}

// counts lists a tally most frequent first, then by name.
func counts(m map[string]int) []NameCount {
	out := []NameCount{}
	for k, v := range m {
		out = append(out, NameCount{Name: k, Count: v})
	}
	slices.SortFunc(out, func(a, b NameCount) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name)) })
	return out
}

// JSON writes the stats as one indented JSON document.
func (s *Stats) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// Text writes the stats as aligned tables for a terminal.
func (s *Stats) Text(w io.Writer) error {
	since := "all time"
	if s.Since != nil {
		since = "since " + utcText(s.Since.Time)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Incidents %s: %d (%d open, %d closed); drills excluded: %d\n", since, s.Incidents, s.Open, s.Closed, s.DrillsExcluded)
	row := func(label string, cols ...string) {
		fmt.Fprintf(&b, "  %-24s", label)
		for _, c := range cols {
			fmt.Fprintf(&b, " %12s", c)
		}
		b.WriteString("\n")
	}
	b.WriteString("\nBy severity\n")
	for _, c := range s.BySeverity {
		row(fmt.Sprintf("sev%d %s", c.Severity, c.Name), strconv.Itoa(c.Count))
	}
	b.WriteString("\nBy type\n")
	for _, c := range s.ByType {
		row(c.Name, strconv.Itoa(c.Count))
	}
	if len(s.ByMonth) > 0 {
		b.WriteString("\nBy month declared (UTC)\n")
		for _, c := range s.ByMonth {
			row(c.Name, strconv.Itoa(c.Count))
		}
	}
	if len(s.ByCloseClass) > 0 {
		b.WriteString("\nClosed as\n")
		for _, c := range s.ByCloseClass {
			row(c.Name, strconv.Itoa(c.Count))
		}
	}
	b.WriteString("\n")
	row("Time in phase", "incidents", "median", "p90")
	for _, p := range s.Phases {
		row(p.Phase, strconv.Itoa(p.Count), durationPtr(p.MedianSeconds, "–"), durationPtr(p.P90Seconds, "–"))
	}
	c := s.TimeToContainment
	row("To containment", strconv.Itoa(c.Count), durationPtr(c.MedianSeconds, "–"), durationPtr(c.P90Seconds, "–"))
	f := s.FromAlerts
	row("First alert to declared", strconv.Itoa(f.Incidents), durationPtr(f.MedianSeconds, "–"), durationPtr(f.P90Seconds, "–"))
	b.WriteString("\n")
	row("Pages", "acknowledged", "median", "p90")
	a := s.TimeToAcknowledge
	row("Time to acknowledge", strconv.Itoa(a.Count)+" of "+strconv.Itoa(a.Pages), durationPtr(a.MedianSeconds, "–"), durationPtr(a.P90Seconds, "–"))
	_, err := io.WriteString(w, b.String())
	return err
}
