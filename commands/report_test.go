package commands

// Tests of the lessons-learned report in the engine: the upload at close, the on-demand
// /incident report, versions and drafts. They reuse the shared harness and add a platform
// that keeps the uploaded files (helpers here are prefixed rep… to stay out of the way).

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/console"
	"github.com/warroom/warroom/outbox"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/templates"
)

// repRecorder is the console, keeping a copy of every uploaded file.
type repRecorder struct {
	*console.Console
	mu    sync.Mutex
	files []bot.File
}

func (r *repRecorder) Upload(ctx context.Context, channelID string, f bot.File) error {
	r.mu.Lock()
	r.files = append(r.files, f)
	r.mu.Unlock()
	return r.Console.Upload(ctx, channelID, f)
}

func (r *repRecorder) last(t *testing.T) bot.File {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.files) == 0 {
		t.Fatal("nothing was uploaded")
	}
	return r.files[len(r.files)-1]
}

// repHarness is the shared harness delivering through a repRecorder.
func repHarness(t *testing.T, opts ...harnessOption) (*harness, *repRecorder) {
	t.Helper()
	h := newHarness(t, opts...)
	rec := &repRecorder{Console: h.con}
	h.del = outbox.NewDeliverer(h.db, h.clock, slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelWarn})), rec)
	return h, rec
}

var repFileRe = regexp.MustCompile(`\(file: (report-INC-\d+[^,]*), (\d+) bytes\)`)

// repWorked declares INC-1 and gives it something to report.
func repWorked(t *testing.T, h *harness) string {
	t.Helper()
	ch := h.declare("alice", "Phishing wave against finance")
	h.mustSay("alice", ch, "role commander @bob", "bob is commander")
	h.mustSay("bob", ch, "note beacon to 203.0.113.45 and hxxp://evil[.]example/x; token xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx", "Noted")
	h.mustSay("bob", ch, "note @everyone <script>alert(1)</script> | a | b |", "Noted")
	h.mustSay("bob", ch, "task add block evil.example at the proxy @carol", "Task 1")
	h.mustSay("bob", ch, "lesson good the mail search was quick", "")
	h.flush()
	return ch
}

func TestCloseUploadsReport(t *testing.T) {
	h, rec := repHarness(t)
	ch := repWorked(t, h)
	h.clock.Advance(90 * 60e9)
	h.mustSay("bob", ch, "close true-positive sender blocked", "INC-1 is closed")
	out := channelLines(h.flush(), "inc-1-phishing-wave-against-finance")
	m := repFileRe.FindStringSubmatch(out)
	if m == nil || m[1] != "report-INC-1.md" {
		t.Fatalf("no report upload in the channel:\n%s", out)
	}
	f := rec.last(t)
	if m[2] != fmt.Sprint(len(f.Data)) || len(f.Data) < 2000 {
		t.Errorf("upload of %s bytes, file has %d", m[2], len(f.Data))
	}
	wantContains(t, "close output", out, "📄 *Lessons-learned report* for INC-1 (version 1)", "closed as true-positive after 1h 30m")
	// The summary comes before the file, and both after the head is posted.
	if i, j, k := strings.Index(out, "Timeline head"), strings.Index(out, "📄"), strings.Index(out, "(file: report-INC-1.md"); !(i < j && j < k) {
		t.Errorf("order: head %d, summary %d, file %d", i, j, k)
	}
	md := string(f.Data)
	inc := h.incident(1)
	wantContains(t, "report", md,
		"# INC-1 · Phishing wave against finance — lessons-learned report",
		"| Closed as | true-positive |",
		"| commander | bob |",
		"`203.0.113[.]45`", "`hxxp://evil[.]example/x`",
		"xoxb-\\*\\*\\*\\*",
		"| Time to commander |",
		"- the mail search was quick — bob",
		"- Head hash: `"+inc.HeadHash+"`",
		"- Timeline entries: "+fmt.Sprint(inc.HeadSeq),
		"- Verification: passed",
		"closed as true-positive from identification: sender blocked")
	wantNot(t, "report", md, "xoxb-1234567890", "@everyone", "<script>", "**DRAFT**")
	if !strings.HasPrefix(f.Title, "INC-1 lessons-learned report, version 1") {
		t.Errorf("file title %q", f.Title)
	}
	h.verify(1)
}

