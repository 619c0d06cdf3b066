package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warroom/warroom/internal/pgtest"
	"github.com/warroom/warroom/storage"
)

// The whole CLI on PostgreSQL (--db postgres://…): the same scripted session as on SQLite,
// then incidents, verify and the refusals that only PostgreSQL has.
func TestPostgresRunsTheSessionAndTheCLI(t *testing.T) {
	// A password in the URL must never be shown (trust authentication ignores it).
	db := strings.Replace(pgtest.DB(t), "postgres://warroom@", "postgres://warroom:pw-never-shown@", 1)
	key := filepath.Join(t.TempDir(), "warroom.key")
	env := map[string]string{"USER": "alice"}
	var all strings.Builder
	cli := func(stdin string, args ...string) (int, string, string) {
		code, out, errOut := runCLI(t, stdin, env, args...)
		all.WriteString(out + errOut)
		return code, out, errOut
	}

	if code, _, errOut := cli(fullSession(), "run", "--db", db); code == 0 || !strings.Contains(errOut, "--key") {
		t.Fatalf("run on PostgreSQL without a key: exit %d, %s; want a refusal naming --key", code, errOut)
	}
	if code, _, errOut := cli(fullSession(), "run", "--db", db, "--key", key); code == 0 || !strings.Contains(errOut, "warroom key") {
		t.Fatalf("run with a key file that does not exist: exit %d, %s; want a refusal saying how to create it", code, errOut)
	}
	if code, out, errOut := cli("", "key", "--db", db, "--key", key); code != 0 || !strings.HasPrefix(out, "ed25519:") {
		t.Fatalf("key: exit %d %s %s", code, out, errOut)
	}
	code, out, errOut := cli(fullSession(), "run", "--db", db, "--key", key)
	if code != 0 {
		t.Fatalf("run exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"[#inc-1-phishing-wave] * private channel created", "INC-1 is closed (true-positive).", "Signed checkpoint of INC-1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}

	code, out, _ = cli("", "incidents", "--all", "--json", "--db", db)
	var incs []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &incs) != nil || len(incs) != 1 || incs[0]["status"] != "closed" || incs[0]["commander"] != "alice" {
		t.Fatalf("incidents --json on PostgreSQL: exit %d %s", code, out)
	}
	if code, out, errOut := cli("", "verify", "--all", "--db", db, "--key", key); code != 0 {
		t.Fatalf("verify --all on PostgreSQL: exit %d %s %s", code, out, errOut)
	}
	if code, _, errOut := cli("", "backup", filepath.Join(t.TempDir(), "b.db"), "--db", db); code == 0 || !strings.Contains(errOut, "pg_dump") {
		t.Fatalf("backup on PostgreSQL: exit %d %s; want a refusal naming pg_dump", code, errOut)
	}
	if strings.Contains(all.String(), "pw-never-shown") {
		t.Fatalf("the database password appeared in warroom's output:\n%s", all.String())
	}
}

// A console on a PostgreSQL database that another console serves is refused, as a second
// one on a SQLite file is (replicas, which share a database, are replicas_test.go's).
func TestPostgresSecondRunRefused(t *testing.T) {
	u := pgtest.DB(t)
	db, err := storage.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lock, err := db.TryRunLock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	key := filepath.Join(t.TempDir(), "warroom.key")
	if code, out, errOut := runCLI(t, "", nil, "key", "--db", u, "--key", key); code != 0 {
		t.Fatal(out, errOut)
	}
	code, _, errOut := runCLI(t, "@alice\n/incident declare Should not happen\n", map[string]string{"USER": "alice"}, "run", "--db", u, "--key", key)
	if code == 0 || !strings.Contains(errOut, storage.ErrRunLockHeld.Error()) {
		t.Fatalf("second run: exit %d %s; want a refusal", code, errOut)
	}
	var n int
	if err := db.View(context.Background(), func(tx *storage.Tx) error {
		incs, err := tx.Incidents(true)
		n = len(incs)
		return err
	}); err != nil || n != 0 {
		t.Fatalf("the refused run changed the database: %d incidents, %v", n, err)
	}
}

// migrate copies a SQLite database into PostgreSQL with chains and checkpoints intact:
// verify --all passes on both, the exported timelines and incidents are the same, and a
// second migrate into the now non-empty database is refused.
func TestMigrateToPostgresKeepsChainsAndCheckpoints(t *testing.T) {
	dir := t.TempDir()
	lite, key := filepath.Join(dir, "w.db"), filepath.Join(dir, "warroom.key")
	pg := pgtest.DB(t)
	env := map[string]string{"USER": "alice"}
	if code, out, errOut := runCLI(t, fullSession(), env, "run", "--db", lite, "--key", key); code != 0 {
		t.Fatalf("run: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", nil, "migrate", "--db", lite); code == 0 || !strings.Contains(errOut, "--to") {
		t.Fatalf("migrate without --to: %d %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "", nil, "migrate", "--db", lite, "--to", pg)
	if code != 0 || !strings.Contains(out, "all 1 incidents verify") {
		t.Fatalf("migrate: %d %s %s", code, out, errOut)
	}
	for _, db := range []string{lite, pg} {
		if code, out, errOut := runCLI(t, "", nil, "verify", "--all", "--db", db, "--key", key); code != 0 {
			t.Fatalf("verify --all on %s: %d %s %s", db, code, out, errOut)
		}
	}
	for _, args := range [][]string{{"timeline", "INC-1", "--json"}, {"incidents", "--all", "--json"}, {"export", "INC-1", "--key", key}} {
		_, a, _ := runCLI(t, "", nil, append(args, "--db", lite)...)
		_, b, _ := runCLI(t, "", nil, append(args, "--db", pg)...)
		if a == "" || a != b {
			t.Fatalf("%v differs between SQLite and its PostgreSQL copy:\n%s\n---\n%s", args, a, b)
		}
	}
	_, exported, _ := runCLI(t, "", nil, "export", "INC-1", "--key", key, "--db", pg)
	var doc struct {
		Checkpoints []json.RawMessage `json:"checkpoints"`
	}
	if err := json.Unmarshal([]byte(exported), &doc); err != nil || len(doc.Checkpoints) < 2 {
		t.Fatalf("the copy's export holds %d checkpoints (%v); the session signed one per phase change and at close", len(doc.Checkpoints), err)
	}
	if code, _, errOut := runCLI(t, "", nil, "migrate", "--db", lite, "--to", pg); code == 0 || !strings.Contains(errOut, "not empty") {
		t.Fatalf("a second migrate: %d %s", code, errOut)
	}
}
