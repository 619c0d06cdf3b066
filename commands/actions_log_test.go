package commands

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/warroom/warroom/actions"
)

// A call that fails on the network is logged, and the log cannot be redacted: the line must
// not carry the run's parameters (Go's HTTP client names the URL in its errors, and an
// action's URL may be built from them, as isolate-host's is from the host).
func TestActionCallFailureLogsNoParameters(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	const host = "files01.corp.example"
	h.mustSay("alice", ch, "run isolate-host "+host+" beacon to a known C2", "waiting")
	h.mustSay("bob", ch, "approve 1", "1 of 2")
	h.mustSay("carol", ch, "approve 1", "queued")
	h.rc.srv.Close() // the receiver is down: the attempt fails with a network error
	var logs lockedBuffer
	signers := map[string]actions.Signer{}
	for name := range h.cfg.Actions {
		signers[name] = testKey
	}
	w := actions.NewWorker(h.eng, actions.NewClient(true), signers, h.clock.Now, slog.New(slog.NewTextHandler(&logs, nil)))
	if n, err := w.Step(h.ctx); err != nil || n != 1 {
		t.Fatalf("step: %d calls, %v", n, err)
	}
	out := logs.String()
	if !strings.Contains(out, "action call failed") {
		t.Fatalf("no failure logged: %s", out)
	}
	if strings.Contains(out, host) {
		t.Fatalf("the log names the run's host: %s", out)
	}
}
