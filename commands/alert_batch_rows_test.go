package commands

import (
	"testing"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// A batch that mixes alerts for an incident (whose ids are taken before their rows are
// written) with alerts for a triage post (whose rows are inserted without one) stays one
// transaction, and every row has its own id: a collision would fail the batch and hide
// behind the alert-by-alert re-run.
func TestAlertBatchMixedIDs(t *testing.T) { onBothStores(t, testAlertBatchMixedIDs) }

func testAlertBatchMixedIDs(t *testing.T, store harnessOption) {
	gs := &gatedStore{gate: make(chan struct{})}
	h := newHarness(t, store, withYAML(alertsYAML), withStore(func(s Store) Store { gs.Store = s; return gs }))
	var as []alert.Alert
	for i := 0; i < 12; i++ {
		a := stormAlert("outage", "Ransomware beacon on fs-1", i)
		if i%3 == 1 {
			a = stormAlert("scan", "Port scan", i)
			a.Severity = 3
		}
		as = append(as, a)
	}
	for i, a := range sendQueued(t, h, gs, as) {
		if a.err != nil {
			t.Fatalf("alert %d: %v", i, a.err)
		}
	}
	if got := gs.updates.Load(); got != 1 {
		t.Errorf("%d transactions, want 1 (the rest joined the first alert's)", got)
	}
	ids := map[int64]bool{}
	for g := int64(1); g <= 2; g++ {
		var recs []alert.Record
		h.view(func(tx *storage.Tx) (err error) { recs, err = tx.Alerts(g); return err })
		for _, r := range recs {
			if ids[r.ID] {
				t.Errorf("alert id %d twice", r.ID)
			}
			ids[r.ID] = true
		}
	}
	if len(ids) != len(as) {
		t.Errorf("%d alert rows, want %d", len(ids), len(as))
	}
	alertRowsOnTimeline(t, h, 1, 1, 8)
	if g := h.group(2); g.State != alert.StateTriage || g.Count != 4 {
		t.Errorf("triage group: %+v", g)
	}
}

// onBothStores runs test on SQLite and then on PostgreSQL, whose alert ids come from a
// sequence (storage NewAlertID, ReserveAlertIDs).
func onBothStores(t *testing.T, test func(t *testing.T, store harnessOption)) {
	t.Run("SQLite", func(t *testing.T) { test(t, func(*harnessConfig) {}) })
	t.Run("PostgreSQL", func(t *testing.T) { test(t, onPostgres()) })
}

// alertRowsOnTimeline checks that group's want alert rows are each on incident n's timeline
// as the alert entry whose data names the row, and that n's stored chain head is its last
// entry (the batch writes each head once, at its end).
func alertRowsOnTimeline(t *testing.T, h *harness, group, n int64, want int) {
	t.Helper()
	var recs []alert.Record
	var inc *bot.Incident
	var entries []bot.Entry
	h.view(func(tx *storage.Tx) (err error) {
		if recs, err = tx.Alerts(group); err != nil {
			return err
		}
		if inc, err = tx.Incident(n); err != nil {
			return err
		}
		entries, err = tx.Entries(n)
		return err
	})
	if len(recs) != want {
		t.Errorf("group %d: %d alert rows, want %d", group, len(recs), want)
	}
	bySeq := map[int64]bot.Entry{}
	for _, e := range entries {
		bySeq[e.Seq] = e
	}
	for _, r := range recs {
		e, ok := bySeq[r.Seq]
		d, err := bot.DecodeData(e.Data)
		if !ok || err != nil || e.Kind != bot.KindAlert || d.Int("alert") != r.ID || d.Int("group") != group {
			t.Errorf("alert row %d says entry %d, which is %+v (%v)", r.ID, r.Seq, e, err)
		}
	}
	if last := entries[len(entries)-1]; inc.HeadSeq != last.Seq || inc.HeadHash != last.Hash {
		t.Errorf("INC-%d's stored head is %d %.12s, its last entry %d %.12s", n, inc.HeadSeq, inc.HeadHash, last.Seq, last.Hash)
	}
}
