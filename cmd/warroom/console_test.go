package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// liveConsole is `warroom shell` running in this process on a pipe nobody closes: input
// only when the test writes it, like a person at a terminal.
type liveConsole struct {
	t    *testing.T
	in   *io.PipeWriter
	out  *lockedBuffer
	errb *lockedBuffer
	code chan int
}

func startConsole(t *testing.T, args ...string) *liveConsole {
	t.Helper()
	return startConsoleEnv(t, nil, args...)
}

// startConsoleEnv is startConsole with more environment variables.
func startConsoleEnv(t *testing.T, env map[string]string, args ...string) *liveConsole {
	t.Helper()
	r, w := io.Pipe()
	lc := &liveConsole{t: t, in: w, out: &lockedBuffer{}, errb: &lockedBuffer{}, code: make(chan int, 1)}
	files := t.TempDir()
	ready := make(chan struct{})
	m := &Main{Stdin: r, Stdout: lc.out, Stderr: lc.errb, Ready: func() { close(ready) }, Getenv: func(k string) string {
		switch k {
		case "USER":
			return "alice"
		case "WARROOM_FILES":
			return files
		}
		return env[k]
	}}
	go func() { lc.code <- m.Run(context.Background(), append([]string{"shell"}, args...)) }()
	select {
	case <-ready:
	case c := <-lc.code:
		t.Fatalf("shell exited %d before it was ready: %s", c, lc.errb.String())
	case <-time.After(10 * time.Second):
		t.Fatal("shell never became ready")
	}
	t.Cleanup(func() { _ = w.Close() })
	return lc
}

func (lc *liveConsole) typeLine(s string) {
	lc.t.Helper()
	if _, err := io.WriteString(lc.in, s+"\n"); err != nil {
		lc.t.Fatal(err)
	}
}

func (lc *liveConsole) waitFor(want string, within time.Duration) time.Time {
	lc.t.Helper()
	return waitForText(lc.t, lc.out, want, within)
}

// waitForText waits until out holds want and returns when it appeared.
func waitForText(t *testing.T, out *lockedBuffer, want string, within time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q within %v in:\n%q", want, within, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Now()
}

func (lc *liveConsole) end() int {
	lc.t.Helper()
	_ = lc.in.Close()
	select {
	case c := <-lc.code:
		return c
	case <-time.After(15 * time.Second):
		lc.t.Fatal("shell did not end at end of input")
		return -1
	}
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "warroom.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A status reminder due 2 s after the declaration prints at 2 s with no further input (it
// used to wait for the next line or end of input).
func TestConsolePrintsTimedMessagesWithoutInput(t *testing.T) {
	cfg := writeConfig(t, "nudges:\n  status_update: {sev1: 2s}\n")
	lc := startConsole(t, "--db", filepath.Join(t.TempDir(), "w.db"), "--config", cfg)
	lc.typeLine("/incident declare Server down sev1")
	declared := lc.waitFor("Declared INC-1", 10*time.Second)
	at := lc.waitFor("Status update due on INC-1", 10*time.Second)
	if took := at.Sub(declared); took < time.Second || took > 6*time.Second {
		t.Errorf("reminder due after 2s printed after %v", took)
	}
	if c := lc.end(); c != 0 {
		t.Fatalf("exit %d: %s", c, lc.errb.String())
	}
}

// The admin listener serves in console mode too, and a second bot on the same database is
// refused, naming the holder's pid.
func TestConsoleAdminAndSingleProcessPerDB(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	db := filepath.Join(t.TempDir(), "w.db")
	lc := startConsole(t, "--db", db, "--admin-addr", addr)
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d %s", path, resp.StatusCode, b)
		}
		if path == "/metrics" && !strings.Contains(string(b), "warroom_open_incidents") {
			t.Errorf("/metrics: %s", b)
		}
	}
	code, _, errOut := runCLI(t, "", nil, "run", "--db", db)
	want := "is in use by warroom pid " + strconv.Itoa(os.Getpid())
	if code != exitProblem || !strings.Contains(errOut, want) {
		t.Errorf("second process on the database: exit %d, stderr %q; want %q", code, errOut, want)
	}
	// Reading beside the bot still works.
	if code, _, errOut := runCLI(t, "", nil, "incidents", "--db", db); code != 0 {
		t.Errorf("incidents beside a running bot: %d %s", code, errOut)
	}
	if c := lc.end(); c != 0 {
		t.Fatalf("exit %d: %s", c, lc.errb.String())
	}
	// The lock goes with the process that held it.
	if code, out, errOut := runCLI(t, "", nil, "shell", "--db", db); code != 0 {
		t.Errorf("after the first ended: %d %s %s", code, out, errOut)
	}
}

