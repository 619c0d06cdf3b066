package commands

import (
	"os"
	"strings"
	"testing"
)

// The README's list of verbs is help's list, written from the declarations: they cannot drift.
func TestREADMEVerbList(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- verbs:begin (generated from the verbs' declarations; TestREADMEVerbList checks it) -->\n", "<!-- verbs:end -->"
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no verb list between %q and %q", begin, end)
	}
	got, want := s[i+len(begin):j], newHarness(t).eng.VerbReference()
	if got != want && os.Getenv("WARROOM_UPDATE_README") != "" {
		if err := os.WriteFile("../README.md", []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != want {
		t.Errorf("README.md's verb list differs from the declarations (WARROOM_UPDATE_README=1 go test ./commands -run TestREADMEVerbList rewrites it):\n%s", want)
	}
}
