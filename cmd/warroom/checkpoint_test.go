package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

func TestKeyIsCreatedPrivateAndPrinted(t *testing.T) {
	db, _ := sessionDB(t)
	key := filepath.Join(filepath.Dir(db), "warroom.key")
	st, err := os.Stat(key)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", err, st)
	}
	code, out, _ := runCLI(t, "", nil, "key", "--db", db)
	if code != 0 {
		t.Fatal(code, out)
	}
	if _, err := bot.ParsePublicKey(out); err != nil || !strings.HasPrefix(out, "ed25519:") || strings.Count(out, "\n") != 1 {
		t.Fatalf("warroom key printed %q: %v", out, err)
	}
	// Starting again reuses it.
	if code, out2, _ := runCLI(t, "", nil, "key", "--db", db); code != 0 || out2 != out {
		t.Fatalf("second start changed the key: %q %q", out, out2)
	}
	// WARROOM_KEY names another file.
	other := filepath.Join(t.TempDir(), "k")
	if code, out3, _ := runCLI(t, "", map[string]string{"WARROOM_KEY": other}, "key", "--db", filepath.Join(t.TempDir(), "fresh.db")); code != 0 || out3 == out {
		t.Fatalf("WARROOM_KEY: %d %q", code, out3)
	}
}

func TestKeyProblemsStopStartUp(t *testing.T) {
	db, _ := sessionDB(t)
	key := filepath.Join(filepath.Dir(db), "warroom.key")
	run := func() (int, string) {
		code, _, errOut := runCLI(t, "/incident list\n", map[string]string{"USER": "alice"}, "shell", "--db", db)
		return code, errOut
	}
	if err := os.Chmod(key, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, msg := run(); code != 2 || !strings.Contains(msg, "has mode 0644") || !strings.Contains(msg, "chmod 600") {
		t.Fatalf("loose key: %d %s", code, msg)
	}
	os.Chmod(key, 0o600)
	if err := os.WriteFile(key, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, msg := run(); code != 2 || !strings.Contains(msg, "is not a PEM") {
		t.Fatalf("garbage key: %d %s", code, msg)
	}
	// Missing, over a database with signed checkpoints: never silently regenerated.
	if err := os.Remove(key); err != nil {
		t.Fatal(err)
	}
	code, msg := run()
	if code != 2 || !strings.Contains(msg, "is missing but the database holds") {
		t.Fatalf("missing key over a chain: %d %s", code, msg)
	}
	if _, err := os.Stat(key); err == nil {
		t.Fatal("a new key was created over an existing chain")
	}
}

func TestCheckpointsAreSignedPostedAndLogged(t *testing.T) {
	db, log := sessionDB(t)
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	// Four phase changes and the close.
	if len(lines) != 5 {
		t.Fatalf("checkpoint log has %d lines:\n%s", len(lines), b)
	}
	_, pubLine, _ := runCLI(t, "", nil, "key", "--db", db)
	pub, _ := bot.ParsePublicKey(pubLine)
	for _, l := range lines {
		c, err := bot.ParseCheckpointLine(l)
		if err != nil || !c.VerifySignature(pub) || c.Incident != "INC-1" {
			t.Fatalf("log line %q: %v", l, err)
		}
	}
	// The report's integrity section names them and the key.
	sum := sha256.Sum256(pub)
	_, md, _ := runCLI(t, "", nil, "report", "INC-1", "--format", "md", "--db", db)
	for _, want := range []string{"- Chain: v2", "- Signed checkpoints: 5 (last: entry 42", "signatures: ok",
		"- Public key: `" + strings.TrimSpace(pubLine) + "` (`SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:]) + "`)"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	code, out, _ := runCLI(t, "", nil, "verify", "INC-1", "--db", db, "--checkpoints", log)
	if code != 0 || !strings.Contains(out, "5 signed checkpoints") || !strings.Contains(out, "signatures ok") {
		t.Fatalf("verify --checkpoints: %d %s", code, out)
	}
	// A checkpoint line with a forged signature is refused.
	forged := strings.Replace(lines[0], `"sig":"`, `"sig":"AAAA`, 1)
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("pasted from chat: "+forged+"\n"), 0o600)
	wantTampered(t, "does not carry a valid signature", "INC-1", "--db", db, "--checkpoints", bad)
}

func TestEveryHundredthEntryIsCheckpointed(t *testing.T) {
	var b strings.Builder
	b.WriteString("@alice\n/incident declare Long one\n#inc-1-long-one\n")
	for i := 0; i < 105; i++ {
		b.WriteString("/incident note n\n")
	}
	db := filepath.Join(t.TempDir(), "w.db")
	if code, out, e := runCLI(t, b.String(), map[string]string{"USER": "alice"}, "shell", "--db", db); code != 0 {
		t.Fatal(out, e)
	}
	code, out, _ := runCLI(t, "", nil, "verify", "INC-1", "--db", db)
	if code != 0 || !strings.Contains(out, "1 signed checkpoints (last at entry 100") {
		t.Fatalf("verify: %s", out)
	}
}

func exportSession(t *testing.T) (db, export, pub string) {
	t.Helper()
	db, _ = sessionDB(t)
	export = filepath.Join(t.TempDir(), "INC-1.json")
	if code, out, e := runCLI(t, "", nil, "export", "INC-1", "-o", export, "--db", db); code != 0 {
		t.Fatal(out, e)
	}
	if st, _ := os.Stat(export); st.Mode().Perm() != 0o600 {
		t.Errorf("export mode %v", st.Mode().Perm())
	}
	_, pub, _ = runCLI(t, "", nil, "key", "--db", db)
	return db, export, strings.TrimSpace(pub)
}

func TestExportVerifiesOfflineInGoAndPython(t *testing.T) {
	_, export, pub := exportSession(t)
	b, _ := os.ReadFile(export)
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil || doc["incident"] != "INC-1" || doc["public_key"] != pub {
		t.Fatalf("export: %v %v", err, doc["public_key"])
	}
	if cps := doc["checkpoints"].([]any); len(cps) != 5 {
		t.Fatalf("export has %d checkpoints", len(cps))
	}
	pubFile := filepath.Join(t.TempDir(), "pub")
	os.WriteFile(pubFile, []byte(pub+"\n"), 0o644)
	for _, k := range []string{pub, pubFile} {
		code, out, e := runCLI(t, "", nil, "verify", "--export", export, "--pubkey", k)
		if code != 0 || !strings.Contains(out, "INC-1: intact") || !strings.Contains(out, "5 signed checkpoints") {
			t.Fatalf("offline verify with %s: %d %s %s", k, code, out, e)
		}
	}
	if out := python(t, export, pub); !strings.Contains(out, "INC-1: intact") {
		t.Fatalf("python: %s", out)
	}

	// Tampered exports fail in both verifiers.
	for name, edit := range map[string]func(es []any, cps []any){
		"text":      func(es []any, _ []any) { es[4].(map[string]any)["text"] = "nothing" },
		"data":      func(es []any, _ []any) { es[6].(map[string]any)["data"] = map[string]any{"from": 2, "to": 4} },
		"truncated": nil,
	} {
		var d map[string]any
		json.Unmarshal(b, &d)
		es, cps := d["entries"].([]any), d["checkpoints"].([]any)
		if edit != nil {
			edit(es, cps)
		} else {
			d["entries"] = es[:len(es)-3]
		}
		nb, _ := json.Marshal(d)
		p := filepath.Join(t.TempDir(), name+".json")
		os.WriteFile(p, nb, 0o600)
		if code, out, _ := runCLI(t, "", nil, "verify", "--export", p, "--pubkey", pub); code != 1 || !strings.Contains(out, "TAMPERED") {
			t.Errorf("%s: go verifier exit %d %s", name, code, out)
		}
		if out := python(t, p, pub); !strings.Contains(out, "TAMPERED") {
			t.Errorf("%s: python verifier: %s", name, out)
		}
	}
	// Another key is refused.
	other := "ed25519:" + strings.Repeat("A", 43) + "="
	if code, _, e := runCLI(t, "", nil, "verify", "--export", export, "--pubkey", other); code == 0 || !strings.Contains(e, "different public key") {
		t.Errorf("other key: %d %s", code, e)
	}
}

// python runs the reference verifier of docs/ (CI installs python3).
func python(t *testing.T, export, pub string) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is needed for the reference verifier test (.ci/run installs it)")
	}
	out, _ := exec.Command(py, "../../docs/verify_export.py", export, pub).CombinedOutput()
	return string(out)
}
