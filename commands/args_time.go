package commands

import (
	"strings"
	"time"

	"github.com/warroom/warroom/internal/duration"
)

// The time kind: a moment, read in the configured time zone. An absolute time is RFC 3339
// or a date and time (2026-03-01 14:00, also with a T); a Relative argument also takes a
// time of day (08:10, the last time the clock showed it) and how long ago (45m ago, -2h).
// These are the forms /incident clock … from and /incident detected read; the parser reads
// them once, for text and for typed options alike.

// timeBase is what a time is read against: now and the configured zone. runVerb fills it
// in on the call's copy of the declaration (atTime).
type timeBase struct {
	now time.Time
	loc *time.Location
}

// zone is the configured zone, UTC when none is.
func (b timeBase) zone() *time.Location {
	if b.loc == nil {
		return time.UTC
	}
	return b.loc
}

// atTime gives every time argument of decl the call's now and zone.
func atTime(decl []Arg, now time.Time, loc *time.Location) []Arg {
	for i := range decl {
		decl[i].base = timeBase{now: now, loc: loc}
	}
	return decl
}

// Time is an ArgTime's moment, in UTC (zero when not given).
func (a Args) Time(name string) time.Time { return a.vals[name].t }

// readTime reads one time argument's value; ok is false for a form it does not take.
func readTime(a *Arg, raw string) (time.Time, bool) {
	loc := a.base.zone()
	if !a.Relative {
		return parseClockTime(raw, loc)
	}
	var at time.Time
	f := strings.Fields(raw)
	switch {
	case len(f) == 2 && strings.EqualFold(f[1], "ago"):
		return agoTime(f[0], a.base.now)
	case len(f) == 2 && parses(raw, loc, &at), len(f) == 1 && parses(f[0], loc, &at):
		return at.UTC(), true
	case len(f) == 1 && clockToday(f[0], a.base.now, loc, &at):
		return at.UTC(), true
	case len(f) == 1 && strings.HasPrefix(f[0], "-"):
		return agoTime(f[0], a.base.now)
	}
	return time.Time{}, false
}

// agoTime is "45m" (or "-45m") before now.
func agoTime(s string, now time.Time) (time.Time, bool) {
	d, err := duration.Parse(strings.TrimPrefix(s, "-"))
	if err != nil || d <= 0 {
		return time.Time{}, false
	}
	return now.Add(-d).UTC(), true
}

// timeWords reads a time at token i that goes on into the next word: a date and its time
// of day (2026-03-01 14:00), or "45m ago"; ok is false when the two words are not one.
func timeWords(a *Arg, toks []token, used []bool, i int) (argValue, bool) {
	if i+1 >= len(toks) || used[i+1] {
		return argValue{}, false
	}
	raw := toks[i].s + " " + toks[i+1].s
	t, ok := readTime(a, raw)
	return argValue{text: raw, t: t}, ok
}

// timeRefusal names what a time argument takes, as the verbs always have.
func timeRefusal(a *Arg, raw, usage string) error {
	if a.Relative {
		return argError(usage, "%q is not a time warroom reads: use 2026-03-02T08:10:00Z, 2026-03-02 08:10, 08:10 or 45m ago", strings.Fields(raw)[0])
	}
	return argError(usage, "%q is not a time warroom can read: use 2026-03-01 14:00 (%s) or RFC 3339 (2026-03-01T13:00:00Z)", raw, a.base.zone())
}
