package main

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	secretNote  = "the vault phrase is purple-otter-meadow-4471"
	secretTask  = "rotate the kiwi-banana-9932 signing key"
	secretThird = "backup code mango-tulip-5520-zeta"
)

// countSecrets counts how often each secret occurs, as bytes, in each file.
func countSecrets(t *testing.T, secrets []string, files ...string) map[string]int {
	t.Helper()
	found := map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if n := bytes.Count(b, []byte(s)); n > 0 {
				found[filepath.Base(f)+": "+s] += n
			}
		}
	}
	return found
}

// A redaction removes the text from everything warroom keeps: the entry, the rows derived
// from it, the outbox, the messages warroom posted, the database file and its WAL, a
// backup made after it and every export. (Slack and Discord: redact_platforms_test.go.)
func TestRedactionRemovesTheTextEverywhere(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	before := filepath.Join(dir, "before.db")
	setup := "@alice\n/incident declare Vault leak\n#inc-1-vault-leak\n/incident note " + secretNote + "\n" +
		"/incident task add " + secretTask + " @bob\n/incident task done 1\n/incident update " + secretNote + "\n"
	if code, out, e := runCLI(t, setup, map[string]string{"USER": "alice"}, "shell", "--db", db); code != 0 || !strings.Contains(out, "[#inc-1-vault-leak 4] warroom: 📝 alice: "+secretNote) {
		t.Fatalf("setup: %d\n%s\n%s", code, out, e)
	}
	if code, _, e := runCLI(t, "", nil, "backup", before, "--db", db); code != 0 {
		t.Fatal(e)
	}
	secrets := []string{secretNote, secretTask, secretThird}
	if found := countSecrets(t, secrets, before); len(found) == 0 {
		t.Fatal("the backup taken before holds no secret: the test would prove nothing")
	}

	// redact last: the update (entry 6), which repeats the note (entry 3); the task by
	// number (entry 5, "done task 1: …", repeats entry 4); a third secret by ❌ on
	// warroom's post of it (message 3 of this session's channel).
	redact := "@alice #inc-1-vault-leak\n/incident redact last key pasted by mistake\n/incident redact 5 same key\n" +
		"/incident note " + secretThird + "\n+❌ 3\n"
	code, out, e := runCLI(t, redact, map[string]string{"USER": "alice"}, "shell", "--db", db)
	if code != 0 {
		t.Fatalf("redact: %d %s %s", code, out, e)
	}
	for _, want := range []string{
		"Entry 6 of INC-1 redacted (recorded as entry 7, 8)",
		"Entries 3 repeated its text and were redacted too.",
		"Backups taken before now still hold the text",
		"Entry 5 of INC-1 redacted (recorded as entry 9, 10)",
		"Entries 4 repeated its text and were redacted too.",
		"[#inc-1-vault-leak 3] warroom: 📝 alice: " + secretThird,
		"Entry 11 of INC-1 redacted (recorded as entry 12)",
		"[#inc-1-vault-leak 3] (edited) warroom: [redacted by alice: ❌ by alice]",
		"Record why with /incident note <reason>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("redaction reply lacks %q:\n%s", want, out)
		}
	}
	if code, out, _ := runCLI(t, "", nil, "verify", "INC-1", "--db", db); code != 0 {
		t.Fatalf("verify after redaction: %s", out)
	}

	// The derived rows say [redacted]; the outbox holds nothing.
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	var task string
	raw.QueryRow(`SELECT text FROM tasks WHERE incident = 1 AND n = 1`).Scan(&task)
	var outboxHits int
	raw.QueryRow(`SELECT COUNT(*) FROM outbox WHERE instr(payload, 'purple-otter') > 0 OR instr(payload, 'kiwi-banana') > 0`).Scan(&outboxHits)
	raw.Close()
	if task != "[redacted]" || outboxHits != 0 {
		t.Errorf("task text %q, outbox rows holding a secret: %d", task, outboxHits)
	}

	after := filepath.Join(dir, "after.db")
	if code, _, e := runCLI(t, "", nil, "backup", after, "--db", db); code != 0 {
		t.Fatal(e)
	}
	files := []string{db, db + "-wal", after}
	for name, args := range map[string][]string{
		"timeline.json": {"timeline", "INC-1", "--json"}, "timeline.csv": {"timeline", "INC-1", "--format", "csv"},
		"timeline.txt": {"timeline", "INC-1"}, "export.json": {"export", "INC-1"},
		"report.md": {"report", "INC-1", "--format", "md"}, "report.html": {"report", "INC-1", "--format", "html"},
		"report.json": {"report", "INC-1", "--format", "json"},
	} {
		code, out, e := runCLI(t, "", nil, append(args, "--db", db)...)
		if code != 0 {
			t.Fatalf("%v: %s", args, e)
		}
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(out), 0o600)
		files = append(files, p)
	}
	if found := countSecrets(t, secrets, files...); len(found) != 0 {
		t.Fatalf("the redacted text is still there: %v", found)
	}
	if st, err := os.Stat(db + "-wal"); err == nil && st.Size() != 0 {
		t.Errorf("the WAL was not truncated after the redaction: %d bytes", st.Size())
	}

	// The backup taken before is listed as still holding it.
	code, out, _ = runCLI(t, "", nil, "backup", "--list-redactions", before, "--db", db)
	if code != 0 || !strings.Contains(out, "still holds the text of 4 entries redacted since") || !strings.Contains(out, "INC-1 entry 3 (note by alice") {
		t.Fatalf("list-redactions: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", nil, "backup", "--list-redactions", after, "--db", db); code != 0 || !strings.Contains(out, "holds no text that was redacted since") {
		t.Fatalf("list-redactions on a later backup: %s", out)
	}
}
