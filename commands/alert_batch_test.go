package commands

import (
	"context"
	"crypto/ed25519"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// gatedStore holds the first transaction until released, so the alerts sent meanwhile
// queue behind it and are recorded as one batch; it counts transactions and can make
// InsertAlert fail for a poisoned alert, or every transaction fail after it ran.
type gatedStore struct {
	Store
	gate    chan struct{}
	once    sync.Once
	updates atomic.Int64
	poison  string // InsertAlert fails for an alert with this summary
	failAll bool   // every transaction is rolled back after fn ran
}

var errBatchInjected = errors.New("injected storage failure")

func (s *gatedStore) Update(ctx context.Context, fn func(Tx) error) error {
	s.updates.Add(1)
	s.once.Do(func() { <-s.gate })
	return s.Store.Update(ctx, func(tx Tx) error {
		if err := fn(poisonTx{Tx: tx, poison: s.poison}); err != nil {
			return err
		}
		if s.failAll {
			return errBatchInjected
		}
		return nil
	})
}

type poisonTx struct {
	Tx
	poison string
}

func (t poisonTx) InsertAlert(r *alert.Record) error {
	if t.poison != "" && r.Alert.Summary == t.poison {
		return errBatchInjected
	}
	return t.Tx.InsertAlert(r)
}

type alertAnswer struct {
	res alert.Result
	err error
}

// sendQueued sends the first alert (held at the gate), then the rest, each from its own
// goroutine once the one before it is queued; once all of the rest are queued behind the
// first, it opens the gate and returns every answer in order.
func sendQueued(t *testing.T, h *harness, gs *gatedStore, as []alert.Alert) []alertAnswer {
	t.Helper()
	out := make([]alertAnswer, len(as))
	var wg sync.WaitGroup
	send := func(i int) {
		defer wg.Done()
		out[i].res, out[i].err = h.eng.IngestAlert(h.ctx, as[i])
	}
	wg.Add(len(as))
	go send(0)
	waitFor(t, func() bool { return gs.updates.Load() == 1 })
	// One at a time, so the queue holds them in the order given: two identical alerts are
	// then answered new and replayed in that order, not in the order goroutines ran.
	for i := 1; i < len(as); i++ {
		go send(i)
		waitFor(t, func() bool { return queued(h.eng) == i })
	}
	close(gs.gate)
	wg.Wait()
	h.deliver()
	return out
}

func queued(e *Engine) int {
	e.alertQ.mu.Lock()
	defer e.alertQ.mu.Unlock()
	return len(e.alertQ.waiting)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

func stormAlert(key, summary string, i int) alert.Alert {
	return alert.Alert{Source: "siem", Key: key, Summary: summary, Severity: 1, Status: alert.StatusFiring,
		DeliveryID: "msg_" + key + "_" + strconv.Itoa(i)}
}

// N alerts of one key sent at once are recorded in a batch and still make exactly one
// incident and N alert entries on its chain; every sender is answered with that incident,
// and only the first is told it is new.
func TestAlertBatchOneIncidentPerKey(t *testing.T) { onBothStores(t, testAlertBatchOneIncidentPerKey) }

func testAlertBatchOneIncidentPerKey(t *testing.T, store harnessOption) {
	gs := &gatedStore{gate: make(chan struct{})}
	h := newHarness(t, store, withYAML(alertsYAML), withStore(func(s Store) Store { gs.Store = s; return gs }))
	const n = 40
	as := make([]alert.Alert, n)
	for i := range as {
		as[i] = stormAlert("outage", "Ransomware beacon on fs-1", i)
	}
	answers := sendQueued(t, h, gs, as)
	news := 0
	for i, a := range answers {
		if a.err != nil || a.res.Incident != "INC-1" {
			t.Fatalf("alert %d answered %+v, %v", i, a.res, a.err)
		}
		if a.res.New {
			news++
		}
	}
	if news != 1 {
		t.Errorf("%d answers said new, want 1", news)
	}
	// The other 39, queued while the first alert's transaction waited, join it: one
	// transaction, not 40 (nor 2, the first alone and then the rest, as before they joined).
	if got := gs.updates.Load(); got != 1 {
		t.Errorf("%d transactions for %d alerts, want 1", got, n)
	}
	if got := len(h.incidents()); got != 1 {
		t.Fatalf("%d incidents, want 1", got)
	}
	alertEntries := 0
	for _, e := range h.entries(1) {
		if e.Kind == bot.KindAlert {
			alertEntries++
		}
	}
	if alertEntries != n {
		t.Errorf("%d alert entries, want %d", alertEntries, n)
	}
	var g *alert.Group
	var recs []alert.Record
	h.view(func(tx *storage.Tx) (err error) {
		if g, err = tx.AlertGroup(1); err != nil {
			return err
		}
		recs, err = tx.Alerts(1)
		return err
	})
	if g.Count != n || len(recs) != n {
		t.Errorf("group count %d, %d alert rows; want %d", g.Count, len(recs), n)
	}
	for _, r := range recs {
		if r.Seq == 0 {
			t.Errorf("alert %d has no timeline entry", r.ID)
		}
	}
	alertRowsOnTimeline(t, h, 1, 1, n)
	if v, err := h.db.Verify(h.ctx, 1); err != nil || !v.OK {
		t.Fatalf("verify: %+v %v", v, err)
	}
	// A restart forgets nothing: the next alert of the key joins the same incident.
	if r := h.alert(stormAlert("outage", "Ransomware beacon on fs-1", n)); r.Incident != "INC-1" || r.New {
		t.Errorf("alert after the batch: %+v", r)
	}
}

// A failing alert in a batch costs only itself: the batch is rolled back and re-run alert
// by alert, so the others are committed and answered, and the failed one is answered with
// an error and left nothing behind.
func TestAlertBatchFailedMemberAlone(t *testing.T) { onBothStores(t, testAlertBatchFailedMemberAlone) }

func testAlertBatchFailedMemberAlone(t *testing.T, store harnessOption) {
	gs := &gatedStore{gate: make(chan struct{}), poison: "poison"}
	h := newHarness(t, store, withYAML(alertsYAML), withStore(func(s Store) Store { gs.Store = s; return gs }))
	as := []alert.Alert{stormAlert("k", "Beacon", 0), stormAlert("k", "Beacon", 1), stormAlert("k", "poison", 2), stormAlert("k", "Beacon", 3),
		stormAlert("k2", "Other beacon", 4)}
	answers := sendQueued(t, h, gs, as)
	for i, a := range answers {
		if i == 2 {
			if a.err == nil {
				t.Fatalf("the poisoned alert was answered %+v", a.res)
			}
			continue
		}
		if a.err != nil || a.res.Incident == "" {
			t.Fatalf("alert %d answered %+v, %v", i, a.res, a.err)
		}
	}
	if answers[4].res.Incident != "INC-2" || !answers[4].res.New {
		t.Errorf("the second key: %+v", answers[4].res)
	}
	// The groups are found by their incidents: the whole batch (the first alert and those
	// that joined it) was rolled back, and on PostgreSQL it had taken group ids from the
	// sequence, which never gives an id back.
	groupOf := func(n int64) alert.Group {
		t.Helper()
		var gs []alert.Group
		h.view(func(tx *storage.Tx) (err error) { gs, err = tx.AlertGroups(n); return err })
		if len(gs) != 1 {
			t.Fatalf("INC-%d has %d alert groups, want 1", n, len(gs))
		}
		return gs[0]
	}
	first := groupOf(1)
	var recs []alert.Record
	var replay string
	h.view(func(tx *storage.Tx) (err error) {
		if recs, err = tx.Alerts(first.ID); err != nil {
			return err
		}
		got, err := tx.AlertDeliveries([]alert.Delivery{{Source: "siem", ID: as[2].DeliveryID}})
		if err == nil && len(got) == 0 {
			replay = "none"
		}
		return err
	})
	if len(recs) != 3 || first.Count != 3 {
		t.Errorf("INC-1's group has %d alerts (count %d), want the 3 that were answered", len(recs), first.Count)
	}
	for _, r := range recs {
		if r.Alert.Summary == "poison" {
			t.Error("the failed alert was stored")
		}
	}
	// The batch had put the poisoned alert and those before it on INC-1's chain before it
	// failed: the alerts run again alone chain on the committed head, not on that one.
	alertRowsOnTimeline(t, h, first.ID, 1, 3)
	alertRowsOnTimeline(t, h, groupOf(2).ID, 2, 1)
	for n := int64(1); n <= 2; n++ {
		if v, err := h.db.Verify(h.ctx, n); err != nil || !v.OK {
			t.Errorf("verify INC-%d: %+v %v", n, v, err)
		}
	}
	if replay != "none" {
		t.Error("the failed alert's delivery id was remembered: its retry would be taken for a replay")
	}
	// The retry of the failed alert, once it can be stored, is recorded.
	gs.poison = ""
	if r := h.alert(as[2]); r.Incident != "INC-1" || r.Replayed {
		t.Errorf("retry: %+v", r)
	}
}

// When the transaction fails, no alert of the batch is acknowledged, and nothing is left.
func TestAlertBatchNothingAcknowledgedUncommitted(t *testing.T) {
	gs := &gatedStore{gate: make(chan struct{}), failAll: true}
	h := newHarness(t, withYAML(alertsYAML), withStore(func(s Store) Store { gs.Store = s; return gs }))
	as := make([]alert.Alert, 6)
	for i := range as {
		as[i] = stormAlert("k", "Beacon", i)
	}
	for i, a := range sendQueued(t, h, gs, as) {
		if a.err == nil {
			t.Errorf("alert %d acknowledged %+v though nothing was committed", i, a.res)
		}
	}
	if n := len(h.incidents()); n != 0 {
		t.Errorf("%d incidents after failed transactions", n)
	}
}

// Two deliveries with one webhook-id in the same batch: the second is a replay of the
// first, with its answer, and changes nothing.
func TestAlertBatchReplayWithinBatch(t *testing.T) {
	gs := &gatedStore{gate: make(chan struct{})}
	h := newHarness(t, withYAML(alertsYAML), withStore(func(s Store) Store { gs.Store = s; return gs }))
	first := stormAlert("k", "Beacon", 0)
	dup := stormAlert("k", "Beacon", 1)
	answers := sendQueued(t, h, gs, []alert.Alert{first, dup, dup})
	replays := 0
	for i, a := range answers {
		if a.err != nil || a.res.Incident != "INC-1" {
			t.Fatalf("alert %d answered %+v, %v", i, a.res, a.err)
		}
		if a.res.Replayed {
			replays++
		}
	}
	if replays != 1 {
		t.Errorf("%d replays, want 1: %+v", replays, answers)
	}
	if g := h.group(1); g.Count != 2 {
		t.Errorf("group count %d, want 2", g.Count)
	}
}

// A checkpoint signed while alerts are recorded is handed to the Checkpointed hook after the
// commit, as for every command (the --checkpoint-log file gets it).
func TestAlertCheckpointReported(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []bot.Checkpoint
	var mu sync.Mutex
	eng := New(Deps{Store: StoreOf[*storage.Tx](h.db), Config: h.cfg, Clock: h.clock, Key: key,
		Hooks: Hooks{Checkpointed: func(c bot.Checkpoint) { mu.Lock(); got = append(got, c); mu.Unlock() }}})
	for i := 0; i < checkpointEvery; i++ {
		if _, err := eng.IngestAlert(h.ctx, stormAlert("k", "Beacon", i)); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Seq != checkpointEvery {
		t.Fatalf("checkpoints reported: %+v", got)
	}
}
