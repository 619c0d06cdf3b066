package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// The attacks of a hostile insider with write access to the database, each against the
// real CLI on a database a scripted session wrote. Every one passed `verify` in the first
// release.

// sessionDB runs fullSession (plus a severity change) and returns the database and the
// checkpoint log it wrote.
func sessionDB(t *testing.T) (db, log string) {
	t.Helper()
	dir := t.TempDir()
	db, log = filepath.Join(dir, "w.db"), filepath.Join(dir, "checkpoints.jsonl")
	script := strings.Replace(fullSession(), "/incident type phishing\n", "/incident type phishing\n/incident sev 1\n", 1)
	if code, out, errOut := runCLI(t, script, map[string]string{"USER": "alice"}, "run", "--db", db, "--checkpoint-log", log); code != 0 {
		t.Fatalf("run exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "", nil, "verify", "INC-1", "--db", db); code != 0 {
		t.Fatalf("untouched session does not verify: %d %s", code, out)
	}
	return db, log
}

func tamper(t *testing.T, db string, stmts ...string) {
	t.Helper()
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func seqOf(t *testing.T, db, where string) int64 {
	t.Helper()
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int64
	if err := raw.QueryRow(`SELECT MAX(seq) FROM timeline WHERE incident = 1 AND ` + where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantTampered(t *testing.T, want string, args ...string) {
	t.Helper()
	code, out, errOut := runCLI(t, "", nil, append([]string{"verify"}, args...)...)
	if code != 1 || !strings.Contains(out, want) {
		t.Fatalf("verify %v: exit %d, want 1 with %q\n%s%s", args, code, want, out, errOut)
	}
}

func TestVerifyCatchesAForgedSelfAnnouncingRedaction(t *testing.T) {
	db, _ := sessionDB(t)
	tamper(t, db, `UPDATE timeline SET redacted = 1, kind = 'redaction', text = 'redacted entry 3: routine', salt = '' WHERE incident = 1 AND seq = 3`)
	wantTampered(t, "INC-1: TAMPERED at entry 3:", "INC-1", "--db", db)
}

func TestVerifyCatchesMetadataChangesOnARedactedEntry(t *testing.T) {
	db, _ := sessionDB(t)
	note := seqOf(t, db, "kind = 'note'")
	code, out, _ := runCLI(t, "@alice #inc-1-phishing-wave\n/incident redact "+strconv.FormatInt(note, 10)+" pasted a password\n", map[string]string{"USER": "alice"}, "shell", "--db", db)
	if code != 0 || !strings.Contains(out, "redacted") {
		t.Fatalf("redact: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", nil, "verify", "INC-1", "--db", db); code != 0 {
		t.Fatalf("redacted session does not verify: %s", out)
	}
	tamper(t, db, `UPDATE timeline SET actor = 'mallory', kind = 'pin', at = '2020-01-01T00:00:00.000000000Z' WHERE incident = 1 AND seq = `+strconv.FormatInt(note, 10))
	wantTampered(t, "INC-1: TAMPERED at entry "+strconv.FormatInt(note, 10)+":", "INC-1", "--db", db)
}

func TestVerifyCatchesAnIncidentRowEdit(t *testing.T) {
	db, _ := sessionDB(t)
	sev := seqOf(t, db, "kind = 'severity'")
	tamper(t, db, `UPDATE incidents SET severity = 4, close_class = 'false-positive', title = 'Routine alert' WHERE number = 1`)
	wantTampered(t, "INC-1: TAMPERED: severity is 4 in the incident record; entry "+strconv.FormatInt(sev, 10)+" set it to 1\n", "INC-1", "--db", db)
	// The report never shows the forged summary next to "passed".
	if code, out, _ := runCLI(t, "", nil, "report", "INC-1", "--format", "md", "--db", db); code != 0 ||
		!strings.Contains(out, "- Verification: **FAILED** at entry "+strconv.FormatInt(sev, 10)+": severity is 4 in the incident record") {
		t.Fatalf("report after the row edit: %d\n%s", code, out)
	}

	// Each field on its own is caught too, and so are the derived tables.
	for stmt, want := range map[string]string{
		`UPDATE incidents SET title = 'Routine alert' WHERE number = 1`:                                            `title is "Routine alert" in the incident record; entry 1 set it to "Phishing wave"`,
		`UPDATE incidents SET close_class = 'false-positive' WHERE number = 1`:                                     `close class is "false-positive" in the incident record`,
		`UPDATE roles SET person = 'mallory' WHERE incident = 1 AND role = 'analyst'`:                              `role analyst is "mallory" in the incident record`,
		`INSERT INTO members (incident, person, added_at) VALUES (1, 'mallory', '2026-01-01T00:00:00.000000000Z')`: `member mallory is present in the incident record; no entry sets it`,
		`UPDATE lessons SET text = 'all fine' WHERE incident = 1`:                                                  `lesson 1 text is "all fine" in the incident record`,
	} {
		db, _ := sessionDB(t)
		tamper(t, db, stmt)
		wantTampered(t, want, "INC-1", "--db", db)
	}
}

// truncate deletes the close entry and everything after it and rewrites the recorded head
// (and, with fixRow, the incident row) so that the shorter chain is self-consistent.
func truncate(t *testing.T, db string, fixRow bool) int64 {
	t.Helper()
	k := seqOf(t, db, "kind = 'close'") - 1
	stmts := []string{
		`DELETE FROM timeline WHERE incident = 1 AND seq > ` + strconv.FormatInt(k, 10),
		`UPDATE incidents SET head_seq = ` + strconv.FormatInt(k, 10) + `, head_hash = (SELECT hash FROM timeline WHERE incident = 1 AND seq = ` + strconv.FormatInt(k, 10) + `) WHERE number = 1`,
	}
	if fixRow {
		stmts = append(stmts, `UPDATE incidents SET status = 'open', phase = 'lessons-learned', close_class = '', resolution = '', closed_at = NULL WHERE number = 1`)
	}
	tamper(t, db, stmts...)
	return k
}

func TestVerifyCatchesATruncatedTailWithARewrittenHead(t *testing.T) {
	db, log := sessionDB(t)
	truncate(t, db, false)
	wantTampered(t, "INC-1: TAMPERED", "INC-1", "--db", db)

	// The incident row made to match: the checkpoint signed at close still names the
	// longer chain.
	db, log = sessionDB(t)
	k := truncate(t, db, true)
	wantTampered(t, "INC-1: TAMPERED at entry "+strconv.FormatInt(k+1, 10)+": the timeline ends at entry "+strconv.FormatInt(k, 10)+" but a signed checkpoint", "INC-1", "--db", db)

	// The checkpoints in the database deleted too: the log kept outside catches it.
	tamper(t, db, `DELETE FROM checkpoints WHERE incident = 1 AND seq > `+strconv.FormatInt(k, 10))
	wantTampered(t, "signed checkpoint", "INC-1", "--db", db, "--checkpoints", log)
	if st, err := os.Stat(log); err != nil || st.Size() == 0 {
		t.Fatalf("checkpoint log: %v", err)
	}
}

// A database from the first release (entries without data) verifies and says it is v1.
func TestVerifySaysWhichIncidentsAreV1(t *testing.T) {
	db, _ := sessionDB(t)
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := raw.Query(`SELECT seq, at, occurred_at, actor, kind, text FROM timeline WHERE incident = 1 ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var es []bot.Entry
	for rows.Next() {
		var e bot.Entry
		var at, occ string
		if err := rows.Scan(&e.Seq, &at, &occ, &e.Actor, &e.Kind, &e.Text); err != nil {
			t.Fatal(err)
		}
		e.Incident, e.V = "INC-1", 1
		e.At, _ = bot.ParseTime(at)
		e.OccurredAt, _ = bot.ParseTime(occ)
		es = append(es, e)
	}
	rows.Close()
	prev := bot.GenesisHash
	for _, e := range es {
		bot.Seal(&e, prev)
		prev = e.Hash
		if _, err := raw.Exec(`UPDATE timeline SET v = 1, data = '', salt = '', text_commit = '', digest = ?, hash = ? WHERE incident = 1 AND seq = ?`, e.Digest, e.Hash, e.Seq); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.Exec(`DELETE FROM checkpoints; UPDATE incidents SET head_hash = ? WHERE number = 1`, prev); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, out, _ := runCLI(t, "", nil, "verify", "--all", "--db", db)
	if code != 0 || !strings.Contains(out, "INC-1: intact") || !strings.Contains(out, "(chain v1: written before chain v2)") {
		t.Fatalf("first-release database: %d %s", code, out)
	}
}
