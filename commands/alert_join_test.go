package commands

import (
	"sync"
	"testing"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/storage"
)

// Alerts that arrive while a batch is being recorded join its transaction, and are
// recorded exactly as if they had been in it from the start: a replay of a delivery
// answered in an earlier transaction, and one of a delivery answered earlier in this one,
// get the first answer and change nothing; the others join their key's incident.
func TestAlertsJoiningABatchKeepTheirReplays(t *testing.T) {
	onBothStores(t, testAlertsJoiningABatchKeepTheirReplays)
}

func testAlertsJoiningABatchKeepTheirReplays(t *testing.T, store harnessOption) {
	gs := &gatedStore{gate: make(chan struct{})}
	close(gs.gate)
	h := newHarness(t, store, withYAML(alertsYAML), withStore(func(s Store) Store { gs.Store = s; return gs }))
	before := stormAlert("k", "Beacon", 0)
	if r := h.alert(before); r.Incident != "INC-1" || !r.New {
		t.Fatalf("first alert: %+v", r)
	}
	// From here the next transaction is held until every alert below is queued.
	gs.gate, gs.once = make(chan struct{}), sync.Once{}
	gs.updates.Store(0)
	as := []alert.Alert{stormAlert("k2", "Other beacon", 10), before, stormAlert("k", "Beacon", 1), stormAlert("k", "Beacon", 1), stormAlert("k", "Beacon", 2)}
	answers := sendQueued(t, h, gs, as)
	if got := gs.updates.Load(); got != 1 {
		t.Errorf("%d transactions, want 1: the alerts queued meanwhile join the held one's", got)
	}
	want := []alert.Result{{Incident: "INC-2", New: true}, {Incident: "INC-1", Replayed: true}, {Incident: "INC-1"}, {Incident: "INC-1", Replayed: true}, {Incident: "INC-1"}}
	for i, a := range answers {
		if a.err != nil || a.res != want[i] {
			t.Errorf("alert %d answered %+v, %v; want %+v", i, a.res, a.err, want[i])
		}
	}
	var groups []alert.Group
	h.view(func(tx *storage.Tx) (err error) { groups, err = tx.AlertGroups(1); return err })
	if len(groups) != 1 {
		t.Fatalf("INC-1 has %d alert groups, want 1", len(groups))
	}
	g := groups[0]
	if g.Count != 3 {
		t.Errorf("INC-1's group counts %d alerts, want 3 (a replay is not counted)", g.Count)
	}
	alertRowsOnTimeline(t, h, g.ID, 1, 3)
	for n := int64(1); n <= 2; n++ {
		if v, err := h.db.Verify(h.ctx, n); err != nil || !v.OK {
			t.Errorf("verify INC-%d: %+v %v", n, v, err)
		}
	}
}

// Joining never makes a transaction hold more than maxAlertBatch alerts: 100 queued behind
// a held one are recorded as 64 (the held one and 63 that joined it), then the other 37.
func TestJoinedBatchesStayWithinTheirBound(t *testing.T) {
	gs := &gatedStore{gate: make(chan struct{})}
	h := newHarness(t, withYAML(alertsYAML), withStore(func(s Store) Store { gs.Store = s; return gs }))
	as := make([]alert.Alert, 101)
	for i := range as {
		as[i] = stormAlert("k", "Beacon", i)
	}
	for i, a := range sendQueued(t, h, gs, as) {
		if a.err != nil || a.res.Incident != "INC-1" {
			t.Fatalf("alert %d answered %+v, %v", i, a.res, a.err)
		}
	}
	if got := gs.updates.Load(); got != 2 {
		t.Errorf("%d transactions for %d alerts, want 2 (at most %d a transaction)", got, len(as), maxAlertBatch)
	}
	if g := h.group(1); g.Count != len(as) {
		t.Errorf("the group counts %d alerts, want %d", g.Count, len(as))
	}
}
