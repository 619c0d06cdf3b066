package commands

import (
	"context"
	"strings"
	"testing"
	"time"
)

// slowKeptReportStore is slowReportStore (a report build held at its timeline read) that
// also keeps files apart, as the real store does.
type slowKeptReportStore struct{ *slowReportStore }

func (s slowKeptReportStore) StoreFile(ctx context.Context, data []byte, at time.Time) (int64, error) {
	return s.Store.(FileKeeper).StoreFile(ctx, data, at)
}

func (s slowKeptReportStore) DropFile(ctx context.Context, id int64) error {
	return s.Store.(FileKeeper).DropFile(ctx, id)
}

// /incident report builds the report from a snapshot after its command's commit: while
// the build is held at its read of the timeline, bob's note in another incident commits
// and is answered. Before, the build (a second at 100,000 entries), its rendering and the
// queueing of its bytes all ran inside the command's write transaction, so the note
// waited for them. After the hold the asker is told what went out and the file uploaded
// is the report, once.
func TestReportIsBuiltWithoutHoldingTheWriter(t *testing.T) {
	slow := &slowReportStore{}
	h, rec := repHarness(t, withStore(func(s Store) Store { slow.Store = s; return slowKeptReportStore{slow} }))
	ch1 := h.declare("alice", "Phishing wave")
	ch2 := h.declare("bob", "Malware outbreak")
	h.mustSay("alice", ch1, "note proxy logs show 203.0.113.7", "Noted")
	h.flush()

	r := reportWhileHeld(t, h, slow, ch1, "/incident report md", "bob", ch2, "/incident note EDR quarantined the dropper", "Noted on INC-2")
	wantContains(t, "the report's reply", r, "Uploading the INC-1 DRAFT report (the incident is still open)", "report-INC-1")
	out := h.flush()
	if n := strings.Count(out, "(file: report-INC-1"); n != 1 {
		t.Fatalf("the report was uploaded %d times:\n%s", n, out)
	}
	wantContains(t, "the uploaded report", string(rec.last(t).Data), "proxy logs show 203.0.113.7")
}

// A redaction committed while /incident report is built from its snapshot (which still
// holds the text) scrubs every stored file but this report's, not stored yet: the report
// is not uploaded, and the asker is told to ask again. Before, it went out with the text.
func TestReportBuiltAcrossARedactionIsNotUploaded(t *testing.T) {
	slow := &slowReportStore{}
	h, _ := repHarness(t, withStore(func(s Store) Store { slow.Store = s; return slowKeptReportStore{slow} }))
	ch1 := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch1, "note proxy logs show 203.0.113.7", "Noted")
	h.flush()

	r := reportWhileHeld(t, h, slow, ch1, "/incident report md", "alice", ch1, "/incident redact last pasted the wrong host", "redacted (recorded as entry")
	wantContains(t, "the report's reply", r, "A redaction was recorded in INC-1 while its report was being built")
	if out := h.flush(); strings.Contains(out, "(file: report-INC-1") || strings.Contains(out, "203.0.113.7") {
		t.Fatalf("a report built before the redaction went out:\n%s", out)
	}
}

// reportWhileHeld sends ask (a command that builds INC-1's report) in ch1 as alice with
// the report's build held at the timeline read; meanwhile who sends line in ch and must be
// answered with want. It then lets the build go and returns ask's reply.
func reportWhileHeld(t *testing.T, h *harness, slow *slowReportStore, ch1, ask, who, ch, line, want string) string {
	t.Helper()
	slow.arm(t)
	asked := make(chan string, 1)
	go func() { asked <- h.send("console", "alice", ch1, ask) }()
	within(t, slow.entered, "building INC-1's report")
	meanwhile := make(chan string, 1)
	go func() { meanwhile <- h.send("console", who, ch, line) }()
	if r := within(t, meanwhile, line+" while INC-1's report is built"); !strings.Contains(r, want) {
		t.Fatalf("%s: %s", line, r)
	}
	slow.letGo()
	return within(t, asked, "the report's reply")
}