func TestReopenedReportIsVersion2(t *testing.T) {
	h, rec := repHarness(t)
	ch := repWorked(t, h)
	h.mustSay("bob", ch, "close true-positive", "closed")
	h.mustSay("bob", ch, "reopen", "open again")
	h.mustSay("bob", ch, "close benign turned out to be a test", "closed")
	out := h.flush()
	if !strings.Contains(out, "(file: report-INC-1-v2.md,") {
		t.Fatalf("second close did not upload version 2:\n%s", out)
	}
	md := string(rec.last(t).Data)
	wantContains(t, "v2 report", md, "Report version 2", "version 2 (the incident was reopened)", "| Closed as | benign |")
}

func TestReportVerb(t *testing.T) {
	h, rec := repHarness(t)
	ch := repWorked(t, h)
	r := h.cmd("carol", ch, "report")
	wantContains(t, "reply", r, "DRAFT report", "report-INC-1-draft.md")
	out := h.flush()
	if !strings.Contains(out, "(file: report-INC-1-draft.md,") {
		t.Fatalf("no draft upload:\n%s", out)
	}
	wantContains(t, "draft", string(rec.last(t).Data), "> **DRAFT** — INC-1 is still open")

	h.cmd("carol", ch, "report html")
	h.flush()
	html := string(rec.last(t).Data)
	if rec.last(t).Name != "report-INC-1-draft.html" || !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, "DRAFT") {
		t.Errorf("html upload %s: %.200s", rec.last(t).Name, html)
	}
	h.cmd("carol", ch, "report json")
	h.flush()
	if f := rec.last(t); f.Name != "report-INC-1-draft.json" || !strings.Contains(string(f.Data), `"draft": true`) {
		t.Errorf("json upload %s", f.Name)
	}
	// The report is read-only: it adds nothing to the timeline.
	h.unchanged(1, func() {
		wantContains(t, "bad format", h.cmd("carol", ch, "report pdf"), `Unknown report format "pdf". Formats: md, html, json, gdpr, nis2, sec; an audience as tlp:green.`)
	})
	// Named from elsewhere, by a member.
	wantContains(t, "from general", h.cmd("bob", "general", "report INC-1 md"), "report-INC-1-draft.md")
	// Not by a stranger.
	wantContains(t, "stranger", h.cmd("mallory", "general", "report INC-1"), "not a member")
}

func TestDrillReportMarked(t *testing.T) {
	h, rec := repHarness(t)
	r := h.cmd("alice", "general", "drill phishing")
	ch := regexp.MustCompile(`#(\S+) is being opened`).FindStringSubmatch(r)
	if ch == nil {
		t.Fatalf("drill: %s", r)
	}
	inc := h.incidents()[0]
	h.flush()
	h.mustSay("alice", inc.ChannelID, "close false-positive practice over", "closed")
	out := h.flush()
	wantContains(t, "drill close", out, "DRILL — 📄 *Lessons-learned report*")
	f := rec.last(t)
	if !strings.HasPrefix(f.Title, "DRILL") {
		t.Errorf("drill report title %q", f.Title)
	}
	wantContains(t, "drill report", string(f.Data), "> **DRILL** — a practice incident", "| Real or drill | DRILL")
}

// A broken override still delivers the report at close (with the built-in template),
// and says so in the log and to the closer.
func TestCloseWithBrokenReportTemplate(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "report"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report", "report.md.tmpl"), []byte("# {{.ID}}\n{{.Missing}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := templates.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	h, rec := repHarness(t)
	h.eng = New(Deps{Store: StoreOf[*storage.Tx](h.db), Config: h.cfg, Templates: set, Clock: h.clock,
		Log: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelWarn})), Kick: h.del.Kick})
	ch := h.declare("alice", "Odd login")
	r := h.cmd("alice", ch, "close true-positive")
	wantContains(t, "close reply", r, "is closed", "report/report.md.tmpl:2", "built-in one was used")
	h.flush()
	wantContains(t, "report", string(rec.last(t).Data), "# INC-1 · Odd login — lessons-learned report")
	wantContains(t, "log", h.logs.String(), "report template override is broken", "report/report.md.tmpl:2")
}
