package commands

import (
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/config"
)

// A verb's arguments are declared once (Verb.Args) and this file is the one parser that
// reads them: from a line of text (Slack, the console) or from typed options (Discord). A
// verb's Run reads typed values from c.args and never cuts its text up by hand. A refusal
// names the argument and what was wrong with it; nothing is guessed.

// Arg is one declared argument of a verb.
type Arg struct {
	Name     string
	Kind     ArgKind
	Required bool
	Choices  []string // ArgChoice: the values it takes (lower case)
	Help     string
	// Keyword: the argument is written after this word, anywhere in the line ("due 2h");
	// for ArgFlag it is the flag itself ("--force"). Aliases are other spellings of it.
	Keyword string
	Aliases []string
	// Leading: a Keyword argument read only at the start of the line ("--tlp red …").
	Leading bool
	// Bare: the keyword may be left out; the argument is then read by its place ("run 3"
	// or "3").
	Bare bool
	// Anywhere: read from any place in the line, once: a person (task add's owner), or a
	// word Match accepts (report's tlp:<level>).
	Anywhere bool
	// Match: the word an Anywhere or positional argument takes; a positional one whose word
	// does not match is left out (impact's count).
	Match func(word string) bool
	// Trailing: an optional word read from the end of the line when it has this form
	// (declare's severity); it must be the last positional argument but the rest-of-line one.
	Trailing func(word string) bool
	// Max bounds an ArgInt or ArgDuration (a duration in nanoseconds); 0 is no bound.
	Max int64
	// Relative: an ArgTime also takes a time of day and how long ago (args_time.go).
	Relative bool
	base     timeBase
	// Label is how refusals name the argument ("lesson kind"); the name when empty.
	Label string
	// ChoicesOf gives an ArgChoice's values from the configuration (roles, types).
	ChoicesOf func(*config.Config) []string
	// Fold reads other spellings of an ArgChoice's value (tlp:red is red); Refuse is the
	// refusal of a value it does not take, when the verb has always worded its own.
	Fold   func(lower string) string
	Refuse func(raw string, choices []string) error
	// Slot: arguments with the same slot are alternatives for one place in the line, read
	// by the first whose kind takes the word (/page's user, else its team); Required on
	// one of them means one of the slot is.
	Slot string
	// Lead: the incident a verb may name first ("status INC-3"); the call resolves it
	// before the verb runs (resolveIncident), so the parser leaves it alone.
	Lead bool
}

// argIncident is the name of a Lead argument.
const argIncident = "incident"

// leadIncident is the Lead argument of the verbs the policy lets name their incident.
var leadIncident = Arg{Name: argIncident, Kind: ArgIncident, Lead: true, Help: "INC-n: another incident than this channel's"}

// declaration is a verb's arguments as the parser reads them: choices from the
// configuration filled in, the Lead incident left to resolveIncident.
func (e *Engine) declaration(v *Verb) []Arg {
	var out []Arg
	for _, a := range v.Args {
		if a.Lead {
			continue
		}
		if a.ChoicesOf != nil {
			a.Choices = a.ChoicesOf(e.cfg)
		}
		out = append(out, a)
	}
	return out
}

// ArgKind is what an argument's value is.
type ArgKind int

// Argument kinds.
const (
	ArgText     ArgKind = iota // the rest of the line
	ArgWord                    // one word (a string)
	ArgInt                     // a whole number, ≥ 1
	ArgUser                    // a person: @name, the platform's mention, or me
	ArgChoice                  // one of Choices
	ArgIncident                // INC-n
	ArgDuration                // 30m, 4h, 2d, "2 hours"
	ArgFlag                    // present or not (--force)
	ArgTime                    // a moment: 2026-03-01 14:00, RFC 3339 (Relative: 08:10, 45m ago)
)

var argKindNames = map[ArgKind]string{
	ArgText: "text", ArgWord: "word", ArgInt: "int", ArgUser: "user", ArgChoice: "choice",
	ArgIncident: "incident", ArgDuration: "duration", ArgFlag: "flag", ArgTime: "time",
}

func (a *Arg) label() string {
	if a.Label != "" {
		return a.Label
	}
	return a.Name
}

// positional: the argument is read by its place in the line.
func (a *Arg) positional() bool {
	return (a.Keyword == "" || a.Bare) && !a.Anywhere && a.Trailing == nil
}

