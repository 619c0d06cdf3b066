package commands

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/duration"
)

// What each argument kind accepts, for text and for typed options alike.

// maxArgInt bounds an ArgInt without its own Max (item, run and page numbers).
const maxArgInt = 1 << 31

// durationUnits are the spelled-out units a duration may take as a second word ("2 hours").
var durationUnits = map[string]time.Duration{
	"minute": time.Minute, "minutes": time.Minute, "min": time.Minute, "mins": time.Minute,
	"hour": time.Hour, "hours": time.Hour, "hr": time.Hour, "hrs": time.Hour,
	"day": 24 * time.Hour, "days": 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
}

// readValue checks one value against its argument's kind, or its alternatives; a value
// the kind does not take is refused in the verb's own words where it has them (Refuse).
func readValue(a *Arg, raw, usage string) (argValue, error) {
	if len(a.OneOf) > 0 {
		return readOneOf(a, raw, usage)
	}
	v, err := readKind(a, raw, usage)
	if err != nil && a.Refuse != nil {
		return argValue{}, refuse("%s Usage: %s", a.Refuse(raw, a.Choices).Error(), usage)
	}
	return v, err
}

// readOneOf reads a value by the first alternative that takes it (Arg.OneOf).
func readOneOf(a *Arg, raw, usage string) (argValue, error) {
	var names []string
	for _, alt := range a.OneOf {
		alt.base = a.base
		names = append(names, alt.label())
		if alt.Match != nil && !alt.Match(raw) {
			continue
		}
		v, err := readValue(&alt, raw, usage)
		if err != nil && alt.Match != nil {
			return argValue{}, err
		}
		if err == nil {
			v.alt = alt.Name
			return v, nil
		}
	}
	if a.Refuse != nil {
		return argValue{}, refuse("%s Usage: %s", a.Refuse(raw, nil).Error(), usage)
	}
	return argValue{}, argError(usage, "%q is not a %s: give %s", raw, a.label(), validList(names))
}

// argFor is the argument as it reads its value once those before it are read (Depends).
func argFor(a *Arg, before Args) *Arg {
	if a.Depends == nil {
		return a
	}
	dep := *a
	a.Depends(before, &dep)
	return &dep
}

// readKind checks one value against its argument's kind alone.
func readKind(a *Arg, raw, usage string) (argValue, error) {
	if a.Fold != nil && a.Kind != ArgChoice {
		raw = a.Fold(strings.ToLower(raw))
	}
	switch a.Kind {
	case ArgInt:
		n, err := strconv.ParseInt(strings.TrimPrefix(raw, "#"), 10, 64)
		max := a.Max
		if max == 0 {
			max = maxArgInt
		}
		if err != nil || n < 1 || n > max {
			return argValue{}, argError(usage, "%q is not a %s: a number from 1 to %d", raw, a.label(), max)
		}
		return argValue{text: itoa(n), n: n}, nil
	case ArgUser:
		if !isMention(raw) {
			return argValue{}, argError(usage, "%q is not a user: write @name or me", raw)
		}
	case ArgChoice:
		v := strings.ToLower(raw)
		if a.Fold != nil {
			v = a.Fold(v)
		}
		if !slices.Contains(a.Choices, v) {
			hint := ""
			if near := closest(v, a.Choices); near != "" {
				hint = " (did you mean " + near + "?)"
			}
			return argValue{}, argError(usage, "%s %q is not one warroom knows%s: use %s", a.label(), raw, hint, validList(a.Choices))
		}
		if a.AsTyped {
			v = raw
		}
		return argValue{text: v}, nil
	case ArgIncident:
		n, err := bot.ParseID(raw)
		if err != nil {
			return argValue{}, argError(usage, "%s: %v", a.label(), err)
		}
		return argValue{text: bot.FormatID(n), n: n}, nil
	case ArgDuration:
		d, err := readDuration(raw)
		if a.Unit > 0 {
			d, err = inUnit(raw, a.Unit, d, err)
		}
		if err != nil {
			return argValue{}, argError(usage, "warroom cannot read %q as a %s duration: %v", raw, a.label(), err)
		}
		if a.Max > 0 && d > time.Duration(a.Max) {
			return argValue{}, argError(usage, "%s is at most %s; %s is longer", a.label(), spokenMax(time.Duration(a.Max)), raw)
		}
		return argValue{text: raw, d: d}, nil
	case ArgTime:
		t, ok := readTime(a, raw)
		if !ok {
			return argValue{}, timeRefusal(a, raw, usage)
		}
		return argValue{text: raw, t: t}, nil
	case ArgFlag:
		switch strings.ToLower(raw) {
		case "true", "yes", "1":
			return argValue{text: "true"}, nil
		}
		return argValue{}, argError(usage, "%s is a flag: given or not", a.label())
	}
	return argValue{text: raw}, nil
}

