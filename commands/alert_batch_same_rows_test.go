package commands

import (
	"reflect"
	"testing"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// A batch writes its groups' arrivals and its incidents' chain heads at its end, one
// statement for all of them (their rows a JSON list); the rows must be exactly those the
// same alerts give recorded one by one: every group column, every alert row, every head,
// every entry but its salted hash. The alerts carry what a JSON list must escape (quotes,
// backslashes, control characters, non-ASCII) in their summaries, source links and labels,
// and change status, so the arrivals' status and link move. Both stores.
func TestAlertBatchWritesWhatAlertsOneByOneWrite(t *testing.T) {
	onBothStores(t, testAlertBatchWritesWhatAlertsOneByOneWrite)
}

func testAlertBatchWritesWhatAlertsOneByOneWrite(t *testing.T, store harnessOption) {
	links := []string{"", `https://siem.example/a?q="x"&y=\z`, "https://siem.example/\t\x01ü✓🚨\u2028", "<b>&amp;</b>"}
	var as []alert.Alert
	for i := 0; i < 24; i++ {
		key, sev := []string{"outage", "beacon", "scan", "probe"}[i%4], 1
		if i%4 >= 2 {
			sev = 3 // triage
		}
		a := stormAlert(key, `Ransomware "beacon" \ on fs-1`+"\x02 ✓", i)
		a.Severity, a.SourceURL = sev, links[(i/4)%len(links)]
		a.Labels = map[string]string{"host": "fs-1", "q": `"\` + "\n"}
		if i%5 == 3 {
			a.Status = alert.StatusResolved
		}
		as = append(as, a)
	}
	gs := &gatedStore{gate: make(chan struct{})}
	batched := newHarness(t, store, withYAML(alertsYAML), withStore(func(s Store) Store { gs.Store = s; return gs }))
	for i, a := range sendQueued(t, batched, gs, as) {
		if a.err != nil {
			t.Fatalf("batched alert %d: %v", i, a.err)
		}
	}
	if got := gs.updates.Load(); got != 1 {
		t.Fatalf("%d transactions, want the batch in 1", got)
	}
	alone := newHarness(t, store, withYAML(alertsYAML))
	for _, a := range as {
		alone.alert(a)
	}
	for g := int64(1); g <= 4; g++ {
		bg, ag := batched.group(g), alone.group(g)
		if !reflect.DeepEqual(bg, ag) {
			t.Errorf("group %d batched: %+v\none by one: %+v", g, bg, ag)
		}
		var br, ar []alert.Record
		batched.view(func(tx *storage.Tx) (err error) { br, err = tx.Alerts(g); return err })
		alone.view(func(tx *storage.Tx) (err error) { ar, err = tx.Alerts(g); return err })
		if len(br) == 0 || !reflect.DeepEqual(br, ar) {
			t.Errorf("group %d's alerts batched: %+v\none by one: %+v", g, br, ar)
		}
		if bg.State != alert.StateIncident {
			continue
		}
		be, bi := entriesAndIncident(t, batched, bg.Incident)
		ae, ai := entriesAndIncident(t, alone, ag.Incident)
		if bi.HeadSeq != ai.HeadSeq || bi.HeadHash != be[len(be)-1].Hash || ai.HeadHash != ae[len(ae)-1].Hash {
			t.Errorf("INC-%d's head batched %d %.12s (last entry %.12s), one by one %d", bg.Incident, bi.HeadSeq, bi.HeadHash, be[len(be)-1].Hash, ai.HeadSeq)
		}
		if len(be) != len(ae) {
			t.Fatalf("INC-%d: %d entries batched, %d one by one", bg.Incident, len(be), len(ae))
		}
		for i := range be {
			b, a := be[i], ae[i]
			if b.Seq != a.Seq || b.Kind != a.Kind || b.Text != a.Text || string(b.Data) != string(a.Data) || b.Actor != a.Actor || !b.At.Equal(a.At) {
				t.Errorf("INC-%d entry %d batched %+v\none by one %+v", bg.Incident, i+1, b, a)
			}
		}
	}
}

func entriesAndIncident(t *testing.T, h *harness, n int64) ([]bot.Entry, *bot.Incident) {
	t.Helper()
	var es []bot.Entry
	var inc *bot.Incident
	h.view(func(tx *storage.Tx) (err error) {
		if inc, err = tx.Incident(n); err != nil {
			return err
		}
		es, err = tx.Entries(n)
		return err
	})
	return es, inc
}
