package commands

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/storage"
)

// A report built inside a command reads what the store offers beyond Tx (the web view's
// read-ins, the signed checkpoints, by type assertion): the transaction the engine hands
// its calls, which notes whether they queued something (queueing), must not hide them, or
// /incident report and the close's timer report drop the read-ins and never check the
// timeline against its signed checkpoints.
func TestReportInACommandSeesTheStoresOptionalParts(t *testing.T) {
	h, rec := repHarness(t)
	ch := h.declare("alice", "Report wrapper test sev3")
	if err := h.db.Update(h.ctx, func(tx *storage.Tx) error {
		_, err := tx.RecordReadIn(7, 1, "zed-the-reader", t0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	h.cmd("alice", ch, "report")
	if md := string(rec.last(t).Data); !strings.Contains(md, "zed-the-reader") {
		t.Fatalf("the report built by /incident report lists no read-in:\n%s", md)
	}
	var c call
	h.eng.runAs(h.ctx, "test", h.source("console", "alice", ch), func(cl *call) error { c = *cl; return nil })
	for name, ok := range map[string]bool{
		"checkpoints": is[reportCheckpoints](c.tx), "read-ins": is[reportReadIns](c.tx),
		"clocks": is[reportClocks](c.tx), "pages": is[reportPages](c.tx), "alerts": is[reportAlerts](c.tx),
		"entries of a kind": is[entriesOfKind](c.tx), "entries after": is[entriesAfter](c.tx),
	} {
		if !ok {
			t.Errorf("a call's transaction hides the store's %s from the report", name)
		}
	}
}

func is[I any](v any) bool { _, ok := v.(I); return ok }
