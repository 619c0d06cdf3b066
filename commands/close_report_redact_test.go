package commands

import (
	"strings"
	"testing"
)

// A redaction committed while a close's report is built from its snapshot (which still
// holds the text) scrubs every stored file but this report's, not stored yet: the report
// that goes out is built again, from what the redaction left (as version 2: a change after
// the close), and goes out once. Before,
// it went out with the text.
func TestCloseReportBuiltAcrossARedactionIsBuiltAgain(t *testing.T) {
	slow := &slowReportStore{}
	h, rec := repHarness(t, withStore(func(s Store) Store { slow.Store = s; return slowKeptReportStore{slow} }))
	ch1 := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch1, "note proxy logs show 203.0.113.7", "Noted on INC-1 as entry 3.")
	h.flush()

	r := reportWhileHeld(t, h, slow, ch1, "/incident close true-positive contained", "alice", ch1, "/incident redact 3 pasted the wrong host", "Entry 3 of INC-1 redacted")
	if !strings.Contains(r, "INC-1 is closed (true-positive).") {
		t.Fatalf("close: %s", r)
	}
	out := h.flush()
	if n := strings.Count(out, "(file: report-INC-1"); n != 1 {
		t.Fatalf("the report was uploaded %d times:\n%s", n, out)
	}
	got := string(rec.last(t).Data)
	if strings.Contains(got, "203.0.113.7") {
		t.Fatalf("the close's report holds the redacted text:\n%s", got)
	}
	wantContains(t, "the report", got, "closed as true-positive from identification: contained")
}