// `/incident report html` writes the report into --files (it used to print a file line and
// write nothing anywhere).
func TestConsoleWritesReportFiles(t *testing.T) {
	files := filepath.Join(t.TempDir(), "out")
	script := "/incident declare Phishing wave sev2\n#inc-1-phishing-wave\n/incident report html\n"
	code, out, errOut := runCLI(t, script, map[string]string{"USER": "alice"}, "shell", "--db", filepath.Join(t.TempDir(), "w.db"), "--files", files)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	path := filepath.Join(files, "report-INC-1-draft.html")
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "Phishing wave") {
		t.Fatalf("report file: %v", err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v", st.Mode().Perm())
	}
	if !strings.Contains(out, "bytes) saved to "+path) {
		t.Errorf("the file line does not say where the report is:\n%s", out)
	}
}

// The organisation's own domains and networks (config ioc:) never reach the report's
// indicators; the attacker's address does.
func TestReportLeavesOwnDomainsOut(t *testing.T) {
	cfg := writeConfig(t, "ioc:\n  own_domains: [example.com]\n  own_networks: [10.0.0.0/8]\n")
	db := filepath.Join(t.TempDir(), "w.db")
	script := "/incident declare VPN brute force sev2\n#inc-1-vpn-brute-force\n" +
		"/incident note vpn.example.com hit from 203.0.113.7; j.smith@example.com locked; host 10.1.2.3 and user j.smith\n"
	if code, _, errOut := runCLI(t, script, map[string]string{"USER": "alice"}, "shell", "--db", db, "--config", cfg); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := runCLI(t, "", nil, "report", "INC-1", "--format", "md", "--db", db, "--config", cfg)
	if code != 0 {
		t.Fatal(errOut)
	}
	start := strings.Index(out, "## Indicators of compromise")
	if start < 0 {
		t.Fatalf("no indicators section:\n%s", out)
	}
	section := out[start:]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	if !strings.Contains(section, "`203.0.113[.]7`") {
		t.Fatalf("the attacker's address is not among the indicators:\n%s", section)
	}
	for _, own := range []string{"example", "10.1.2", "smith"} {
		if strings.Contains(section, own) {
			t.Errorf("the report lists %s as an indicator", own)
		}
	}
}

// A drill's timed injects print in the console at their offset while nobody types.
func TestConsolePrintsDrillInjectsWithoutInput(t *testing.T) {
	tpl := t.TempDir()
	if err := os.MkdirAll(filepath.Join(tpl, "drills"), 0o700); err != nil {
		t.Fatal(err)
	}
	scenario := `title: "Quick drill"
severity: 3
type: phishing
brief: A two-inject drill for the test.
injects:
  - offset: 0m
    phase: identification
    text: First inject, at the start.
  - offset: 2s
    phase: identification
    text: Second inject, two seconds in.
`
	if err := os.WriteFile(filepath.Join(tpl, "drills", "quick.yaml"), []byte(scenario), 0o600); err != nil {
		t.Fatal(err)
	}
	lc := startConsole(t, "--db", filepath.Join(t.TempDir(), "w.db"), "--templates", tpl)
	lc.typeLine("/incident drill quick")
	started := lc.waitFor("First inject, at the start.", 10*time.Second)
	at := lc.waitFor("Second inject, two seconds in.", 10*time.Second)
	if took := at.Sub(started); took < time.Second || took > 6*time.Second {
		t.Errorf("inject due 2s in printed after %v", took)
	}
	if c := lc.end(); c != 0 {
		t.Fatalf("exit %d: %s", c, lc.errb.String())
	}
}
