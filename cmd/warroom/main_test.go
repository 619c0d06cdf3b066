package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// runCLI runs warroom with args and stdin, returning exit code, stdout and stderr.
func runCLI(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	files := t.TempDir() // uploads from the console land here, not in the package directory
	getenv := func(k string) string {
		if v, ok := env[k]; ok || k != "WARROOM_FILES" {
			return v
		}
		return files
	}
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: getenv}
	code := m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

// fullSession declares an incident, staffs it, walks every phase and closes it.
func fullSession() string {
	var b strings.Builder
	b.WriteString("@alice #general Suspicious mail reported by finance\n")
	b.WriteString("/incident declare Phishing wave sev2\n")
	b.WriteString("#inc-1-phishing-wave\n")
	b.WriteString("/incident role commander me\n/incident role analyst @bob\n/incident role scribe @carol\n")
	b.WriteString("/incident type phishing\n")
	b.WriteString("@bob Mail came from hxxp://evil[.]example, sender 203.0.113.7\n+📌 1\n")
	for _, phase := range []int{7, 6, 6, 6} {
		b.WriteString("@alice\n")
		for i := 1; i <= phase; i++ {
			b.WriteString("/incident check " + itoa(i) + "\n")
		}
		b.WriteString("/incident phase next\n")
	}
	b.WriteString("/incident note eradicated the mailbox rule\n")
	b.WriteString("/incident lesson good detection by finance was fast\n/incident lesson bad no MFA on the mailbox\n")
	b.WriteString("/incident close true-positive credentials reset, rule removed\n")
	return b.String()
}

func itoa(i int) string { return string(rune('0' + i)) }

