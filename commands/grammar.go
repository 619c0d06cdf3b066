package commands

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/duration"
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

// parseDeclare splits "<title> [sevN]". A trailing sevN outside 1–4, or a P1-style token, is
// refused with a hint rather than kept as part of the title.
func parseDeclare(text string, def int) (string, int, error) {
	f := strings.Fields(text)
	sev := def
	if len(f) > 0 {
		last := f[len(f)-1]
		if m := sevToken.FindStringSubmatch(last); m != nil {
			n, err := strconv.Atoi(m[1])
			if err != nil || n < 1 || n > 4 {
				return "", 0, refuse("%s is not a severity: use sev1 (the worst) to sev4, e.g. /incident declare <title> sev2.", last)
			}
			sev = n
			f = f[:len(f)-1]
		} else if m := priorityToken.FindStringSubmatch(last); m != nil {
			hint := "use sev1 (the worst) to sev4"
			if n, err := strconv.Atoi(m[1]); err == nil && n >= 1 && n <= 4 {
				hint = "did you mean sev" + m[1] + "?"
			}
			return "", 0, refuse("%s is not a severity warroom reads: %s (a title that really ends in it: put it earlier).", last, hint)
		}
	}
	title := strings.Join(f, " ")
	if title == "" {
		return "", 0, errNoTitle
	}
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

// parseClose reads "<class> [INC-n if duplicate] [resolution]". There is no default class:
// a bare close, or a class it does not know, is refused (errNoClass, or the valid list with
// the nearest class).
func parseClose(text string) (class, dup, resolution string, err error) {
	first, rest := splitVerb(text)
	switch {
	case first == "":
		return "", "", "", errNoClass
	case slices.Contains(bot.CloseClasses, first):
		class = first
	case closeAliases[first] != "":
		class = closeAliases[first]
	default:
		hint := ""
		if near := closest(first, bot.CloseClasses); near != "" {
			hint = " — did you mean " + near + "?"
		}
		return "", "", "", refuse("Unknown close class %q%s Classes: %s INC-n (or tp, fp).", first, hint+sentenceEnd(hint), strings.Join(bot.CloseClasses, ", "))
	}
	if class == bot.ClassDuplicate {
		id, more := splitVerb(rest)
		if id == "" {
			return "", "", "", refuse("Usage: /incident close duplicate INC-n [resolution] — name the incident this one duplicates.")
		}
		if _, perr := bot.ParseID(id); perr != nil {
			return "", "", "", refuse("%s", perr.Error())
		}
		return class, id, more, nil
	}
	return class, "", strings.TrimSpace(rest), nil
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

// taskArgs is a parsed "task add".
type taskArgs struct {
	text  string
	owner string // the @mention as written; the call resolves it
	due   time.Duration
}

// parseTaskArgs reads "<text> [@owner] [due <duration>]" with the owner and the due
// anywhere after "add": one owner at most, one due at most, a due it can read (4h, 2d,
// "2 hours", "30 minutes", "1 day") of at most a year, and some text besides.
func parseTaskArgs(s string) (taskArgs, error) {
	var a taskArgs
	var words []string
	f := strings.Fields(s)
	for i := 0; i < len(f); i++ {
		w := f[i]
		switch {
		case strings.HasPrefix(w, "@") || strings.HasPrefix(w, "<@"):
			if a.owner != "" {
				return a, refuse("A task has one owner: %s or %s? Give the other their own task.", a.owner, w)
			}
			a.owner = w
		case strings.EqualFold(w, "due"):
			if a.due != 0 {
				return a, refuse("A task has one due time; %q comes twice.", "due")
			}
			d, used, err := parseDue(f[i+1:])
			if err != nil {
				return a, err
			}
			a.due = d
			i += used
		default:
			words = append(words, w)
		}
	}
	a.text = strings.Join(words, " ")
	if a.text == "" {
		return a, refuse("Usage: /incident task add <text> [@owner] [due <duration>] — the task needs some text besides its owner and due time.")
	}
	return a, nil
}

// dueUnits are the spelled-out units "due" takes ("2 hours").
var dueUnits = map[string]time.Duration{
	"minute": time.Minute, "minutes": time.Minute, "min": time.Minute, "mins": time.Minute,
	"hour": time.Hour, "hours": time.Hour, "hr": time.Hour, "hrs": time.Hour,
	"day": 24 * time.Hour, "days": 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
}

// parseDue reads the duration after "due": "<n> <unit>" or one config-style duration. It
// says how many words it used.
func parseDue(f []string) (time.Duration, int, error) {
	if len(f) == 0 {
		return 0, 0, refuse("due needs a duration: due 4h, due 2 hours, due 1 day.")
	}
	var d time.Duration
	used := 1
	if unit, ok := dueUnits[strings.ToLower(strings.TrimSuffix(safeAt(f, 1), ","))]; ok {
		n, err := strconv.Atoi(f[0])
		if err != nil || n <= 0 || n > 100000 {
			return 0, 0, refuse("warroom cannot read %q as a due duration: write due 4h, due 2 hours or due 1 day.", f[0]+" "+f[1])
		}
		d, used = time.Duration(n)*unit, 2
	} else {
		var err error
		if d, err = duration.Parse(f[0]); err != nil {
			return 0, 0, refuse("warroom cannot read %q as a due duration: write due 4h, due 2 hours or due 1 day.", f[0])
		}
	}
	if d > maxDue {
		return 0, 0, refuse("A task is due at most a year ahead (365d); %s is further.", strings.Join(f[:used], " "))
	}
	return d, used, nil
}

func safeAt(f []string, i int) string {
	if i < len(f) {
		return f[i]
	}
	return ""
}