// Args are a call's parsed arguments by name.
type Args struct{ vals map[string]argValue }

type argValue struct {
	text string        // as written (choices in lower case, users as the mention)
	n    int64         // ArgInt, ArgIncident
	d    time.Duration // ArgDuration
	t    time.Time     // ArgTime
}

// Has reports whether the argument was given (a flag: set).
func (a Args) Has(name string) bool { _, ok := a.vals[name]; return ok }

// Text is the argument as written ("" when not given).
func (a Args) Text(name string) string { return a.vals[name].text }

// Int is an ArgInt's number, or an ArgIncident's (0 when not given).
func (a Args) Int(name string) int64 { return a.vals[name].n }

// Duration is an ArgDuration's value.
func (a Args) Duration(name string) time.Duration { return a.vals[name].d }

// Flag reports whether an ArgFlag was set.
func (a Args) Flag(name string) bool { return a.Has(name) }

func (a *Args) set(name string, v argValue) {
	if a.vals == nil {
		a.vals = map[string]argValue{}
	}
	a.vals[name] = v
}

// argError is a refusal about one argument, with the verb's usage.
func argError(usage string, format string, args ...any) error {
	return refuse("%s. Usage: %s", upperFirst(sprintf(format, args...)), usage)
}

// usageError is the refusal that quotes only the usage (a word too many).
func usageError(usage string) error {
	return refuse("Usage: %s", usage)
}

// token is one word of a line and where it starts.
type token struct {
	s     string
	start int
}

func tokenize(s string) []token {
	var out []token
	i := 0
	for _, w := range strings.Fields(s) {
		j := strings.Index(s[i:], w) + i
		out = append(out, token{w, j})
		i = j + len(w)
	}
	return out
}

// parseArgs reads text against a verb's declared arguments. usage is the verb's usage line
// as the refusals quote it ("/incident task add <text> …").
func parseArgs(decl []Arg, text, usage string) (Args, error) {
	var out Args
	toks := tokenize(text)
	used := make([]bool, len(toks))
	for i := range decl {
		a := &decl[i]
		var err error
		switch {
		case a.Keyword != "":
			err = takeKeyword(a, toks, used, &out, usage)
		case a.Anywhere:
			err = takeAnywhere(a, toks, used, &out, usage)
		}
		if err != nil {
			return out, err
		}
	}
	// Trailing arguments, from the end.
	last := len(toks) - 1
	for i := len(decl) - 1; i >= 0; i-- {
		a := &decl[i]
		if a.Trailing == nil {
			continue
		}
		for last >= 0 && used[last] {
			last--
		}
		if last >= 0 && a.Trailing(toks[last].s) {
			v, err := readValue(a, toks[last].s, usage)
			if err != nil {
				return out, err
			}
			out.set(a.Name, v)
			used[last] = true
		}
	}
	next := 0
	filled := map[string]bool{}
	for i := range decl {
		a := &decl[i]
		if !a.positional() || (a.Slot != "" && filled[a.Slot]) || out.Has(a.Name) {
			continue
		}
		for next < len(toks) && used[next] {
			next++
		}
		if next == len(toks) {
			break
		}
		if a.Match != nil && !a.Match(toks[next].s) {
			continue
		}
		if a.Slot != "" {
			if a.Kind == ArgUser && !isMention(toks[next].s) {
				continue
			}
			filled[a.Slot] = true
		}
		if a.Kind == ArgText {
			out.set(a.Name, argValue{text: restOf(text, toks, used, next)})
			for j := next; j < len(toks); j++ {
				used[j] = true
			}
			next = len(toks)
			break
		}
		raw, n := toks[next].s, 1
		if w, ok := unitWord(toks, used, next); ok && a.Kind == ArgDuration {
			raw, n = raw+" "+w, 2
		}
		if a.Kind == ArgTime && timeWords(a, toks, used, next) {
			raw, n = raw+" "+toks[next+1].s, 2
		}
		v, err := readValue(a, raw, usage)
		if err != nil {
			return out, err
		}
		out.set(a.Name, v)
		for j := next; j < next+n; j++ {
			used[j] = true
		}
	}
	for i, u := range used {
		if !u {
			return out, refuse("%q is more than %s takes. Usage: %s", toks[i].s, verbOfUsage(usage), usage)
		}
	}
	return out, missing(decl, out, usage)
}

