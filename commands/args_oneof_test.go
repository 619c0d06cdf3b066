package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/config"
)

// The five arguments whose kind depends on another (redact's entry, review's when, assess's
// answer, clock's hours, remind's snooze) are declared: the one parser reads them into typed
// values, from a line of text and from typed options alike, so no Run cuts a word up again.
func TestArgumentsThatDependOnAnotherAreDeclared(t *testing.T) {
	cfg := &config.Config{Location: time.UTC}
	e := &Engine{cfg: cfg}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	parse := func(v *Verb, text string, opts map[string]string) (Args, error) {
		decl := atTime(e.declaration(v), now, cfg.Location)
		if opts != nil {
			return parseOptions(decl, opts, v.usageLine())
		}
		return parseArgs(decl, text, v.usageLine())
	}
	type want struct {
		arg, which, text string
		n                int64
		d                time.Duration
		t                time.Time
	}
	for _, tc := range []struct {
		v    *Verb
		text string
		opts map[string]string
		want want
	}{
		{v: verbRedact, text: "12 pasted a password", want: want{arg: "entry", which: "seq", n: 12}},
		{v: verbRedact, opts: map[string]string{"entry": "12", "reason": "r"}, want: want{arg: "entry", which: "seq", n: 12}},
		{v: verbRedact, text: "LAST oops", want: want{arg: "entry", which: "last", text: "last"}},
		{v: verbRedact, text: "https://x.slack.com/archives/C0AB/p1712345678123456 oops", want: want{arg: "entry", which: "message", text: "https://x.slack.com/archives/C0AB/p1712345678123456"}},
		{v: verbReview, text: "held", want: want{arg: "when", which: "held", text: "held"}},
		{v: verbReview, text: "in 3d", want: want{arg: "when", which: "in", d: 72 * time.Hour}},
		{v: verbReview, text: "2 days", want: want{arg: "when", which: "in", d: 48 * time.Hour}},
		{v: verbReview, text: "2026-03-10 14:00", want: want{arg: "when", which: "at", t: time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)}},
		{v: verbReview, opts: map[string]string{"when": "2026-03-10T14:00:00Z"}, want: want{arg: "when", which: "at", t: time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)}},
		{v: verbAssess, text: "cross-border possible two member states", want: want{arg: "answer", text: "possible"}},
		{v: verbAssess, opts: map[string]string{"question": "malicious", "answer": "suspected"}, want: want{arg: "answer", text: "suspected"}},
		{v: verbClock, text: "dpa 36.5", want: want{arg: "hours", d: 36*time.Hour + 30*time.Minute}},
		{v: verbClock, text: "dpa 48h from 2026-03-01 10:00", want: want{arg: "hours", d: 48 * time.Hour}},
		{v: verbClock, opts: map[string]string{"clock": "dpa", "hours": "48"}, want: want{arg: "hours", d: 48 * time.Hour}},
		{v: verbRemindSnooze, text: "2 hours", want: want{arg: "duration", d: 2 * time.Hour}},
		{v: verbRemindSnooze, opts: map[string]string{"duration": "30m"}, want: want{arg: "duration", d: 30 * time.Minute}},
		{v: verbRemind, opts: map[string]string{"action": "OFF"}, want: want{arg: "action", text: "off"}},
	} {
		a, err := parse(tc.v, tc.text, tc.opts)
		if err != nil {
			t.Errorf("%s %q %v: %v", tc.v.Name, tc.text, tc.opts, err)
			continue
		}
		w := tc.want
		if a.Which(w.arg) != w.which || w.text != "" && a.Text(w.arg) != w.text || a.Int(w.arg) != w.n || a.Duration(w.arg) != w.d || !a.Time(w.arg).Equal(w.t) {
			t.Errorf("%s %q %v: %s is %+v, want %+v", tc.v.Name, tc.text, tc.opts, w.arg, a.vals[w.arg], w)
		}
	}
	// What the alternatives or the other argument do not take is refused by the parser, in
	// the verb's words and with its usage, before Run.
	for _, tc := range []struct {
		v          *Verb
		text       string
		opts       map[string]string
		want, also string
	}{
		{v: verbRedact, text: "0 reason", want: `"0" is not an entry number: entries count from 1.`, also: "Usage: /incident redact <seq|last|run N|message link> <reason>"},
		{v: verbRedact, text: "-1 reason", want: `"-1" is not an entry number: entries count from 1.`, also: "Usage: /incident redact"},
		// A number past the bound is too big, not too small.
		{v: verbRedact, text: "3000000000 reason", want: `"3000000000" is not an entry number: a number from 1 to 2147483648.`, also: "Usage: /incident redact"},
		{v: verbReview, text: "soon", want: `"soon" is not a time warroom can read: use a duration (3d, 4h) or a date and time (2026-03-10 14:00 in UTC, or RFC 3339).`, also: "Usage: /incident review <when|held>"},
		{v: verbReview, opts: map[string]string{"when": "next week"}, want: `"next week" is not a time warroom can read`, also: "Usage: /incident review"},
		{v: verbAssess, text: "material suspected", want: "Answer material with one of: yes, no.", also: "Usage: /incident assess"},
		{v: verbAssess, opts: map[string]string{"question": "material", "answer": "possible"}, want: "Answer material with one of: yes, no.", also: "Usage: /incident assess"},
		{v: verbClock, text: "dpa 0", want: `"0" is not a number of hours between 0 and 8784 (e.g. 48).`, also: "Usage: /incident clock"},
		{v: verbClock, text: "dpa 9000", want: `"9000" is not a number of hours`, also: "Usage: /incident clock"},
		{v: verbClock, opts: map[string]string{"clock": "dpa", "hours": "NaN"}, want: `"NaN" is not a number of hours`, also: "Usage: /incident clock"},
		{v: verbRemindSnooze, text: "soon", want: `"soon" is not a duration: e.g. 30m or 2h.`, also: "Usage: /incident remind snooze <duration>"},
		{v: verbRemindSnooze, text: "", want: "Snooze is missing (e.g. 30m or 2h)", also: "Usage: /incident remind snooze <duration>"},
		{v: verbRemindSnooze, opts: map[string]string{"duration": "2w"}, want: "A snooze is at most 1w. To stop reminders altogether, use /incident remind off.", also: "Usage: /incident remind snooze"},
		{v: verbRemind, text: "loudly", want: `Action "loudly" is not one warroom knows: use off, on`, also: "Usage: /incident remind [snooze <duration>|off|on]"},
	} {
		_, err := parse(tc.v, tc.text, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.also) {
			t.Errorf("%s %q %v: %v, want …%s… and …%s…", tc.v.Name, tc.text, tc.opts, err, tc.want, tc.also)
		}
	}
}

// Each platform registers what the declaration says: assess's answer is a list of answers,
// clock's hours and remind snooze's duration are durations, the entry and the review's
// time one option each (their alternatives are the parser's, not sub-commands).
func TestDependentArgumentsAreRegisteredTyped(t *testing.T) {
	e := New(Deps{})
	kinds := map[string]string{}
	choices := map[string][]string{}
	for _, s := range e.Specs() {
		for _, o := range s.Options {
			kinds[s.Verb+"/"+o.Name] = o.Kind
			choices[s.Verb+"/"+o.Name] = o.Choices
		}
	}
	for opt, kind := range map[string]string{"assess/answer": "choice", "clock/hours": "duration", "remind snooze/duration": "duration",
		"remind/action": "choice", "redact/entry": "word", "review/when": "text"} {
		if kinds[opt] != kind {
			t.Errorf("%s is registered as %q, want %q", opt, kinds[opt], kind)
		}
	}
	if got := strings.Join(choices["assess/answer"], ","); got != "yes,suspected,no,possible" {
		t.Errorf("assess's answers: %s", got)
	}
	if _, ok := kinds["remind/duration"]; ok {
		t.Error("remind still takes a duration; remind snooze does")
	}
}
