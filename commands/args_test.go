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

// The time kind reads the forms clock … from and detected always took, as one or two
// words, the same from text and from typed options; what it cannot read is refused with
// the verb's own wording.
func TestParseArgsTime(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	rel := atTime([]Arg{{Name: "at", Kind: ArgTime, Relative: true, Required: true}, {Name: "rest", Kind: ArgText}}, now, berlin)
	abs := atTime([]Arg{{Name: "from", Kind: ArgTime, Keyword: "from"}, {Name: "rest", Kind: ArgText}}, now, berlin)
	for _, tc := range []struct {
		decl       []Arg
		text, name string
		want       time.Time
		rest       string
	}{
		{rel, "2026-03-02T08:10:00Z EDR", "at", time.Date(2026, 3, 2, 8, 10, 0, 0, time.UTC), "EDR"},
		{rel, "2026-03-02 08:10 the alert", "at", time.Date(2026, 3, 2, 7, 10, 0, 0, time.UTC), "the alert"},
		{rel, "08:10", "at", time.Date(2026, 3, 2, 7, 10, 0, 0, time.UTC), ""},
		{rel, "45m ago by EDR", "at", now.Add(-45 * time.Minute), "by EDR"},
		{rel, "-2h", "at", now.Add(-2 * time.Hour), ""},
		{abs, "gdpr from 2026-03-01 14:00", "from", time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC), "gdpr"},
		{abs, "from 2026-03-01T13:00:00Z gdpr", "from", time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC), "gdpr"},
	} {
		a, err := parseArgs(tc.decl, tc.text, "/t")
		if err != nil || !a.Time(tc.name).Equal(tc.want) || a.Text("rest") != tc.rest {
			t.Errorf("%q: %v %v rest %q, want %v rest %q", tc.text, a.Time(tc.name), err, a.Text("rest"), tc.want, tc.rest)
			continue
		}
		b, err := parseOptions(tc.decl, map[string]string{tc.name: a.Text(tc.name)}, "/t")
		if err != nil || !b.Time(tc.name).Equal(tc.want) {
			t.Errorf("%q typed: %v %v", tc.text, b.Time(tc.name), err)
		}
	}
	for _, tc := range []struct {
		decl       []Arg
		text, want string
	}{
		{rel, "yesterday-ish", `"yesterday-ish" is not a time warroom reads: use 2026-03-02T08:10:00Z, 2026-03-02 08:10, 08:10 or 45m ago`},
		{abs, "gdpr from later", `"later" is not a time warroom can read: use 2026-03-01 14:00 (Europe/Berlin) or RFC 3339`},
		{abs, "gdpr from 08:10", `"08:10" is not a time warroom can read`},
		{abs, "gdpr from", `From needs a value after from (a time`},
	} {
		if _, err := parseArgs(tc.decl, tc.text, "/t"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want …%s…", tc.text, err, tc.want)
		}
	}
}
