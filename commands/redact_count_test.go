package commands

import (
	"strings"
	"testing"
)

// A redaction that reaches a run's parameters scrubs in passes: the first with the run's
// parameters, and another for each run whose request entry repeated them. A direct message
// holding the texts of two passes was counted once per pass, so the reply told of more
// direct messages than warroom had sent. Here run 2 repeats run 1's host with its own
// reason: its denial's DM to alice is rewritten by both passes and is still one message.
func TestARedactionCountsEachDirectMessageOnce(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	const host = "files01.corp.example"
	h.mustSay("alice", ch, "run isolate-host "+host+" beacon to a known C2", "waiting")
	h.mustSay("bob", ch, "deny 1 wrong host", "denied")
	h.mustSay("alice", ch, "run isolate-host "+host+" second look at the beacon", "waiting")
	h.mustSay("bob", ch, "deny 2 still the wrong host", "denied")
	h.flush()
	out := h.cmd("bob", ch, "redact run 1 pasted the wrong host")
	if !strings.Contains(out, "The parameters of run 1, 2 are removed") {
		t.Fatalf("the redaction did not reach run 2 in a second pass; the test would prove nothing:\n%s", out)
	}
	if !strings.Contains(out, "2 direct message(s) warroom sent with it still hold it") {
		t.Fatalf("the reply does not count the two denials' direct messages to alice once each:\n%s", out)
	}
}
