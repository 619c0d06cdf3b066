package report

import (
	"slices"
	"time"

	"github.com/warroom/warroom/bot"
)

// Measure computes the headline figures of one incident as of end (its close, or the
// report's time for a draft). `warroom stats` uses the same definitions across incidents.
func Measure(inc bot.Incident, roles []bot.RoleAssignment, spans []bot.PhaseSpan, pages []Page, end time.Time) Metrics {
	m := Metrics{Total: max(0, secs(end.Sub(inc.DeclaredAt))), TimeInPhase: TimeInPhase(spans, end), Pages: []PageMetric{}}
	for _, a := range roles {
		if a.Role == "commander" {
			m.TimeToCommander = secsPtr(max(0, a.From.Sub(inc.DeclaredAt)))
			break
		}
	}
	for _, x := range []struct {
		phase bot.Phase
		into  **int64
	}{{bot.PhaseContainment, &m.TimeToContainment}, {bot.PhaseEradication, &m.TimeToEradication}, {bot.PhaseRecovery, &m.TimeToRecovery}} {
		if t, ok := Completed(inc, spans, x.phase); ok {
			*x.into = secsPtr(max(0, t.Sub(inc.DeclaredAt)))
		}
	}
	var acks []int64
	for _, p := range pages {
		pm := PageMetric{ID: p.ID, Target: p.Target, PagedBy: p.PagedBy, CreatedAt: at(p.CreatedAt), State: p.State,
			AckedBy: p.AckedBy, AckedAt: atPtr(p.AckedAt)}
		if p.AckedAt != nil {
			pm.TimeToAckSecs = secsPtr(max(0, p.AckedAt.Sub(p.CreatedAt)))
			acks = append(acks, *pm.TimeToAckSecs)
		}
		m.Pages = append(m.Pages, pm)
	}
	m.Acks = AckStatistics{Pages: len(pages), Acknowledged: len(acks)}
	if len(acks) > 0 {
		slices.Sort(acks)
		med, top := Percentile(acks, 50), acks[len(acks)-1]
		m.Acks.MedianSeconds, m.Acks.MaxSeconds = &med, &top
	}
	return m
}

// TimeInPhase sums every span of each per-incident phase (a reopened incident may visit
// one twice), in phase order; open spans count up to end.
func TimeInPhase(spans []bot.PhaseSpan, end time.Time) []PhaseTime {
	out := make([]PhaseTime, 0, len(bot.IncidentPhases))
	for _, p := range bot.IncidentPhases {
		var total time.Duration
		for _, s := range spans {
			if s.Phase == p {
				total += max(0, spanEnd(s, end).Sub(s.Entered))
			}
		}
		out = append(out, PhaseTime{Phase: string(p), Seconds: secs(total)})
	}
	return out
}

// Completed is when phase p was first done with: the first time the incident entered a
// later phase, or — if it never did — its close from p or a later phase. An incident
// closed from identification (a false positive) was never contained: false.
func Completed(inc bot.Incident, spans []bot.PhaseSpan, p bot.Phase) (time.Time, bool) {
	idx := p.Index()
	for _, s := range spans {
		if s.Phase.Index() > idx {
			return s.Entered, true
		}
	}
	if !inc.Open() && inc.ClosedAt != nil && inc.ClosedFrom.Index() >= idx {
		return *inc.ClosedAt, true
	}
	return time.Time{}, false
}

// Percentile is the nearest-rank percentile of sorted values (p in 1…100): the smallest
// value with at least p% of the values at or below it. Every result is a value that
// occurred, which reads better in a report than an interpolation.
func Percentile(sorted []int64, p int) int64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100
	return sorted[min(max(rank, 1), len(sorted))-1]
}
