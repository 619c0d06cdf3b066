package commands

// A fuzz target for each verb's argument parser. Each asserts what the grammar promises —
// not merely that it does not panic: what it accepts is well-formed and reads back the same,
// and it never accepts what the README says it refuses.

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

// declare: an accepted title is non-empty, trimmed, within MaxTitleLen and does not end in a
// severity-like token; the severity is 1–4; "<title> sevN" reads back as (title, N).
func FuzzParseDeclare(f *testing.F) {
	for _, s := range []string{"Phishing wave sev2", "Test thing sev9", "x sev0", "x P1", "Lost laptop on floor 2", "sev1", "  a   b  ", "x SEV-3", "p4", "x p10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		title, sev, err := parseDeclare(s, 3)
		if err != nil {
			return
		}
		if title == "" || title != strings.TrimSpace(title) || utf8.RuneCountInString(title) > MaxTitleLen || sev < 1 || sev > 4 {
			t.Fatalf("%q → %q sev%d", s, title, sev)
		}
		f := strings.Fields(title)
		if last := f[len(f)-1]; sevToken.MatchString(last) || priorityToken.MatchString(last) {
			t.Fatalf("%q kept the severity-like %q in the title %q", s, last, title)
		}
		if t2, s2, err := parseDeclare(title+" sev"+strconv.Itoa(sev), 1); err != nil || t2 != title || s2 != sev {
			t.Fatalf("%q sev%d does not read back: %q %d %v", title, sev, t2, s2, err)
		}
	})
}

// close: a class is always given and valid; duplicate names a parseable incident, others none.
func FuzzParseClose(f *testing.F) {
	for _, s := range []string{"", "true-positive done", "false-postive it was the red team", "duplicate INC-3 same", "duplicate", "fp", "tp x", "Resolved by resetting"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		class, dup, _, err := parseClose(s)
		if err != nil {
			if strings.TrimSpace(s) == "" && err != errNoClass {
				t.Fatalf("a bare close: %v", err)
			}
			return
		}
		first, _ := splitVerb(s)
		if !slices.Contains(bot.CloseClasses, class) || (first != class && closeAliases[first] != class) {
			t.Fatalf("%q closed as %q (first word %q)", s, class, first)
		}
		if _, perr := bot.ParseID(dup); (class == bot.ClassDuplicate) != (dup != "" && perr == nil) {
			t.Fatalf("%q: class %s, duplicate of %q", s, class, dup)
		}
	})
}

// task add: some text, no mention left in it, one owner that is a mention, a due within a
// year; every word of the text was in the input in the same order.
func FuzzParseTaskArgs(f *testing.F) {
	for _, s := range []string{"Call insurer @frank due 2 hours", "@bob due 1h", "x due 99999h", "x due soonish", "x @a @b", "due", "rotate keys due 1 day @bob", "a due 30 minutes b", "x due 0 hours", "x due 1w2d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseTaskArgs(s)
		if err != nil {
			return
		}
		if a.text == "" || a.due < 0 || a.due > maxDue {
			t.Fatalf("%q → %+v", s, a)
		}
		if a.owner != "" && !strings.HasPrefix(a.owner, "@") && !strings.HasPrefix(a.owner, "<@") {
			t.Fatalf("%q: owner %q is not a mention", s, a.owner)
		}
		in := strings.Fields(s)
		i := 0
		for _, w := range strings.Fields(a.text) {
			if strings.HasPrefix(w, "@") || strings.HasPrefix(w, "<@") {
				t.Fatalf("%q: a mention %q left in the text %q", s, w, a.text)
			}
			for i < len(in) && in[i] != w {
				i++
			}
			if i == len(in) {
				t.Fatalf("%q: text %q has words not in the input, or out of order", s, a.text)
			}
			i++
		}
	})
}

// due: what it reads is positive, at most a year, and uses one or two words.
func FuzzParseDue(f *testing.F) {
	for _, s := range []string{"2h", "2 hours", "30 minutes", "1 day", "99999h", "-1h", "0 days", "1w", "3 weeks later"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, used, err := parseDue(strings.Fields(s))
		if err != nil {
			return
		}
		if d <= 0 || d > maxDue || used < 1 || used > 2 || used > len(strings.Fields(s)) {
			t.Fatalf("%q → %v using %d words", s, d, used)
		}
	})
}

// sev: only 1–4, and the number is the one written.
func FuzzParseSev(f *testing.F) {
	for _, s := range []string{"1", "sev2", "SEV4", "p3", "0", "5", "sev-1", "١"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parseSev(s)
		if !ok {
			return
		}
		if n < 1 || n > 4 || !strings.HasSuffix(s, strconv.Itoa(n)) {
			t.Fatalf("%q → %d", s, n)
		}
	})
}

