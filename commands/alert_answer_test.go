package commands

import (
	"testing"
	"time"

	"github.com/warroom/warroom/alerts/alert"
)

// A committed batch is answered on a goroutine of its own. A hook that panics there (here
// the metrics) must not leave the sender waiting forever, nor take the process down: the
// alert is answered with what was committed, and the next alert is taken as usual.
func TestAlertAnsweredWhenAHookPanics(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	panicked := false
	h.eng.hooks.Observe = func(verb, _ string, _ time.Duration) {
		if verb == "alert siem" && !panicked {
			panicked = true
			panic("metrics broke")
		}
	}
	done := make(chan alert.Result, 1)
	go func() { done <- h.alert(alert.Alert{Key: "beacon", Summary: "Beacon to a known C2 host", Severity: 3}) }()
	select {
	case r := <-done:
		if r.Triage != "TRI-1" || !r.New {
			t.Fatalf("the alert whose metrics panicked was answered %+v, want it posted for triage as TRI-1", r)
		}
	case <-time.After(20 * time.Second): // ends a test that would hang; measures nothing
		t.Fatal("the alert whose metrics panicked was never answered")
	}
	if !panicked {
		t.Fatal("the hook never ran")
	}
	if r := h.alert(alert.Alert{Key: "beacon", Summary: "Beacon to a known C2 host", Severity: 3}); r.Triage != "TRI-1" || r.New {
		t.Fatalf("the next alert: %+v, want it joined to TRI-1", r)
	}
}
