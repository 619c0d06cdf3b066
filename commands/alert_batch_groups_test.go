package commands

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
)

// lookupStore counts the group and incident look-ups of the transactions run through it.
type lookupStore struct {
	Store
	one, many, incidents atomic.Int64
}

func (s *lookupStore) Update(ctx context.Context, fn func(Tx) error) error {
	return s.Store.Update(ctx, func(tx Tx) error { return fn(lookupTx{Tx: tx, s: s}) })
}

type lookupTx struct {
	Tx
	s *lookupStore
}

func (t lookupTx) OpenAlertGroup(source, route, key string, since time.Time) (*alert.Group, error) {
	t.s.one.Add(1)
	return t.Tx.OpenAlertGroup(source, route, key, since)
}

func (t lookupTx) OpenAlertGroups(keys []alert.GroupKey, since time.Time) (map[alert.GroupKey]*alert.Group, error) {
	t.s.many.Add(1)
	return t.Tx.OpenAlertGroups(keys, since)
}

func (t lookupTx) Incident(n int64) (*bot.Incident, error) {
	t.s.incidents.Add(1)
	return t.Tx.Incident(n)
}

// A batch's alerts of keys that already have open groups find their groups in one look-up
// for each part of the batch (OpenAlertGroups), not a statement per key, and read no
// incident one by one (an alert appended to one needs its number alone);
// and each is still appended to its own key's incident. Here the batch has two parts: the
// first alert, held at the gate, and the 19 queued meanwhile, which join it (the second
// part's look-up leaves out the key the first already found). Both stores.
func TestAlertBatchReadsItsGroupsInOneLookUp(t *testing.T) {
	onBothStores(t, testAlertBatchReadsItsGroupsInOneLookUp)
}

func testAlertBatchReadsItsGroupsInOneLookUp(t *testing.T, store harnessOption) {
	gs := &gatedStore{gate: make(chan struct{})}
	close(gs.gate)
	ls := &lookupStore{}
	h := newHarness(t, store, withYAML(alertsYAML), withStore(func(s Store) Store { ls.Store = s; gs.Store = ls; return gs }))
	keys := []string{"a", "b", "c", "d"}
	for i, k := range keys {
		if r := h.alert(stormAlert(k, "Beacon "+k, 0)); r.Incident != "INC-"+strconv.Itoa(i+1) || !r.New {
			t.Fatalf("first alert of %s: %+v", k, r)
		}
	}
	gs.gate, gs.once = make(chan struct{}), sync.Once{}
	gs.updates.Store(0)
	ls.one.Store(0)
	ls.many.Store(0)
	ls.incidents.Store(0)
	var as []alert.Alert
	for i := 1; i <= 20; i++ {
		k := keys[i%len(keys)]
		as = append(as, stormAlert(k, "Beacon "+k, i))
	}
	answers := sendQueued(t, h, gs, as)
	if got := gs.updates.Load(); got != 1 {
		t.Fatalf("%d transactions, want 1", got)
	}
	for i, a := range answers {
		// as[i] is of keys[(i+1)%4], whose incident was declared (i+1)%4+1-th.
		if want := "INC-" + strconv.Itoa((i+1)%len(keys)+1); a.err != nil || a.res.Incident != want || a.res.New {
			t.Errorf("alert %d (key %s) answered %+v, %v; want %s", i, as[i].Key, a.res, a.err, want)
		}
	}
	if one, many, incs := ls.one.Load(), ls.many.Load(), ls.incidents.Load(); one != 0 || many != 2 || incs != 0 {
		t.Errorf("the batch looked its groups up %d times one by one, %d times together, and its incidents %d times; want 0, 2 and 0", one, many, incs)
	}
}

// clockTx moves the clock on once the batch has read its groups ahead, as if the batch's
// alerts were taken that much later than the read.
type clockTx struct {
	Tx
	clock interface{ Advance(time.Duration) }
	by    time.Duration
}

func (t clockTx) OpenAlertGroups(keys []alert.GroupKey, since time.Time) (map[alert.GroupKey]*alert.Group, error) {
	groups, err := t.Tx.OpenAlertGroups(keys, since)
	t.clock.Advance(t.by)
	return groups, err
}

type clockStore struct {
	Store
	clock interface{ Advance(time.Duration) }
	by    time.Duration
}

func (s *clockStore) Update(ctx context.Context, fn func(Tx) error) error {
	return s.Store.Update(ctx, func(tx Tx) error { return fn(clockTx{Tx: tx, clock: s.clock, by: s.by}) })
}

// A triage post read ahead while in its group window, whose window has ended by the time
// the alert is taken, is not joined: the alert is posted for triage anew, as it would have
// been had its group been looked up at its own time (fails if the read-ahead group is
// taken as it was read). Both stores.
func TestAlertBatchReadAheadRespectsTheGroupWindow(t *testing.T) {
	onBothStores(t, testAlertBatchReadAheadRespectsTheGroupWindow)
}

func testAlertBatchReadAheadRespectsTheGroupWindow(t *testing.T, store harnessOption) {
	cs := &clockStore{}
	h := newHarness(t, store, withYAML(alertsYAML), withStore(func(s Store) Store { cs.Store = s; return cs }))
	cs.clock = h.clock
	scan := alert.Alert{Key: "scan", Summary: "Port scan", Severity: 3}
	if r := h.alert(scan); r.Triage != "TRI-1" || !r.New {
		t.Fatalf("first alert: %+v", r)
	}
	// 59 minutes on, TRI-1 is within its hour when the batch reads it; the alert is
	// taken two minutes later, past the hour.
	h.clock.Advance(59 * time.Minute)
	cs.by = 2 * time.Minute
	if r := h.alert(scan); r.Triage != "TRI-2" || !r.New {
		t.Errorf("alert after TRI-1's window ended: %+v, want a new triage post TRI-2", r)
	}
	// Within the window the read-ahead post is joined.
	if r := h.alert(scan); r.Triage != "TRI-2" || r.New {
		t.Errorf("alert within TRI-2's window: %+v, want it joined to TRI-2", r)
	}
}

// Each alert carries its route's fingerprint, worked out once per route when the engine
// starts (alertQueue.routeIDs): the one Route.ID gives, for whichever route matched, so
// groups keep the route they always had.
func TestRoutedAlertsCarryTheirRoutesFingerprint(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	routes := h.eng.cfg.Alerts.Routes
	if len(routes) != 2 || routes[0].ID() == routes[1].ID() {
		t.Fatalf("routes %+v: want two distinct", routes)
	}
	for _, c := range []struct {
		severity int
		route    int
	}{{1, 0}, {3, 1}} {
		r := h.eng.routeAlert(alert.Alert{Source: "siem", Key: "k", Summary: "s", Severity: c.severity, Status: alert.StatusFiring})
		if !r.ok || r.routeID != routes[c.route].ID() || r.route.Action != routes[c.route].Action {
			t.Errorf("severity %d: routed to %+v (%s), want route %d (%s)", c.severity, r.route, r.routeID, c.route, routes[c.route].ID())
		}
	}
	if r := h.eng.routeAlert(alert.Alert{Source: "edr", Key: "k", Summary: "s", Status: alert.StatusFiring}); r.ok || r.routeID != "" {
		t.Errorf("an alert no route matches: %+v", r)
	}
}
