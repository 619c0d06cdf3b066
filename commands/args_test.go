package commands

import (
	"strings"
	"testing"
	"time"
)

// The parser reads each kind as declared and refuses, naming the argument, what it cannot
// read; nothing is guessed.
func TestParseArgsKinds(t *testing.T) {
	decl := []Arg{
		{Name: "n", Kind: ArgInt, Required: true},
		{Name: "who", Kind: ArgUser, Required: true},
		{Name: "color", Kind: ArgChoice, Choices: []string{"red", "green"}},
		{Name: "inc", Kind: ArgIncident},
		{Name: "for", Kind: ArgDuration, Max: int64(48 * time.Hour)},
		{Name: "force", Kind: ArgFlag, Keyword: "--force", Aliases: []string{"-f"}},
		{Name: "rest", Kind: ArgText},
	}
	const usage = "/test <n> @who [red|green] [INC-n] [for] [--force] [rest]"
	a, err := parseArgs(decl, "#3 @bob GREEN inc-7 2 hours -f and the rest\n  of it", usage)
	if err != nil {
		t.Fatal(err)
	}
	if a.Int("n") != 3 || a.Text("who") != "@bob" || a.Text("color") != "green" || a.Int("inc") != 7 ||
		a.Duration("for") != 2*time.Hour || !a.Flag("force") || a.Text("rest") != "and the rest\n  of it" {
		t.Fatalf("%+v", a.vals)
	}
	for _, tc := range []struct{ text, want string }{
		{"three @bob", `"three" is not a n: a number from 1 to`},
		{"0 @bob", `"0" is not a n`},
		{"3 bob", `"bob" is not a user: write @name or me`},
		{"3 @bob blue", `Color "blue" is not one warroom knows: use red, green`},
		{"3 @bob gren", `(did you mean green?)`},
		{"3 @bob red INC-x", `Inc: "INC-x" is not an incident id`},
		{"3 @bob red INC-1 soon", `cannot read "soon" as a for duration`},
		{"3 @bob red INC-1 3d", `For is at most 2d; 3d is longer`},
		{"3 @bob --force -f", `Force is given twice`},
		{"", `N is missing. Usage: /test`},
		{"3", `Who is missing. Usage: /test`},
	} {
		_, err := parseArgs(decl, tc.text, usage)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "Usage: "+usage) {
			t.Errorf("%q: %v, want …%s… and the usage", tc.text, err, tc.want)
		}
	}
	// A word no argument takes is refused, not dropped.
	if _, err := parseArgs(decl[:2], "3 @bob extra", "/test <n> @who"); err == nil || !strings.Contains(err.Error(), `"extra" is more than /test takes`) {
		t.Errorf("extra word: %v", err)
	}
}

// Keywords and mentions are read wherever they are; a rest-of-line keeps what is left.
func TestParseArgsKeywordsAnywhere(t *testing.T) {
	a, err := parseArgs(taskAddArgs, "Call insurer due 2 hours @frank about the claim", "task add")
	if err != nil {
		t.Fatal(err)
	}
	if a.Text("text") != "Call insurer about the claim" || a.Text("owner") != "@frank" || a.Duration("due") != 2*time.Hour {
		t.Fatalf("%+v", a.vals)
	}
	if _, err := parseArgs(taskAddArgs, "x @a @b", "task add"); err == nil || !strings.Contains(err.Error(), "@a or @b? There is one owner") {
		t.Errorf("two owners: %v", err)
	}
	if _, err := parseArgs(taskAddArgs, "x due", "task add"); err == nil || !strings.Contains(err.Error(), "Due needs a value after due (a duration") {
		t.Errorf("bare due: %v", err)
	}
	// --tlp only leads; later it is text.
	a, err = parseArgs(textArgs, "saw --tlp red in the mail", "note")
	if err != nil || a.Has("tlp") || a.Text("text") != "saw --tlp red in the mail" {
		t.Errorf("--tlp inside the text: %+v %v", a.vals, err)
	}
	a, err = parseArgs(textArgs, "--tlp=AMBER+STRICT x", "note")
	if err != nil || a.Text("tlp") != "AMBER+STRICT" || a.Text("text") != "x" {
		t.Errorf("--tlp=: %+v %v", a.vals, err)
	}
	// A trailing severity is the severity, a lone one leaves no title.
	a, _ = parseArgs(declareArgs, "DB down sev2", "declare")
	if a.Text("title") != "DB down" || a.Text("severity") != "sev2" {
		t.Errorf("declare: %+v", a.vals)
	}
	if _, err := parseArgs(declareArgs, "sev2", "declare"); err == nil || !strings.Contains(err.Error(), "Title is missing") {
		t.Errorf("declare sev2 alone: %v", err)
	}
}

// A slot's alternatives share one place: a mention is the person, another word the team.
func TestParseArgsSlot(t *testing.T) {
	for text, want := range map[string]string{"@bob db down": "user=@bob", "secops db down": "team=secops"} {
		a, err := parseArgs(verbPage.Args, text, "/page")
		if err != nil || a.Text("message") != "db down" {
			t.Fatalf("%q: %+v %v", text, a.vals, err)
		}
		name, val, _ := strings.Cut(want, "=")
		if a.Text(name) != val || a.Has("team") == a.Has("user") {
			t.Errorf("%q: %+v", text, a.vals)
		}
	}
	if _, err := parseArgs(verbPage.Args, "", "/page"); err == nil || !strings.Contains(err.Error(), "User or team is missing") {
		t.Errorf("empty page: %v", err)
	}
}

// Typed options are values: a mention inside a text stays text, a keyword inside it stays
// text, each value is checked by its own kind, and an option not declared is refused.
func TestParseOptions(t *testing.T) {
	a, err := parseOptions(taskAddArgs, map[string]string{"text": "Call the vendor with @bob due 2h"}, "task add")
	if err != nil || a.Text("text") != "Call the vendor with @bob due 2h" || a.Has("owner") || a.Has("due") {
		t.Fatalf("%+v %v", a.vals, err)
	}
	a, err = parseOptions(taskAddArgs, map[string]string{"text": "x", "owner": "<@42>", "due": "2 hours"}, "task add")
	if err != nil || a.Text("owner") != "<@42>" || a.Duration("due") != 2*time.Hour {
		t.Fatalf("%+v %v", a.vals, err)
	}
	for _, tc := range []struct {
		opts map[string]string
		want string
	}{
		{map[string]string{"text": "x", "owner": "bob"}, `"bob" is not a user`},
		{map[string]string{"text": "x", "due": "soon"}, `cannot read "soon" as a due duration`},
		{map[string]string{"text": "x", "priority": "high"}, `takes no option "priority"`},
		{map[string]string{"owner": "<@42>"}, "Text is missing"},
	} {
		if _, err := parseOptions(taskAddArgs, tc.opts, "/incident task add"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want …%s…", tc.opts, err, tc.want)
		}
	}
	if _, err := parseOptions(verbOverride.Args, map[string]string{"team": "sec ops", "user": "<@1>", "duration": "1h"}, "/oncall override"); err == nil || !strings.Contains(err.Error(), "Team must be a single word") {
		t.Errorf("a word with a space: %v", err)
	}
	a, err = parseOptions(phaseArgs, map[string]string{"to": "next", "force": "false"}, "phase")
	if err != nil || a.Flag("force") {
		t.Errorf("force false: %+v %v", a.vals, err)
	}
}
