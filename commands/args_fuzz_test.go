package commands

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// The parser against every verb's real declaration. What it accepts holds only values of
// each argument's kind (for a OneOf, the kind of the alternative that took it; for a
// Depends, the choices its earlier arguments leave), every required argument, and every
// word of the input in some argument; and the same values given as typed options (Discord)
// read back the same, so the text and the typed paths cannot disagree.
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{"Phishing wave sev2", "x @a due 2 hours", "next --force", "analyst @bob", "#3", "secops db down",
		"@bob db down", "secops @carol 4h", "--tlp red saw it", "duplicate INC-3 same", "7 due", "a\nb  c", "me", "INC-0", "x due 400d",
		"01 00", "+7 why", "last x", "in 3d", "2026-03-10 14:00", "material yes r", "material possible r", "dpa 36.5 from 08:10", "2 hours"} {
		for i := range allVerbs() {
			f.Add(uint8(i), s)
		}
	}
	e := New(Deps{})
	verbs := e.Verbs()
	f.Fuzz(func(t *testing.T, which uint8, text string) {
		v := verbs[int(which)%len(verbs)]
		decl := e.declaration(v)
		a, err := parseArgs(decl, text, "/x")
		if err != nil {
			if !isUserError(err) || !strings.Contains(err.Error(), "Usage: /x") {
				t.Fatalf("%s %q: a refusal without the usage: %v", v.Name, text, err)
			}
			return
		}
		words := strings.Fields(text)
		opts := map[string]string{}
		for _, d := range decl {
			if !a.Has(d.Name) {
				if d.Required && !slotFilled(decl, d, a) {
					t.Fatalf("%s %q: required %s missing but accepted", v.Name, text, d.Name)
				}
				continue
			}
			val := a.Text(d.Name)
			opts[d.Name] = val
			d, err := asRead(d, a)
			if err != nil {
				t.Fatalf("%s %q: %v", v.Name, text, err)
			}
			if !kindHolds(d, a) {
				t.Fatalf("%s %q: %s=%q is not a %s", v.Name, text, d.Name, val, argKindNames[d.Kind])
			}
			if d.Kind != ArgText && d.Kind != ArgFlag && d.Kind != ArgDuration && d.Kind != ArgTime && d.Kind != ArgIncident && d.Kind != ArgInt && d.Kind != ArgChoice &&
				!slices.Contains(words, val) {
				t.Fatalf("%s %q: %s=%q is not a word of the input", v.Name, text, d.Name, val)
			}
		}
		b, err := parseOptions(decl, opts, "/x")
		if err != nil {
			t.Fatalf("%s %q: text accepted %v but the same typed options are refused: %v", v.Name, text, opts, err)
		}
		if !maps.Equal(a.vals, b.vals) {
			t.Fatalf("%s %q: text read %+v, typed %+v", v.Name, text, a.vals, b.vals)
		}
	})
}

// asRead is the argument as its value was read: the alternative of a OneOf that took it
// (under the argument's name), with what Depends makes of it given the arguments before.
func asRead(d Arg, a Args) (Arg, error) {
	d = *argFor(&d, a)
	if len(d.OneOf) == 0 {
		return d, nil
	}
	i := slices.IndexFunc(d.OneOf, func(o Arg) bool { return o.Name == a.Which(d.Name) })
	if i < 0 {
		return d, fmt.Errorf("%s=%q was taken by no alternative (Which %q)", d.Name, a.Text(d.Name), a.Which(d.Name))
	}
	alt := d.OneOf[i]
	alt.Name = d.Name
	return alt, nil
}

func slotFilled(decl []Arg, d Arg, a Args) bool {
	return d.Slot != "" && slices.ContainsFunc(decl, func(o Arg) bool { return o.Slot == d.Slot && a.Has(o.Name) })
}

// kindHolds checks a parsed value against its declared kind.
func kindHolds(d Arg, a Args) bool {
	val := a.Text(d.Name)
	switch d.Kind {
	case ArgInt:
		return a.Int(d.Name) >= 1 && a.Int(d.Name) <= maxArgInt && (d.Max == 0 || a.Int(d.Name) <= d.Max)
	case ArgUser:
		return isMention(val) && !strings.ContainsAny(val, " \t\n")
	case ArgChoice:
		if d.AsTyped { // read back as written: it is a choice once folded
			val = strings.ToLower(val)
			if d.Fold != nil {
				val = d.Fold(val)
			}
		}
		return slices.Contains(d.Choices, val)
	case ArgIncident:
		n, err := bot.ParseID(val)
		return err == nil && n == a.Int(d.Name)
	case ArgDuration:
		dur := a.Duration(d.Name)
		return dur > 0 && (d.Max == 0 || dur <= time.Duration(d.Max))
	case ArgFlag:
		return val == "true"
	case ArgWord:
		return val != "" && !strings.ContainsAny(val, " \t\n")
	}
	return strings.TrimSpace(val) == val && val != ""
}
