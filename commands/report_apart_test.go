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

	slow.arm(t)
	asked := make(chan string, 1)
	go func() { asked <- h.send("console", "alice", ch1, "/incident report md") }()
	within(t, slow.entered, "building INC-1's report")
	noted := make(chan string, 1)
	go func() { noted <- h.send("console", "bob", ch2, "/incident note EDR quarantined the dropper") }()
	if r := within(t, noted, "bob's note while INC-1's report is built"); !strings.Contains(r, "Noted on INC-2") {
		t.Fatalf("bob's note: %s", r)
	}
	slow.letGo()
	r := within(t, asked, "the report's reply")
	wantContains(t, "the report's reply", r, "Uploading the INC-1 DRAFT report (the incident is still open)", "report-INC-1")
	out := h.flush()
	if n := strings.Count(out, "(file: report-INC-1"); n != 1 {
		t.Fatalf("the report was uploaded %d times:\n%s", n, out)
	}
	wantContains(t, "the uploaded report", string(rec.last(t).Data), "proxy logs show 203.0.113.7")
}