func TestScriptedSessionLeavesAVerifiableTimeline(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	code, out, errOut := runCLI(t, fullSession(), map[string]string{"USER": "alice"}, "run", "--db", db)
	if code != 0 {
		t.Fatalf("run exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"[#general 1] alice: Suspicious mail reported by finance",
		"[#inc-1-phishing-wave] * private channel created",
		"INC-1 moved from recovery to lessons-learned.",
		"INC-1 is closed (true-positive).",
		"Timeline head: entry",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if !strings.Contains(errOut, "starting the console workspace") {
		t.Errorf("run without platforms should say it starts the console; stderr: %s", errOut)
	}
	if st, _ := os.Stat(db); st.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v", st.Mode().Perm())
	}

	// incidents --json carries the contract fields.
	code, out, _ = runCLI(t, "", nil, "incidents", "--all", "--json", "--db", db)
	if code != 0 {
		t.Fatal(code)
	}
	var incs []map[string]any
	if err := json.Unmarshal([]byte(out), &incs); err != nil || len(incs) != 1 {
		t.Fatalf("incidents json: %v %s", err, out)
	}
	inc := incs[0]
	for k, want := range map[string]any{"id": "INC-1", "number": 1.0, "title": "Phishing wave", "type": "phishing", "severity": 2.0,
		"phase": "closed", "status": "closed", "drill": false, "platform": "console", "channel": "inc-1-phishing-wave", "commander": "alice"} {
		if inc[k] != want {
			t.Errorf("incidents[0].%s = %v, want %v", k, inc[k], want)
		}
	}
	if inc["closed_at"] == nil || inc["declared_at"] == nil {
		t.Errorf("times missing: %v", inc)
	}

	// timeline --json is in seq order and re-verifies from the exported fields alone.
	code, out, _ = runCLI(t, "", nil, "timeline", "INC-1", "--json", "--db", db)
	if code != 0 {
		t.Fatal(code)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) < 30 {
		t.Fatalf("only %d entries", len(entries))
	}
	prev := strings.Repeat("0", 64)
	kinds := map[string]bool{}
	for i, e := range entries {
		if int(e["seq"].(float64)) != i+1 {
			t.Fatalf("entry %d has seq %v", i, e["seq"])
		}
		kinds[e["kind"].(string)] = true
		canon := canonical(t, e)
		sum := sha256.Sum256(canon)
		if hex.EncodeToString(sum[:]) != e["digest"] {
			t.Fatalf("entry %d digest does not match its exported content: %s", i+1, canon)
		}
		h := sha256.Sum256([]byte(prev + e["digest"].(string)))
		if hex.EncodeToString(h[:]) != e["hash"] {
			t.Fatalf("entry %d hash does not chain", i+1)
		}
		prev = e["hash"].(string)
	}
	for _, k := range []string{"declared", "phase", "role", "type", "pin", "check", "note", "lesson", "close"} {
		if !kinds[k] {
			t.Errorf("no %q entry on the timeline", k)
		}
	}

	code, out, _ = runCLI(t, "", nil, "verify", "INC-1", "--db", db)
	if code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("verify: %d %s", code, out)
	}

	// Alter one row by hand: verify names it and exits 1.
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE timeline SET text = 'nothing to see' WHERE incident = 1 AND seq = 5`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, out, _ = runCLI(t, "", nil, "verify", "--db", db, "--all")
	if code != 1 || !strings.Contains(out, "entry 5") {
		t.Fatalf("tampered verify: exit %d, %s", code, out)
	}
}

// canonical rebuilds an exported version 2 entry's canonical form from the export alone
// (an independent reading of docs/chain.md) and checks its text commitment.
func canonical(t *testing.T, e map[string]any) []byte {
	t.Helper()
	if e["v"] != 2.0 {
		t.Fatalf("entry %v is not version 2: %v", e["seq"], e["v"])
	}
	salt, err := hex.DecodeString(e["salt"].(string))
	if err != nil || len(salt) != 16 {
		t.Fatalf("entry %v salt %v", e["seq"], e["salt"])
	}
	commit := sha256.Sum256(append(salt, e["text"].(string)...))
	if hex.EncodeToString(commit[:]) != e["text_commit"] {
		t.Fatalf("entry %v text does not match its text_commit", e["seq"])
	}
	data, err := json.Marshal(e["data"])
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	type ce struct {
		V          int             `json:"v"`
		Incident   string          `json:"incident"`
		Seq        int64           `json:"seq"`
		At         string          `json:"at"`
		OccurredAt string          `json:"occurred_at"`
		Actor      string          `json:"actor"`
		Kind       string          `json:"kind"`
		Data       json.RawMessage `json:"data"`
		TextCommit string          `json:"text_commit"`
	}
	if err := enc.Encode(ce{2, "INC-1", int64(e["seq"].(float64)), e["at"].(string), e["occurred_at"].(string), e["actor"].(string), e["kind"].(string),
		data, e["text_commit"].(string)}); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func TestTimelineCSVAndBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	script := "@alice\n/incident declare Ransom note on file server sev1\n#inc-1-ransom-note-on-file-server\n/incident note =HYPERLINK(\"http://x\") pasted\n"
	if code, out, e := runCLI(t, script, nil, "shell", "--db", db); code != 0 {
		t.Fatalf("%d %s %s", code, out, e)
	}
	code, out, _ := runCLI(t, "", nil, "timeline", "1", "--format", "csv", "--db", db)
	if code != 0 {
		t.Fatal(code)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "seq" || len(rows) != 4 {
		t.Fatalf("csv rows: %v", rows)
	}
	if !strings.HasPrefix(rows[3][5], "'=") {
		t.Errorf("formula not defused: %q", rows[3][5])
	}
	dest := filepath.Join(dir, "snap.db")
	if code, out, e := runCLI(t, "", nil, "backup", dest, "--db", db); code != 0 {
		t.Fatalf("backup %d %s %s", code, out, e)
	}
	if code, out, _ := runCLI(t, "", nil, "verify", "--all", "--db", dest); code != 0 || !strings.Contains(out, "INC-1: intact") {
		t.Fatalf("backup verify %d %s", code, out)
	}
}

func TestCLIErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	runCLI(t, "/incident declare x\n", nil, "shell", "--db", db)
	badCfg := filepath.Join(dir, "bad.yaml")
	os.WriteFile(badCfg, []byte("timezone: UTC\nroster:\n  - {name: alice}\nleads: [zed]\n"), 0o600)
	unknownKey := filepath.Join(dir, "unknown.yaml")
	os.WriteFile(unknownKey, []byte("timezone: UTC\nchanels:\n  private: true\n"), 0o600)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"timeline", "INC-9", "--db", db}, 2, "no INC-9"},
		{[]string{"timeline", "--db", db}, 2, "usage"},
		{[]string{"verify", "--db", filepath.Join(dir, "missing.db"), "1"}, 2, "no database"},
		{[]string{"verify", "--db", db}, 2, "usage"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"run", "--config", badCfg, "--db", db}, 2, "bad.yaml:4: leads[0]: unknown person \"zed\""},
		{[]string{"run", "--config", unknownKey, "--db", db}, 2, "unknown.yaml:2"},
		{[]string{"incidents", "--log-format", "xml", "--db", db}, 2, "log-format"},
		{[]string{"run", "--db", db}, 2, "could not connect to the gateway"},
	}
	for _, c := range cases {
		env := map[string]string{}
		if c.want == "could not connect to the gateway" {
			// Nothing listens on port 1: Discord is unreachable, and the token must not leak.
			env["DISCORD_BOT_TOKEN"] = "secret-token-value"
			env["DISCORD_API_URL"] = "http://127.0.0.1:1/"
		}
		code, out, errOut := runCLI(t, "", env, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q (stdout %q); want %d and %q", c.args, code, errOut, out, c.code, c.want)
		}
		if strings.Contains(errOut, "secret-token-value") {
			t.Errorf("%v leaked a token: %s", c.args, errOut)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "", nil, "version")
	if code != 0 || !strings.HasPrefix(out, "warroom ") {
		t.Fatalf("%d %q", code, out)
	}
}
