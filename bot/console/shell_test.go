package console

import (
	"context"
	"github.com/warroom/warroom/internal/testutil"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
)

// echoHandler answers every command with its name and text, and records what it saw.
type echoHandler struct {
	mu   sync.Mutex
	seen []bot.Command
}

func (h *echoHandler) HandleCommand(_ context.Context, c bot.Command) bot.Reply {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen = append(h.seen, c)
	return bot.Reply{Text: bot.Plain("ran " + c.Name + " " + c.Text)}
}
func (h *echoHandler) HandleReaction(context.Context, bot.Reaction) bot.Reply { return bot.Reply{} }
func (h *echoHandler) HandlePress(context.Context, bot.Press) bot.Reply       { return bot.Reply{} }

// syncBuffer is safe for concurrent writers and a reader in the test.
type syncBuffer = testutil.LockedBuffer

func newTestShell(t *testing.T) (*Shell, *Console, *syncBuffer, *echoHandler) {
	t.Helper()
	out := &syncBuffer{}
	c := New(out, clockwork.NewFakeClock(), time.UTC)
	h := &echoHandler{}
	sh := NewShell(c, h, func(context.Context) error { return nil }, "alice")
	return sh, c, out, h
}

// A mistyped channel is not opened silently: the shell names the channels it may mean.
func TestSwitchToMissingChannelSuggests(t *testing.T) {
	sh, c, out, h := newTestShell(t)
	if _, err := c.CreateChannel(context.Background(), "inc-1-ransomware-on-fileserver", true, "INC-1"); err != nil {
		t.Fatal(err)
	}
	sh.Line(context.Background(), "#inc-1 /incident status")
	want := "#inc-1 does not exist; did you mean #inc-1-ransomware-on-fileserver? Use #new:inc-1 to create one"
	if !strings.Contains(out.String(), want) {
		t.Fatalf("output lacks %q:\n%s", want, out)
	}
	if sh.channel != "general" || len(h.seen) != 0 {
		t.Fatalf("switched to %q and ran %d commands after a refused switch", sh.channel, len(h.seen))
	}
	if found, _ := c.exists("inc-1"); found {
		t.Fatal("the refused switch created #inc-1")
	}
	sh.Line(context.Background(), "#new:scratch hello")
	if sh.channel != "scratch" || !strings.Contains(out.String(), "[#scratch] * public channel created") || !strings.Contains(out.String(), "[#scratch 1] alice: hello") {
		t.Fatalf("#new:scratch did not open and use the channel:\n%s", out)
	}
	sh.Line(context.Background(), "#new:Bad/Name")
	if sh.channel != "scratch" || !strings.Contains(out.String(), "is not a channel name") {
		t.Fatalf("a bad #new: name was accepted:\n%s", out)
	}
}

// The prompt names the channel and the speaker once: no "dave@@dave>" in a DM.
func TestPromptInDMChannel(t *testing.T) {
	sh, _, _, _ := newTestShell(t)
	if got := sh.Prompt(); got != "[#general] alice> " {
		t.Errorf("prompt %q", got)
	}
	sh.Line(context.Background(), "@dave #@dave")
	if got := sh.Prompt(); got != "[@dave] dave> " {
		t.Errorf("prompt in a DM %q", got)
	}
}

