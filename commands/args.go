package commands

import (
	"slices"
	"strings"
)

// The one parser of the declarations (args_decl.go): a line of text against a verb's Args.
// Typed options are read by parseOptions (args_kinds.go), each value by its kind.

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
			v, err := readValue(argFor(a, out), toks[last].s, usage)
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
		if a.Match != nil && !a.Match(toks[next].s) || a.If != nil && !a.If(out) {
			continue
		}
		if a.Slot != "" {
			if a.Kind == ArgUser && !isMention(toks[next].s) {
				continue
			}
			filled[a.Slot] = true
		}
		if a.Kind == ArgText {
			v := argValue{text: restOf(text, toks, used, next)}
			if len(a.OneOf) > 0 {
				var err error
				if v, err = readValue(a, v.text, usage); err != nil {
					return out, err
				}
			}
			out.set(a.Name, v)
			for j := next; j < len(toks); j++ {
				used[j] = true
			}
			next = len(toks)
			break
		}
		v, n, err := valueAt(a, out, toks, used, next, usage)
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

// valueAt reads the value that starts at token i and how many words it takes: one, or two
// where its kind goes on into the next (a duration's spelled-out unit, "2 hours"; a date
// and its time of day, "45m ago"). A time found in two words is taken as read there.
func valueAt(a *Arg, before Args, toks []token, used []bool, i int, usage string) (argValue, int, error) {
	raw := toks[i].s
	switch a.Kind {
	case ArgDuration:
		if w, ok := unitWord(toks, used, i); ok {
			v, err := readValue(argFor(a, before), raw+" "+w, usage)
			return v, 2, err
		}
	case ArgTime:
		if v, ok := timeWords(a, toks, used, i); ok {
			return v, 2, nil
		}
	}
	v, err := readValue(argFor(a, before), raw, usage)
	return v, 1, err
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
		var v argValue
		var n int
		var err error
		switch {
		case hasInline:
			v, err = readValue(argFor(a, *out), inline, usage)
		case i+1 >= len(toks) || used[i+1]:
			return argError(usage, "%s needs a value after %s%s", a.label(), a.Keyword, kindHint(a))
		default:
			v, n, err = valueAt(a, *out, toks, used, i+1, usage)
		}
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
		v, err := readValue(argFor(a, *out), t.s, usage)
		if err != nil {
			return err
		}
		out.set(a.Name, v)
		used[i] = true
	}
	return nil
}
