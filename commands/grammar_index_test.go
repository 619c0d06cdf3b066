package commands

import (
	"sync"
	"testing"
	"time"
)

// Declarations are read once (New); a call reads its times against its own now, so calls
// at different moments never see each other's (the declaration of a verb with a time is
// copied per call, one without is shared and never written).
func TestDeclarationsAreReadOnceAndTimesPerCall(t *testing.T) {
	e := New(Deps{})
	if a, b := e.grammar.at(e, verbNote, time.Now()), e.grammar.at(e, verbNote, time.Now()); &a[0] != &b[0] {
		t.Error("note's declaration is built again for every call")
	}
	if !e.hasVerb("incident", "clock done") || !e.hasVerb("oncall", "override cancel") || e.hasVerb("incident", "clock nope") {
		t.Error("hasVerb does not know the verbs New indexed")
	}
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			now := base.Add(time.Duration(i) * time.Hour)
			a, err := parseArgs(e.grammar.at(e, verbDetected, now), "45m ago from the SIEM", "detected")
			if err != nil {
				t.Error(err)
				return
			}
			if got := a.Time("time"); !got.Equal(now.Add(-45 * time.Minute)) {
				t.Errorf("call at %v read %v", now, got)
			}
		}()
	}
	wg.Wait()
}