// missing refuses the first required argument not given.
func missing(decl []Arg, got Args, usage string) error {
	for i := range decl {
		a := &decl[i]
		if !a.Required || got.Has(a.Name) {
			continue
		}
		if a.Slot != "" && slices.ContainsFunc(decl, func(b Arg) bool { return b.Slot == a.Slot && got.Has(b.Name) }) {
			continue
		}
		label := a.label()
		for _, b := range decl {
			if b.Slot != "" && b.Slot == a.Slot && b.Name != a.Name {
				label += " or " + b.label()
			}
		}
		if a.Help != "" {
			return argError(usage, "%s is missing (%s)", label, a.Help)
		}
		return argError(usage, "%s is missing", label)
	}
	return nil
}

// restOf is the rest of the line from token i: as typed when no word in it was taken by
// another argument (keeping line breaks), else its remaining words.
func restOf(text string, toks []token, used []bool, i int) string {
	if !slices.Contains(used[i:], true) {
		return strings.TrimSpace(text[toks[i].start:])
	}
	var words []string
	for j := i; j < len(toks); j++ {
		if !used[j] {
			words = append(words, toks[j].s)
		}
	}
	return strings.Join(words, " ")
}

// unitWord is the spelled-out unit after a number ("2 hours"), if the next word is one.
func unitWord(toks []token, used []bool, i int) (string, bool) {
	if i+1 >= len(toks) || used[i+1] {
		return "", false
	}
	w := toks[i+1].s
	_, ok := durationUnits[strings.ToLower(strings.TrimSuffix(w, ","))]
	return w, ok
}

// takeKeyword reads "<keyword> <value>" (or "<keyword>=<value>"; a flag alone) wherever it
// is, once.
func takeKeyword(a *Arg, toks []token, used []bool, out *Args, usage string) error {
	for i := range toks {
		if used[i] || (a.Leading && i > 0) {
			continue
		}
		w := strings.ToLower(toks[i].s)
		inline, hasInline := "", false
		if !keywordIs(a, w) {
			k, _, ok := strings.Cut(w, "=")
			if !ok || a.Kind == ArgFlag || !keywordIs(a, k) {
				continue
			}
			inline, hasInline = toks[i].s[len(k)+1:], true
		}
		if out.Has(a.Name) {
			return argError(usage, "%s is given twice", a.label())
		}
		used[i] = true
		if a.Kind == ArgFlag {
			out.set(a.Name, argValue{text: "true"})
			continue
		}
		raw, n := inline, 0
		if !hasInline {
			if i+1 >= len(toks) || used[i+1] {
				return argError(usage, "%s needs a value after %s%s", a.label(), a.Keyword, kindHint(a))
			}
			raw, n = toks[i+1].s, 1
			if w, ok := unitWord(toks, used, i+1); ok && a.Kind == ArgDuration {
				raw, n = raw+" "+w, 2
			}
			if a.Kind == ArgTime && timeWords(a, toks, used, i+1) {
				raw, n = raw+" "+toks[i+2].s, 2
			}
		}
		v, err := readValue(a, raw, usage)
		if err != nil {
			return err
		}
		out.set(a.Name, v)
		for j := i + 1; j <= i+n; j++ {
			used[j] = true
		}
		if a.Leading {
			return nil
		}
	}
	return nil
}

func keywordIs(a *Arg, w string) bool { return w == a.Keyword || slices.Contains(a.Aliases, w) }

// takeAnywhere reads the one person mentioned anywhere in the line.
func takeAnywhere(a *Arg, toks []token, used []bool, out *Args, usage string) error {
	for i, t := range toks {
		if used[i] || (a.Match == nil && !(strings.HasPrefix(t.s, "@") || strings.HasPrefix(t.s, "<@"))) || (a.Match != nil && !a.Match(t.s)) {
			continue
		}
		if out.Has(a.Name) {
			return argError(usage, "%s or %s? There is one %s", out.Text(a.Name), t.s, a.label())
		}
		v, err := readValue(a, t.s, usage)
		if err != nil {
			return err
		}
		out.set(a.Name, v)
		used[i] = true
	}
	return nil
}
