package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// A run still waiting for approval when the incident closes is expired at the close, with
// its own entry; it is never approved or sent later — not after its expiry timer would
// have fired, and not after a reopen.
func TestActionPendingAtCloseIsExpiredAndNeverRuns(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	h.mustSay("carol", ch, "run block-ip 203.0.113.7", "waiting for approval")
	h.mustSay("alice", ch, "run isolate-host files01.corp.example contain it", "waiting for approval")
	h.mustSay("bob", ch, "approve 2", "1 of 2 approvals")
	h.flush()
	h.mustSay("bob", ch, "close true-positive contained", "closed")
	for k := int64(1); k <= 2; k++ {
		if got := h.run(1, k); got.State != bot.RunExpired {
			t.Fatalf("run %d after close: %+v", k, got)
		}
	}
	es := h.entries(1)
	closeEntry := h.lastOf(1, bot.KindClose)
	for _, want := range []string{"run 1 of block-ip expired unapproved at close", "run 2 of isolate-host expired unapproved at close, approved by bob"} {
		e, ok := findEntry(es, bot.KindAction, want)
		if !ok {
			t.Fatalf("no entry %q", want)
		}
		d, _ := bot.DecodeData(e.Data)
		if d.Str("state") != bot.RunExpired || d.Str("why") != "closed" || e.Seq > closeEntry.Seq {
			t.Fatalf("expiry entry %d (close %d): %v", e.Seq, closeEntry.Seq, d)
		}
	}
	wantContains(t, "requester told", h.flush(), "[@carol ", "Run 1 of block-ip (ip=203.0.113.7) expired: INC-1 was closed before it was approved; it will not run")
	// The expiry timers are gone: nothing fires later.
	h.view(func(tx *storage.Tx) error {
		if _, err := tx.Timer(runKey(bot.Run{Incident: 1, N: 1})); !isNotFound(err) {
			t.Errorf("expiry timer of run 1 left after close: %v", err)
		}
		return nil
	})
	h.clock.Advance(20 * time.Minute)
	h.mustSay("bob", ch, "reopen", "open again")
	wantContains(t, "approve after reopen", h.cmd("bob", ch, "approve 1"), "expired: nothing to decide")
	if h.step() != 0 || h.rc.count() != 0 {
		t.Fatal("a run pending at close was sent")
	}
	if n := strings.Count(entriesText(h.entries(1)), "expired unapproved"); n != 2 {
		t.Fatalf("%d expiry entries", n)
	}
	h.verify(1)
}

func entriesText(es []bot.Entry) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.Text + "\n")
	}
	return b.String()
}
