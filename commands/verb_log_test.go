package commands

// Every error and warning a command, a timer or an event logs names what ran (its verb) and
// the incident, so an operator can tell from one line which command failed where.

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/console"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/templates"
)

// logLine is the first line of the log containing msg.
func logLine(t *testing.T, logs, msg string) string {
	t.Helper()
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, msg) {
			return l
		}
	}
	t.Fatalf("no log line %q in:\n%s", msg, logs)
	return ""
}

func wantLogged(t *testing.T, line string, attrs ...string) {
	t.Helper()
	for _, a := range attrs {
		if !strings.Contains(line, a) {
			t.Errorf("the log line lacks %s:\n%s", a, line)
		}
	}
}

// A /page verb is named with its command and verb, as the /incident verbs are.
func TestFailedPageVerbLogsItsVerb(t *testing.T) {
	h, fs := newFailingHarness(t)
	fs.arm("Enqueue", 1, errInjected)
	if r := h.do("console", "alice", "general", "/page @bob the database is down"); r != nothingChanged {
		t.Fatalf("reply %q", r)
	}
	wantLogged(t, logLine(t, h.logs.String(), "command failed"), `verb=page`, "injected failure")
	fs.disarm()
	h.do("console", "alice", "general", "/page @bob the database is down")
	fs.arm("Append", 1, errInjected)
	fs.arm("Enqueue", 1, errInjected)
	mark := len(h.logs.String())
	if r := h.do("console", "bob", "general", "/page ack"); r != nothingChanged {
		t.Fatalf("ack reply %q", r)
	}
	wantLogged(t, logLine(t, h.logs.String()[mark:], "command failed"), `verb="page ack"`)
}

// A timer that fails is named by its kind.
func TestFailedTimerLogsItsKind(t *testing.T) {
	h, fs := newFailingHarness(t)
	h.declare("alice", "Phishing wave sev2")
	h.clock.Advance(5 * time.Minute)
	pending, err := h.db.PendingTimers(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	fired := false
	for _, tm := range pending {
		if tm.Kind == kindNoCommander {
			fs.arm("Enqueue", 1, errInjected)
			h.eng.FireTimer(h.ctx, tm.ID)
			fired = true
		}
	}
	if !fired {
		t.Fatalf("no no-commander timer: %+v", pending)
	}
	wantLogged(t, logLine(t, h.logs.String(), "command failed"), `verb="timer `+kindNoCommander+`"`, "incident=INC-1")
	wantLogged(t, logLine(t, h.logs.String(), "timer did not run"), `verb="timer `+kindNoCommander+`"`)
}

// A broken template override is logged with the verb and the incident it was for.
func TestTemplateWarningNamesTheVerbAndIncident(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "phases"), 0o755); err != nil {
		t.Fatal(err)
	}
	// It parses (start-up accepts it) but fails when run.
	if err := os.WriteFile(filepath.Join(dir, "phases", "identification.md.tmpl"), []byte("{{.NoSuchField}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	tpl, err := templates.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	h.eng = New(Deps{Store: StoreOf[*storage.Tx](h.db), Config: h.cfg, Clock: h.clock, Templates: tpl,
		Log: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelWarn})), Kick: h.del.Kick})
	h.declare("alice", "Phishing wave sev2")
	wantLogged(t, logLine(t, h.logs.String(), "phase template"), `verb="incident declare"`, "incident=INC-1", "NoSuchField")
}

// Every reply names what ran, so an adapter that cannot deliver it logs the verb too.
func TestRepliesNameTheirVerb(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave sev2")
	src := h.source(console.Name, "alice", ch)
	for _, c := range []struct{ name, text, want string }{
		{"incident", "note the mail gateway quarantined 40 messages", "incident note"},
		{"incident", "sev 9", "incident sev"}, // refused
		{"incident", "task add call the ISP", "incident task add"},
		{"page", "list", "page list"},
		{"oncall", "me", "oncall me"},
	} {
		r := h.eng.HandleCommand(h.ctx, bot.Command{Source: src, Name: c.name, Text: c.text})
		if r.Verb != c.want {
			t.Errorf("/%s %s: reply names %q, want %q (%s)", c.name, c.text, r.Verb, c.want, r.Text.String())
		}
	}
	m := &bot.ChatMessage{ID: "m1", Channel: ch, Text: "the payload hash", Author: bot.User{ID: "bob"}, At: h.clock.Now()}
	if r := h.eng.HandleReaction(h.ctx, bot.Reaction{Source: src, MessageID: m.ID, Emoji: "pushpin", Message: m}); r.Verb != "reaction pushpin" {
		t.Errorf("📌 reply names %q", r.Verb)
	}
	for action := range h.eng.buttons {
		if r := h.eng.HandlePress(h.ctx, bot.Press{Source: src, Action: action, Value: "INC-1"}); r.Verb != "press "+action {
			t.Errorf("press %s: reply names %q", action, r.Verb)
		}
		break
	}
}
