package commands

import (
	"os"
	"strings"
	"testing"
)

// The README's permission table is the policy table rendered: they cannot drift.
func TestREADMEPermissionTable(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- permissions:begin (generated from commands.Policy; TestREADMEPermissionTable checks it) -->\n", "<!-- permissions:end -->"
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no permission table between %q and %q", begin, end)
	}
	got, want := s[i+len(begin):j], PermissionTable()
	if got != want && os.Getenv("WARROOM_UPDATE_README") != "" {
		if err := os.WriteFile("../README.md", []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != want {
		t.Errorf("README.md's permission table differs from commands.Policy (WARROOM_UPDATE_README=1 go test ./commands -run TestREADMEPermissionTable rewrites it):\n%s", want)
	}
}

// Every verb, button and reaction has its row, and every row is for something that exists.
func TestPolicyCoversEveryAction(t *testing.T) {
	h := newHarness(t)
	want := map[string]bool{}
	for _, v := range append(h.eng.Verbs(), verbTaskUsage, verbEvidenceUsage) {
		want[verbAction(v)] = true
	}
	for a := range h.eng.buttons {
		want["press "+a] = true
	}
	for e := range h.eng.reactions {
		want["react "+e] = true
	}
	for a := range want {
		if _, ok := policyIndex[a]; !ok {
			t.Errorf("no policy rule for %q", a)
		}
	}
	for _, r := range Policy {
		base := slash(r.Action)
		if !want[base] && !strings.HasPrefix(base, "page") && !strings.HasPrefix(base, "oncall") {
			t.Errorf("policy rule %q is for no verb, button or reaction", r.Action)
		}
	}
}