// spokenMax writes a bound the way people say it: "a year (365d)", else "90d".
func spokenMax(d time.Duration) string {
	if d == 365*24*time.Hour {
		return "a year (365d)"
	}
	return duration.Format(d)
}

// readDuration reads "<n> <unit>" or one config-style duration; it is positive.
func readDuration(s string) (time.Duration, error) {
	f := strings.Fields(s)
	var d time.Duration
	var err error
	switch {
	case len(f) == 2:
		unit, ok := durationUnits[strings.ToLower(strings.TrimSuffix(f[1], ","))]
		n, perr := strconv.Atoi(f[0])
		if !ok || perr != nil || n <= 0 || n > 100000 {
			return 0, fmt.Errorf("invalid duration %q (use e.g. 30m, 4h, 2 hours, 1 day)", s)
		}
		d = time.Duration(n) * unit
	case len(f) == 1:
		d, err = duration.Parse(f[0])
	default:
		err = fmt.Errorf("invalid duration %q (use e.g. 30m, 4h, 2 hours, 1 day)", s)
	}
	return d, err
}

// plainNumber is a number as people write one: digits, perhaps a decimal part. Go's
// float syntax (1e2, 0x1p6, 1_0, +48, .5) is not, and is refused rather than guessed.
var plainNumber = regexp.MustCompile(`^[0-9]{1,6}(\.[0-9]{1,6})?$`)

// inUnit reads a bare number as that many units (48 hours, 36.5 hours); anything else is
// read as any duration is (d, err). Either way a span under a minute is refused: no
// deadline counted in units is that short, so it is a slip (0.0001, 1s).
func inUnit(raw string, unit, d time.Duration, err error) (time.Duration, error) {
	if s := strings.TrimSpace(raw); plainNumber.MatchString(s) {
		f, _ := strconv.ParseFloat(s, 64) // cannot fail: at most 6+6 digits
		d, err = time.Duration(f*float64(unit)), nil
	}
	if err == nil && d < time.Minute {
		return 0, fmt.Errorf("%s is under a minute", raw)
	}
	return d, err
}

// kindHint says what a value of the argument's kind looks like, for "needs a value".
func kindHint(a *Arg) string {
	switch a.Kind {
	case ArgDuration:
		return " (a duration: 4h, 2 hours, 1 day)"
	case ArgChoice:
		return ": " + validList(a.Choices)
	case ArgUser:
		return " (a person)"
	case ArgInt:
		return " (a number)"
	case ArgTime:
		return " (a time: 2026-03-01 14:00 or RFC 3339)"
	}
	return ""
}

// parseOptions reads typed options (Discord's) against the declaration: each value is
// checked by its kind alone, so a text ending in "@bob" stays text and never becomes an
// owner. A name not declared is refused.
func parseOptions(decl []Arg, opts map[string]string, usage string) (Args, error) {
	return parseTyped(decl, opts, nil, usage)
}

// parseTyped is parseOptions with the persons picked (users: their platform user ids, by
// the argument's name): a user argument is that person, never mention text.
func parseTyped(decl []Arg, opts, users map[string]string, usage string) (Args, error) {
	var out Args
	for name := range opts {
		if !slices.ContainsFunc(decl, func(a Arg) bool { return a.Name == name }) {
			return out, refuse("%s takes no option %q. Usage: %s", verbOfUsage(usage), name, usage)
		}
	}
	for name := range users {
		if !slices.ContainsFunc(decl, func(a Arg) bool { return a.Name == name && a.Kind == ArgUser }) {
			return out, refuse("%s takes no person %q. Usage: %s", verbOfUsage(usage), name, usage)
		}
	}
	for i := range decl {
		a := &decl[i]
		if id, ok := users[a.Name]; ok && a.Kind == ArgUser {
			out.set(a.Name, argValue{id: id})
			continue
		}
		raw, ok := opts[a.Name]
		if !ok {
			continue
		}
		if a.Kind == ArgFlag && strings.EqualFold(raw, "false") {
			continue
		}
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		if a.If != nil && !a.If(out) {
			return out, argError(usage, "%s is not taken with these arguments (%s)", a.label(), a.Help)
		}
		if a.Kind != ArgText && a.Kind != ArgDuration && a.Kind != ArgTime && strings.ContainsAny(raw, " \t\n") {
			return out, argError(usage, "%s must be a single word", a.label())
		}
		v, err := readValue(argFor(a, out), raw, usage)
		if err != nil {
			return out, err
		}
		out.set(a.Name, v)
	}
	return out, missing(decl, out, usage)
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// verbOfUsage is the command and verb a usage line starts with ("/incident role").
func verbOfUsage(usage string) string {
	var words []string
	for _, w := range strings.Fields(usage) {
		if strings.ContainsAny(w, "<[|@") || (len(words) > 1 && strings.HasPrefix(w, "INC")) {
			break
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
