package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --cpu-profile writes a (gzip-compressed) pprof profile, private to its owner, and a
// path it cannot write is refused by name.
func TestCPUProfileFlag(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join(dir, "cpu.pprof")
	code, _, errOut := runCLI(t, "/incident declare Profiled sev3\n", map[string]string{"USER": "alice"}, "shell", "--db", filepath.Join(dir, "w.db"), "--cpu-profile", prof)
	if code != 0 {
		t.Fatalf("shell exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(prof)
	if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Fatalf("profile: %v, %d bytes", err, len(b))
	}
	if st, _ := os.Stat(prof); st.Mode().Perm() != 0o600 {
		t.Errorf("profile mode %v, want 0600", st.Mode().Perm())
	}
	code, _, errOut = runCLI(t, "", nil, "shell", "--db", filepath.Join(dir, "w.db"), "--cpu-profile", filepath.Join(dir, "no", "such", "dir"))
	if code == 0 || !strings.Contains(errOut, "--cpu-profile") {
		t.Errorf("unwritable profile: exit %d, %q", code, errOut)
	}
}
