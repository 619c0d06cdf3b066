package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// buildWarroom builds the real binary once per test run.
func buildWarroom(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "warroom")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// The done-when test of the console: the real binary on a pseudo-terminal. A page's
// escalation prints at its due time while nobody types, the half-typed line is redrawn
// after it, Ctrl-C drops a line, Ctrl-D leaves, and the history file is owner-only.
func TestTerminalConsolePrintsEscalationOnTime(t *testing.T) {
	bin := buildWarroom(t)
	dir := t.TempDir()
	cfg := writeConfig(t, `roster:
  - {name: alice}
  - {name: bob}
  - {name: dave}
oncall:
  teams:
    secops:
      rotations:
        - {name: primary, members: [bob], length: 1w, start: 2026-01-05}
      escalation:
        steps:
          - {notify: oncall, wait: 2s}
          - {notify: user, user: dave, wait: 1h}
`)
	db := filepath.Join(dir, "w.db")
	cmd := exec.Command(bin, "--db", db, "shell", "--config", cfg, "--files", filepath.Join(dir, "files"))
	cmd.Env = append(os.Environ(), "USER=alice", "NO_COLOR=1", "TERM=xterm")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 220})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	out := &lockedBuffer{}
	copied := make(chan struct{})
	go func() { defer close(copied); _, _ = io.Copy(out, tty) }()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	waitForText(t, out, "[#general] alice> ", 20*time.Second)
	if _, err := tty.WriteString("/page secops web server down\r"); err != nil {
		t.Fatal(err)
	}
	sent := waitForText(t, out, "Page 1 sent to secops: bob notified", 10*time.Second)
	// Half a line typed, then nothing: the escalation must come by itself.
	if _, err := tty.WriteString("half typed"); err != nil {
		t.Fatal(err)
	}
	at := waitForText(t, out, "[@dave 1] warroom: 📟 Page 1 from alice for secops", 15*time.Second)
	if took := at.Sub(sent); took < time.Second || took > 6*time.Second {
		t.Errorf("escalation due 2s after the page printed after %v", took)
	}
	screen := out.String()
	after := screen[strings.Index(screen, "[@dave 1] warroom"):]
	if !strings.Contains(after, "[#general] alice> half typed") {
		t.Errorf("the prompt and the half-typed line were not redrawn after the escalation:\n%q", after)
	}
	// Ctrl-C drops the half-typed line; the next line runs alone.
	if _, err := tty.WriteString("\x03/page list\r"); err != nil {
		t.Fatal(err)
	}
	waitForText(t, out, "Page 1", 10*time.Second)
	if strings.Contains(out.String(), "half typed/page") {
		t.Error("Ctrl-C did not clear the line")
	}
	// A line holding a secret is never written to the history file.
	if _, err := tty.WriteString("key AKIAIOSFODNN7EXAMPLE leaked\r"); err != nil {
		t.Fatal(err)
	}
	waitForText(t, out, "alice: key AKIA", 10*time.Second)
	if strings.Contains(out.String(), "\x1b[36m") {
		t.Error("colour with NO_COLOR set")
	}
	if _, err := tty.WriteString("\x04"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit: %v\n%q", err, out.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("Ctrl-D did not end the console:\n%q", out.String())
	}
	st, err := os.Stat(db + ".history")
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("history file: %v %v", st, err)
	}
	hist, _ := os.ReadFile(db + ".history")
	if !strings.Contains(string(hist), "/page secops web server down") || strings.Contains(string(hist), "half typed") || strings.Contains(string(hist), "AKIA") {
		t.Errorf("history %q", hist)
	}

	// Without NO_COLOR a terminal gets coloured prefixes; the history is there for Up.
	cmd = exec.Command(bin, "--db", db, "shell", "--config", cfg, "--files", filepath.Join(dir, "files"))
	cmd.Env = append(os.Environ(), "USER=alice", "TERM=xterm")
	tty2, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 220})
	if err != nil {
		t.Fatal(err)
	}
	defer tty2.Close()
	out2 := &lockedBuffer{}
	go func() { _, _ = io.Copy(out2, tty2) }()
	waitForText(t, out2, "[#general] alice> ", 20*time.Second)
	if _, err := tty2.WriteString("hello\r\x1b[A"); err != nil {
		t.Fatal(err)
	}
	painted := "\x1b[36m[#general 1]\x1b[0m\x1b[1m alice: \x1b[0mhello"
	waitForText(t, out2, painted, 10*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for { // Up, after the line was sent, brings it back
		screen := out2.String()
		if strings.Contains(screen[strings.Index(screen, painted)+len(painted):], "[#general] alice> hello") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Up did not recall the line:\n%q", screen)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := tty2.WriteString("\x03/quit\r"); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("/quit: %v\n%q", err, out2.String())
	}
}
