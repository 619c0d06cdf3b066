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

// An insider with write access to the database who changes a queued run's parameters —
// in its row, or in the row and its request entry's text — gets nothing sent: the
// deliverer sends only the parameters the request entry holds under its text commitment.
func TestActionParamsForgedBehindWarroomAreNotSent(t *testing.T) {
	for _, forge := range []struct{ name, sql string }{
		{"row", `UPDATE action_runs SET params = '{"ip":"198.51.100.66"}' WHERE incident = 1 AND n = 1`},
		{"row and entry", `UPDATE action_runs SET params = '{"ip":"198.51.100.66"}' WHERE incident = 1 AND n = 1;
			UPDATE timeline SET text = 'run 1 of block-ip requested: {"ip":"198.51.100.66"}' WHERE incident = 1 AND kind = 'action' AND text LIKE 'run 1 of block-ip requested%'`},
	} {
		t.Run(forge.name, func(t *testing.T) {
			h := newActionHarness(t)
			ch := h.ransomware()
			h.mustSay("alice", ch, "run block-ip 203.0.113.7", "waiting")
			h.mustSay("bob", ch, "approve 1", "queued")
			db := openRW(t, h.db.Path())
			if _, err := db.Exec(forge.sql); err != nil {
				t.Fatal(err)
			}
			if n := h.step(); n != 0 || h.rc.count() != 0 {
				t.Fatalf("a forged run was sent: %d claimed, %d calls %v", n, h.rc.count(), h.rc.bodies)
			}
		})
	}
}
