package commands

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// The strict argument grammar: each parser reads exactly what the README's usage says and
// refuses anything else with what it expected — it never guesses a severity, a close class,
// an owner or a deadline. The parsers are pure, so each has a fuzz target (grammar_fuzz_test.go).

// maxDue caps a task's deadline: a year ahead is the longest anything in an incident waits.
const maxDue = 365 * 24 * time.Hour

var (
	sevToken      = regexp.MustCompile(`^(?i)sev-?(\d+)$`)
	priorityToken = regexp.MustCompile(`^(?i)p-?(\d+)$`)
)

var errNoTitle = refuse("a title is needed")

// declareArgs: "<title> [sevN]"; a last word that looks like a severity (sev9, P1) is the
// severity argument, so it is refused with a hint rather than kept as part of the title.
var declareArgs = []Arg{{Name: "title", Kind: ArgText, Required: true, Help: "what is happening"},
	{Name: "severity", Kind: ArgChoice, Choices: []string{"sev1", "sev2", "sev3", "sev4"}, Placeholder: "[sev1..sev4]", Help: "default sev3",
		Trailing: func(w string) bool { return sevToken.MatchString(w) || priorityToken.MatchString(w) },
		Fold: func(w string) string {
			if m := sevToken.FindStringSubmatch(w); m != nil {
				if n, err := strconv.Atoi(m[1]); err == nil && n >= 1 && n <= 4 {
					return "sev" + strconv.Itoa(n)
				}
			}
			return w
		},
		Refuse: refuseDeclareSeverity}}

// refuseDeclareSeverity answers a severity outside 1–4, or a P1-style one, with a hint.
func refuseDeclareSeverity(raw string, _ []string) error {
	if m := priorityToken.FindStringSubmatch(raw); m != nil {
		hint := "use sev1 (the worst) to sev4"
		if n, err := strconv.Atoi(m[1]); err == nil && n >= 1 && n <= 4 {
			hint = "did you mean sev" + m[1] + "?"
		}
		return refuse("%s is not a severity warroom reads: %s (a title that really ends in it: put it earlier).", raw, hint)
	}
	return refuse("%s is not a severity: use sev1 (the worst) to sev4, e.g. /incident declare <title> sev2.", raw)
}

// parseDeclare reads "<title> [sevN]" with declare's declaration; no title is errNoTitle.
func parseDeclare(text string, def int) (string, int, error) {
	a, err := parseArgs(declareArgs, text, "declare")
	if err != nil && !a.Has("title") && (a.Has("severity") || strings.TrimSpace(text) == "") {
		return "", 0, errNoTitle
	}
	if err != nil {
		return "", 0, err
	}
	return declareFrom(a, def)
}

// declareFrom is declare's title (one line, at most MaxTitleLen) and severity (the parser
// has checked it; def when none was given).
func declareFrom(a Args, def int) (string, int, error) {
	sev := def
	if s := a.Text("severity"); s != "" {
		sev, _ = strconv.Atoi(strings.TrimPrefix(s, "sev"))
	}
	words := strings.Fields(a.Text("title"))
	if len(words) == 0 {
		return "", 0, errNoTitle
	}
	// The severity is the one last word: a title ending in another ("P0 sev1") would keep
	// a severity the parser never read.
	if last := words[len(words)-1]; sevToken.MatchString(last) || priorityToken.MatchString(last) {
		return "", 0, refuse("%s then %s: give one severity, last (a title that really ends in %s: put it earlier).", last, a.Text("severity"), last)
	}
	title := strings.Join(words, " ")
	if len([]rune(title)) > MaxTitleLen {
		return "", 0, refuse("That title is %d characters; keep it to %d (details go in /incident note).", len([]rune(title)), MaxTitleLen)
	}
	return title, sev, nil
}

// parseSev reads "sev2", "SEV2", "2" or "p2".
func parseSev(s string) (int, bool) {
	s = strings.ToLower(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "sev"), "p")
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1 && n <= 4
}

var errNoClass = refuse("a close class is needed")

// closeAliases are the short forms of the close classes.
var closeAliases = map[string]string{"tp": bot.ClassTruePositive, "fp": bot.ClassFalsePositive}

