package main

import (
	"context"
	"database/sql"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/pgtest"
)

// TestMain lets the test binary be warroom itself: the kill -9 test re-executes it with
// WARROOM_TEST_CHILD set to the arguments, and then no test runs at all (so nothing in
// the suite is a test that only skips).
func TestMain(m *testing.M) {
	if child := os.Getenv("WARROOM_TEST_CHILD"); child != "" {
		args := strings.Split(child, "\x1f")
		w := &Main{Stdin: os.Stdin, Stdout: io.Discard, Stderr: os.Stderr, Getenv: os.Getenv}
		os.Exit(w.Run(context.Background(), args))
	}
	code := m.Run()
	pgtest.StopShared() // the PostgreSQL tests' cluster (postgres_e2e_test.go)
	os.Exit(code)
}

// A redaction killed with SIGKILL at any moment leaves either the old state (the entry,
// its task and warroom's post all holding the text, no redaction entry) or the new one
// (none of them holding it, the redaction recorded) — never half — and verify passes.
func TestRedactionKilledMidwayLeavesOldOrNewState(t *testing.T) {
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.db")
	setup := "@alice\n/incident declare Vault leak\n#inc-1-vault-leak\n/incident task add " + secretTask + "\n"
	if code, out, e := runCLI(t, setup, map[string]string{"USER": "alice"}, "shell", "--db", seed); code != 0 {
		t.Fatal(out, e)
	}
	seedBytes, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := os.ReadFile(filepath.Join(dir, "warroom.key"))
	outcomes := map[string]int{}
	rng := rand.New(rand.NewPCG(11, 11))
	for trial := 0; trial < 16; trial++ {
		tdir := filepath.Join(dir, "t"+string(rune('a'+trial)))
		os.Mkdir(tdir, 0o700)
		db := filepath.Join(tdir, "w.db")
		os.WriteFile(db, seedBytes, 0o600)
		os.WriteFile(filepath.Join(tdir, "warroom.key"), key, 0o600)

		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "USER=alice", "WARROOM_TEST_CHILD="+strings.Join([]string{"shell", "--db", db}, "\x1f"))
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		io.WriteString(stdin, "@alice #inc-1-vault-leak\n/incident redact 3 key pasted by mistake\n")
		if trial == 15 {
			stdin.Close() // the last one finishes: the new state must be reachable
			cmd.Wait()
		} else {
			time.Sleep(time.Duration(rng.IntN(60)) * time.Millisecond)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
		}
		outcomes[redactionState(t, db)]++
		if code, out, _ := runCLI(t, "", nil, "verify", "INC-1", "--db", db); code != 0 {
			t.Fatalf("trial %d: verify after kill -9: %s", trial, out)
		}
	}
	t.Logf("outcomes over 16 runs: %v", outcomes)
	if outcomes["new"] == 0 {
		t.Fatal("the redaction never completed")
	}
}

// redactionState is "old" or "new"; anything in between fails the test.
func redactionState(t *testing.T, db string) string {
	t.Helper()
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var redacted, redactions, tasks, outbox, entries int
	q := func(dst *int, query string) {
		if err := raw.QueryRow(query).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	q(&redacted, `SELECT redacted FROM timeline WHERE incident = 1 AND seq = 3`)
	q(&redactions, `SELECT COUNT(*) FROM timeline WHERE incident = 1 AND kind = 'redaction'`)
	q(&tasks, `SELECT COUNT(*) FROM tasks WHERE instr(text, 'kiwi-banana') > 0`)
	q(&outbox, `SELECT COUNT(*) FROM outbox WHERE instr(payload, 'kiwi-banana') > 0`)
	q(&entries, `SELECT COUNT(*) FROM timeline WHERE instr(text, 'kiwi-banana') > 0`)
	switch {
	case redacted == 0 && redactions == 0 && tasks == 1 && outbox > 0 && entries == 1:
		return "old"
	case redacted == 1 && redactions == 1 && tasks == 0 && outbox == 0 && entries == 0:
		return "new"
	}
	t.Fatalf("half a redaction: entry redacted=%d, redaction entries %d, tasks %d, outbox rows %d, entries %d holding the text",
		redacted, redactions, tasks, outbox, entries)
	return ""
}
