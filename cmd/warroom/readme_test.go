package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hexRe is a hash (or the start of one) in the README: any hash matches it.
var hexRe = regexp.MustCompile(`[0-9a-f]{12,}`)

var bytesRe = regexp.MustCompile(`[0-9]+ bytes`)

// The README's console walk-through is run as written, and every output line it shows is
// printed, in that order. Lines the README cuts with "…" match on what comes before it;
// times and hashes match any time and hash.
func TestREADMEWalkthroughMatchesTheConsole(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "$ cat session.txt\n")
	run := strings.Index(text, "$ make run < session.txt\n")
	if start < 0 || run < start {
		t.Fatal("the README has no walk-through session")
	}
	script := text[start+len("$ cat session.txt\n") : run]
	rest := text[run+len("$ make run < session.txt\n"):]
	expected := strings.Split(rest[:strings.Index(rest, "```")], "\n")

	files := filepath.Join(t.TempDir(), "warroom-files")
	code, out, errOut := runCLI(t, script, map[string]string{"USER": "alice", "WARROOM_FILES": files}, "run", "--db", filepath.Join(t.TempDir(), "w.db"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	out = strings.ReplaceAll(out, filepath.Dir(files)+"/", "")

	timeRe := regexp.QuoteMeta("2026-12-02 08:03 UTC")
	pos, matched := 0, 0
	for _, want := range expected {
		want = strings.TrimSuffix(strings.TrimRight(want, " "), "…")
		want = strings.TrimRight(want, " ")
		if strings.TrimSpace(want) == "" {
			continue
		}
		pat := regexp.QuoteMeta(want)
		pat = strings.ReplaceAll(pat, timeRe, `\d{4}-\d\d-\d\d \d\d:\d\d UTC`)
		pat = hexRe.ReplaceAllString(pat, `[0-9a-f]+`)
		pat = bytesRe.ReplaceAllString(pat, `[0-9]+ bytes`) // a report's size follows its template
		re := regexp.MustCompile(`(?m)^` + pat)
		loc := re.FindStringIndex(out[pos:])
		if loc == nil {
			t.Fatalf("the console did not print (after what was matched so far):\n%s\n\noutput from there:\n%s", want, out[pos:])
		}
		pos += loc[1]
		matched++
	}
	if matched < 30 {
		t.Fatalf("only %d lines of the walk-through were checked", matched)
	}
}