// Raw control characters of a refused line never reach the terminal, nor do those in
// text printed from elsewhere.
func TestControlCharactersNeverEchoed(t *testing.T) {
	sh, c, out, h := newTestShell(t)
	sh.Echo = true
	sh.Line(context.Background(), "/incident note \x1b]0;pwned\x07\x1b[2J")
	sh.Line(context.Background(), "hello \x1b[31mred")
	if _, err := c.Post(context.Background(), "general", bot.Message{Text: bot.Plain("from elsewhere \x1b[2J\u202eevil")}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.ContainsAny(got, "\x1b\x07\u202e") {
		t.Fatalf("raw control characters printed: %q", got)
	}
	if len(h.seen) != 0 {
		t.Fatalf("a line with control characters ran %v", h.seen)
	}
	for _, want := range []string{`control character (\x1b); ignored`, `from elsewhere \x1b[2J\u202eevil`} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// Colour is off unless asked for; when on, only prefixes are painted.
func TestColourOnlyWhenAsked(t *testing.T) {
	sh, c, out, _ := newTestShell(t)
	sh.Line(context.Background(), "plain")
	if strings.Contains(out.String(), "\x1b") {
		t.Fatalf("colour without asking: %q", out)
	}
	c.SetColour(true)
	sh.Line(context.Background(), "painted")
	if !strings.Contains(out.String(), sgrCyan+"[#general 2]"+sgrReset+sgrBold+" alice: "+sgrReset+"painted") {
		t.Fatalf("no painted prefix: %q", out)
	}
}

// Files sent to the console are written, owner-only, and the line says where; a second
// file of the same name is kept beside the first.
func TestUploadWritesFile(t *testing.T) {
	_, c, out, _ := newTestShell(t)
	dir := filepath.Join(t.TempDir(), "files")
	c.SetFilesDir(dir)
	for _, body := range []string{"<html>one</html>", "<html>two</html>"} {
		if err := c.Upload(context.Background(), "general", bot.File{Name: "report-INC-1.html", Data: []byte(body)}); err != nil {
			t.Fatal(err)
		}
	}
	first, second := filepath.Join(dir, "report-INC-1.html"), filepath.Join(dir, "report-INC-1-2.html")
	for path, body := range map[string]string{first: "<html>one</html>", second: "<html>two</html>"} {
		b, err := os.ReadFile(path)
		if err != nil || string(b) != body {
			t.Fatalf("%s: %q %v", path, b, err)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", path, st.Mode().Perm())
		}
		if !strings.Contains(out.String(), "(file: report-INC-1.html, 16 bytes) saved to "+path) {
			t.Errorf("the line does not say where %s is:\n%s", path, out)
		}
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v", st.Mode().Perm())
	}
	for _, name := range []string{"../escape.html", "..", "a\x1bb"} {
		err := c.Upload(context.Background(), "general", bot.File{Name: name, Data: []byte("x")})
		if name == "../escape.html" {
			if err != nil {
				t.Errorf("%q: %v", name, err)
			}
			if _, serr := os.Stat(filepath.Join(dir, "escape.html")); serr != nil {
				t.Errorf("../escape.html was not kept inside the directory: %v", serr)
			}
			continue
		}
		if err == nil {
			t.Errorf("%q was saved", name)
		}
	}
}

// blockingReader never yields a line (a terminal nobody types at).
type blockingReader struct{ closed chan struct{} }

func (b *blockingReader) ReadLine(string) (string, error) { <-b.closed; return "", io.EOF }
func (b *blockingReader) Close() error {
	select {
	case <-b.closed:
	default:
		close(b.closed)
	}
	return nil
}

// A signal ends the shell at once, even while it waits for input, and pending work is
// still flushed; /quit ends it like end of input.
func TestShellEndsOnSignalAndQuit(t *testing.T) {
	out := &syncBuffer{}
	c := New(out, clockwork.NewFakeClock(), time.UTC)
	flushed := 0
	sh := NewShell(c, &echoHandler{}, func(ctx context.Context) error {
		if ctx.Err() != nil {
			t.Error("flushed with a cancelled context")
		}
		flushed++
		return nil
	}, "alice")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sh.Run(ctx, &blockingReader{closed: make(chan struct{})}) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil || flushed == 0 {
			t.Fatalf("err %v, flushed %d", err, flushed)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the shell kept waiting for input after the signal")
	}

	h := &echoHandler{}
	sh = NewShell(c, h, func(context.Context) error { return nil }, "alice")
	if err := sh.Run(context.Background(), NewScriptReader(strings.NewReader("/incident status\n/quit\n/incident list\n"))); err != nil {
		t.Fatal(err)
	}
	if len(h.seen) != 1 {
		t.Fatalf("ran %d commands; /quit should end the shell after the first", len(h.seen))
	}
}