// phase: a target is one lowercase word that is not a force flag; force only when written.
func FuzzParsePhaseArgs(f *testing.F) {
	for _, s := range []string{"", "next", "next --force", "--force", "lessons-learned -f", "a b", "NEXT FORCE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		target, force, err := parsePhaseArgs(s)
		if err != nil {
			return
		}
		if target == "" && (force || strings.TrimSpace(s) != "") {
			t.Fatalf("%q → show the phase, force %v", s, force)
		}
		if target != "" && (target != strings.ToLower(target) || strings.ContainsAny(target, " \t\n") || target == "--force") {
			t.Fatalf("%q → target %q", s, target)
		}
		said := slices.ContainsFunc(strings.Fields(strings.ToLower(s)), func(w string) bool { return w == "--force" || w == "force" || w == "-f" })
		if force != said {
			t.Fatalf("%q → force %v", s, force)
		}
	})
}

// role: an accepted role is one of the configured roles; the person is one word.
func FuzzParseRoleArgs(f *testing.F) {
	for _, s := range []string{"analyst me", "COMMANDER @bob", "janitor me", "analyst", "analyst @a @b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		role, who, err := parseRoleArgs(s, config.DefaultRoles)
		if err != nil {
			return
		}
		if !slices.Contains(config.DefaultRoles, role) || who == "" || strings.ContainsAny(who, " \t\n") {
			t.Fatalf("%q → %q %q", s, role, who)
		}
	})
}

// lesson: a known kind and some text.
func FuzzParseLessonArgs(f *testing.F) {
	for _, s := range []string{"good fast triage", "meh", "BAD slow paging", "idea"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, text, err := parseLessonArgs(s)
		if err != nil {
			return
		}
		if !slices.Contains(bot.LessonKinds, kind) || strings.TrimSpace(text) == "" {
			t.Fatalf("%q → %q %q", s, kind, text)
		}
	})
}

// remind: snooze has a duration within a week, off and on none, and nothing else passes.
func FuzzParseRemindArgs(f *testing.F) {
	for _, s := range []string{"", "off", "on", "snooze 2h", "snooze 9d", "snooze", "off now", "mute"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		action, d, err := parseRemindArgs(s)
		if err != nil {
			return
		}
		switch action {
		case "snooze":
			if d <= 0 || d > maxSnooze {
				t.Fatalf("%q → snooze %v", s, d)
			}
		case "off", "on", "":
			if d != 0 || action == "" && strings.TrimSpace(s) != "" {
				t.Fatalf("%q → %q %v", s, action, d)
			}
		default:
			t.Fatalf("%q → %q", s, action)
		}
	})
}

// check, task done: a positive number that prints back as written (trimmed).
func FuzzParseItemNumber(f *testing.F) {
	for _, s := range []string{"1", " 7 ", "0", "-1", "99999999999999999999", "+3", "1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, ok := parseItemNumber(s)
		if !ok {
			return
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); k <= 0 || err != nil || n != k {
			t.Fatalf("%q → %d", s, k)
		}
	})
}

// page ack: a positive id.
func FuzzParsePageID(f *testing.F) {
	for _, s := range []string{"3", "#3", "0", "-2", "x", "#"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parsePageID(s)
		if err == nil && id <= 0 {
			t.Fatalf("%q → %d", s, id)
		}
	})
}

// clock <name> <hours>: a positive finite number of hours within a leap year.
func FuzzParseClockHours(f *testing.F) {
	for _, s := range []string{"48", "72h", "0", "-1", "NaN", "Inf", "1e9", "0.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseClockHours(s)
		if err == nil && (h <= 0 || h > 24*366 || math.IsNaN(h) || math.IsInf(h, 0)) {
			t.Fatalf("%q → %v", s, h)
		}
	})
}

// clock … from <time>, review <when>: an accepted time is UTC and reads back the same.
func FuzzParseClockTime(f *testing.F) {
	for _, s := range []string{"2026-03-01 14:00", "2026-03-01T13:00:00Z", "2026-03-01T15:00:00+02:00", "2026-02-30 10:00", "yesterday"} {
		f.Add(s)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		at, ok := parseClockTime(s, berlin)
		if !ok {
			return
		}
		if at.Location() != time.UTC {
			t.Fatalf("%q → %v not in UTC", s, at)
		}
		if back, ok := parseClockTime(at.Format(time.RFC3339Nano), berlin); !ok || !back.Equal(at) {
			t.Fatalf("%q → %v does not read back (%v)", s, at, back)
		}
	})
}

// INC-n named first: a positive number, and only with a prefix unless bare numbers are meant.
func FuzzNamedIncident(f *testing.F) {
	for _, s := range []string{"inc-3", "#3", "3", "inc-x", "inc-", "held", "3d"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, bare bool) {
		n, ok, err := namedIncident(s, bare)
		if err != nil || !ok {
			return
		}
		if n <= 0 || !bare && !strings.HasPrefix(s, "inc-") && !strings.HasPrefix(s, "#") {
			t.Fatalf("%q (bare %v) → %d", s, bare, n)
		}
	})
}