// closeArgs: "<class> [INC-n if duplicate] [resolution]". The class is a choice (tp and fp
// are read as their class), refused with the nearest class; a duplicate names the incident
// it duplicates next.
var closeArgs = []Arg{{Name: "class", Kind: ArgChoice, Choices: bot.CloseClasses, Placeholder: "<true-positive|false-positive|benign|duplicate INC-n>",
	Fold: func(w string) string {
		if c := closeAliases[w]; c != "" {
			return c
		}
		return w
	},
	Refuse: func(raw string, classes []string) error {
		first, hint := strings.ToLower(raw), ""
		if near := closest(first, classes); near != "" {
			hint = " — did you mean " + near + "?"
		}
		return refuse("Unknown close class %q%s Classes: %s INC-n (or tp, fp).", first, hint+sentenceEnd(hint), strings.Join(classes, ", "))
	}},
	{Name: "duplicate", Kind: ArgIncident, Label: "duplicate of", InPrevious: true, Help: "for duplicate: the incident this one duplicates",
		If: func(a Args) bool { return a.Text("class") == bot.ClassDuplicate }},
	{Name: "resolution", Kind: ArgText, Help: "how it ended"}}

// parseClose reads "<class> [INC-n if duplicate] [resolution]" with close's declaration.
func parseClose(text string) (class, dup, resolution string, err error) {
	a, err := parseArgs(closeArgs, text, "close")
	if err != nil {
		return "", "", "", err
	}
	return closeFrom(a)
}

// closeFrom checks close's arguments. There is no default class: a bare close is refused
// (errNoClass), and so is a duplicate that does not name the incident it duplicates.
func closeFrom(a Args) (class, dup, resolution string, err error) {
	class, dup, resolution = a.Text("class"), a.Text("duplicate"), a.Text("resolution")
	switch {
	case class == "":
		return "", "", "", errNoClass
	case class == bot.ClassDuplicate && dup == "":
		return "", "", "", refuse("Usage: /incident close duplicate INC-n [resolution] — name the incident this one duplicates.")
	}
	return class, dup, resolution, nil
}

func sentenceEnd(hint string) string {
	if hint == "" {
		return "."
	}
	return ""
}

// closest is the option within two edits of word, if exactly one is nearest.
func closest(word string, options []string) string {
	best, bestD, ties := "", 3, 0
	for _, o := range options {
		d := editDistance(word, o)
		switch {
		case d < bestD:
			best, bestD, ties = o, d, 0
		case d == bestD:
			ties++
		}
	}
	if ties > 0 {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance, for short words (it gives up past 32 runes).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 32 || len(rb) > 32 {
		return 99
	}
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// taskAddArgs: "<text> [@owner] [due <duration>]", the owner and the due anywhere after
// "add": one owner at most, one due at most, a due it can read (4h, 2d, "2 hours", "30
// minutes", "1 day") of at most a year, and some text besides.
var taskAddArgs = []Arg{{Name: "text", Kind: ArgText, Required: true},
	{Name: "owner", Kind: ArgUser, Anywhere: true},
	{Name: "due", Kind: ArgDuration, Keyword: "due", Max: int64(maxDue), Help: "e.g. 30m, 4h, 2d"}}

// taskArgs is a parsed "task add".
type taskArgs struct {
	text  string
	owner string // the @mention as written; the call resolves it
	due   time.Duration
}

// parseTaskArgs reads "<text> [@owner] [due <duration>]" with task add's declaration.
func parseTaskArgs(s string) (taskArgs, error) {
	a, err := parseArgs(taskAddArgs, s, verbTaskAdd.usageLine())
	if err != nil {
		return taskArgs{}, err
	}
	return taskArgs{text: a.Text("text"), owner: a.Text("owner"), due: a.Duration("due")}, nil
}

// parseDue reads the duration after "due" as task add's due argument does: "<n> <unit>" or
// one config-style duration, at most a year. It says how many words it used.
func parseDue(f []string) (time.Duration, int, error) {
	a, err := parseArgs(taskAddArgs[2:], strings.Join(append([]string{"due"}, f...), " "), "due")
	if err != nil && !a.Has("due") {
		return 0, 0, err
	}
	used := 1
	if strings.Contains(a.Text("due"), " ") {
		used = 2
	}
	return a.Duration("due"), used, nil
}
