package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// stats count the incidents declared from alerts and the time from first alert to
// declaration; drills and chat-declared incidents are not in it.
func TestStatsFromAlerts(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := t0.Add(-d); return &x }
	inc := func(n int64, drill bool) bot.Incident {
		return bot.Incident{Number: n, Severity: 2, Status: bot.StatusOpen, Phase: bot.PhaseIdentification, Drill: drill, DeclaredAt: t0}
	}
	s := ComputeStats(StatsInput{Incidents: []StatsIncident{
		{Incident: inc(1, false), FirstAlert: at(0)},                // declared by a route: at once
		{Incident: inc(2, false), FirstAlert: at(20 * time.Minute)}, // from triage after 20 minutes
		{Incident: inc(3, false), FirstAlert: at(40 * time.Minute)},
		{Incident: inc(4, false)},                           // declared in chat
		{Incident: inc(5, true), FirstAlert: at(time.Hour)}, // a drill
	}})
	f := s.FromAlerts
	if f.Incidents != 3 || f.Count != 3 || *f.MedianSeconds != 1200 || *f.P90Seconds != 2400 {
		t.Fatalf("from alerts %+v", f)
	}
	var b bytes.Buffer
	if err := s.Text(&b); err != nil || !strings.Contains(b.String(), "First alert to declared") {
		t.Fatalf("text: %v\n%s", err, b.String())
	}
}
