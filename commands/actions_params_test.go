package commands

import (
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// "/incident run isolate-host <host> <reason:text>": the reason, last and of type text,
// takes the rest of the line and is what the receiver gets; a bad one is refused naming
// the parameter, and nothing is queued.
func TestActionTextParamTakesTheRestOfTheLine(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	before := len(h.entries(1))
	wantContains(t, "bad host", h.cmd("alice", ch, "run isolate-host files01/x beacon seen"), "Nothing was queued: host:", "expected type host")
	var runs []bot.Run
	h.view(func(tx *storage.Tx) (err error) { runs, err = tx.Runs(1); return err })
	if len(runs) != 0 || len(h.entries(1)) != before {
		t.Fatalf("a refused run left state: %+v", runs)
	}
	h.mustSay("alice", ch, "run isolate-host files01.corp.example beacon to a known C2, see case 7", "waiting for approval")
	if got := h.run(1, 1).Params["reason"]; got != "beacon to a known C2, see case 7" {
		t.Fatalf("reason %q", got)
	}
	h.mustSay("bob", ch, "approve 1", "1 of 2")
	h.mustSay("carol", ch, "approve 1", "queued")
	h.step()
	if h.rc.count() != 1 || h.rc.bodies[0] != `{"reason": "beacon to a known C2, see case 7"}` {
		t.Fatalf("body %v", h.rc.bodies)
	}
	h.verify(1)
}
