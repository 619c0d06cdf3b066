package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// seededRuns is the seeded incident with response action runs of every outcome appended:
// approved and done, an undo that failed, a quorum of 2 half-approved and expired at the
// close, a denial, a drill-free run whose text parameter holds a secret (masked), and one
// whose request entry was redacted.
func seededRuns(t testing.TB) Data {
	d := seededData()
	b := &timelineBuilder{id: "INC-7", entries: d.Entries, prev: d.Entries[len(d.Entries)-1].Hash}
	h, m := time.Hour, time.Minute
	req := func(at time.Duration, who string, n int64, action string, undoOf int64, params map[string]string, state string) {
		b.add(at, who, bot.KindAction, bot.RunRequestText(n, action, undoOf, params))
		b.with(encode(t, bot.Data{"run": n, "event": "request", "name": action, "param_names": bot.ParamNames(params), "state": state, "undo_of": undoOf}))
	}
	ev := func(at time.Duration, who, text string, data bot.Data) {
		b.add(at, who, bot.KindAction, text)
		b.with(encode(t, data))
	}
	req(1*h+40*m, "carol", 1, "block-ip", 0, map[string]string{"ip": "203.0.113.45"}, bot.RunPending)
	ev(1*h+42*m, "bob", "run 1 of block-ip approved by bob (1 of 1)", bot.Data{"run": 1, "event": "approve", "state": bot.RunQueued, "approvers": []string{"bob"}})
	ev(1*h+42*m, "warroom", "run 1 of block-ip: calling POST https://soar.example/hooks/block-ip (body sha256 aa, webhook-id warroom-INC-7-run-1)", bot.Data{"run": 1, "event": "call", "state": bot.RunSending, "method": "POST"})
	ev(1*h+43*m, "warroom", "run 1 of block-ip result: HTTP 200, answer sha256 bb: ok", bot.Data{"run": 1, "event": "result", "state": bot.RunDone, "status": 200, "attempts": 1})
	req(2*h, "carol", 2, "unblock-ip", 1, map[string]string{"ip": "203.0.113.45"}, bot.RunQueued)
	ev(2*h+10*m, "warroom", "run 2 of unblock-ip failed: HTTP 500", bot.Data{"run": 2, "event": "fail", "state": bot.RunFailed, "status": 500})
	req(2*h+20*m, "alice", 3, "isolate-host", 0, map[string]string{"host": "files01.corp.example", "reason": "beacon | to <C2>"}, bot.RunPending)
	ev(2*h+21*m, "bob", "run 3 of isolate-host approved by bob (1 of 2)", bot.Data{"run": 3, "event": "approve", "state": bot.RunPending, "approvers": []string{"bob"}})
	req(2*h+30*m, "carol", 4, "disable-account", 0, map[string]string{"user": "jdoe"}, bot.RunPending)
	ev(2*h+31*m, "bob", "run 4 of disable-account denied by bob: wrong user", bot.Data{"run": 4, "event": "deny", "state": bot.RunDenied})
	req(2*h+40*m, "carol", 5, "tag-case", 0, map[string]string{"note": "password=hunter2-Spring2026 was reused"}, bot.RunQueued)
	ev(2*h+41*m, "warroom", "run 5 of tag-case result: HTTP 201, answer sha256 cc: ok", bot.Data{"run": 5, "event": "result", "state": bot.RunDone, "status": 201, "attempts": 1})
	req(2*h+50*m, "carol", 6, "block-ip", 0, map[string]string{"ip": "198.51.100.9"}, bot.RunQueued)
	ev(2*h+51*m, "warroom", "run 6 of block-ip result: HTTP 200, answer sha256 dd: ok", bot.Data{"run": 6, "event": "result", "state": bot.RunDone, "status": 200, "attempts": 1})
	b.redact(int64(len(b.entries) - 1))
	ev(3*h, "bob", "run 3 of isolate-host expired unapproved at close, approved by bob", bot.Data{"run": 3, "event": "expire", "state": bot.RunExpired, "why": "closed"})
	d.Entries = b.entries
	return d
}

func encode(t testing.TB, d bot.Data) string {
	t.Helper()
	raw, err := bot.EncodeData(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// section is the part of a rendered report from its heading start up to the next heading
// of the same level.
func section(t *testing.T, doc, start, next string) string {
	t.Helper()
	i := strings.Index(doc, start)
	if i < 0 {
		t.Fatalf("no %q in the report", start)
	}
	j := strings.Index(doc[i+len(start):], next)
	if j < 0 {
		t.Fatalf("nothing after %q", start)
	}
	return doc[i : i+len(start)+j]
}

// TestGoldenResponseActions renders the "Response actions" table in Markdown and HTML and
// compares it with testdata/runs.{md,html}; go test -update rewrites them.
func TestGoldenResponseActions(t *testing.T) {
	r := Build(seededRuns(t))
	for ext, marks := range map[string][2]string{"md": {"## Response actions", "\n## "}, "html": {"<h2>Response actions</h2>", "<h2>"}} {
		got := section(t, render(t, &r, ext), marks[0], marks[1])
		path := filepath.Join("testdata", "runs."+ext)
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from the golden file (go test -update after checking the change):\n%s", path, firstDiff(string(want), got))
		}
		for _, leak := range []string{"hunter2-Spring2026", "198.51.100.9"} {
			if strings.Contains(got, leak) {
				t.Errorf("%s: %q is shown (a secret masked, a redacted parameter)", ext, leak)
			}
		}
	}
	// A report without runs has no such section (the seeded golden files stay as they were).
	plain := Build(seededData())
	if md := render(t, &plain, "md"); strings.Contains(md, "Response actions") {
		t.Error("a report without runs has a Response actions section")
	}
}
