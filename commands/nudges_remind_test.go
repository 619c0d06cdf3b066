package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func TestRemindSnoozeOffOnWorkAndAreOnTheTimeline(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Ransomware on FS-02 sev1")
	r.h.mustSay("alice", ch, "invite @bob", "added")
	r.h.mustSay("alice", ch, "invite @carol", "added")
	r.at(3 * time.Minute)
	r.must("bob", ch, "remind snooze 1h", "snoozed until")
	if e := r.h.last(1); e.Kind != bot.KindRemind || e.Actor != "bob" || !strings.Contains(e.Text, "reminders snoozed for 1h, until 2026-03-02T10:03:00") {
		t.Fatalf("snooze on the timeline: %+v", e)
	}
	// The no-commander (5m) and status (30m) reminders both wait until 10:03.
	if out := r.at(63*time.Minute - time.Second); strings.Contains(out, "no incident commander") || strings.Contains(out, "Status update due") {
		t.Fatalf("reminded during a snooze:\n%s", out)
	}
	out := channelLines(r.at(63*time.Minute), ch)
	wantContains(t, "after the snooze", out, "no incident commander", "Status update due")
	if n := ngCount(out, "Status update due"); n != 1 {
		t.Errorf("%d status reminders after the snooze, want one", n)
	}

	r.must("carol", ch, "remind off", "Reminders turned off")
	if e := r.h.last(1); e.Kind != bot.KindRemind || e.Actor != "carol" || e.Text != "reminders turned off" {
		t.Fatalf("off on the timeline: %+v", e)
	}
	for _, k := range reminderKinds {
		if _, ok := r.timer(timerKey(k, 1)); ok {
			t.Errorf("%s still pending with reminders off", k)
		}
	}
	if out := r.at(6 * time.Hour); strings.Contains(out, "⏰") {
		t.Fatalf("reminded with reminders off:\n%s", out)
	}
	wantContains(t, "status", r.cmd("bob", ch, "remind"), "Reminders on INC-1 are off (turned off by carol)")

	r.must("alice", ch, "remind on", "Reminders turned back on")
	if e := r.h.last(1); e.Kind != bot.KindRemind || e.Actor != "alice" || e.Text != "reminders turned back on" {
		t.Fatalf("on on the timeline: %+v", e)
	}
	// What fell due while off comes once, at once.
	out = channelLines(r.advance(0), ch)
	if n := ngCount(out, "Status update due"); n != 1 {
		t.Fatalf("%d status reminders on turning back on, want one:\n%s", n, out)
	}
	if out := r.at(6*time.Hour + 30*time.Minute); ngCount(channelLines(out, ch), "Status update due") != 1 {
		t.Fatalf("cadence did not resume:\n%s", out)
	}
	r.h.verify(1)
}

func TestRemindRefusals(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Phishing wave")
	r.h.unchanged(1, func() {
		for text, want := range map[string]string{
			"remind snooze":                   "Usage: /incident remind snooze <duration>",
			"remind snooze soon":              "Usage: /incident remind snooze <duration>",
			"remind snooze 2w":                "A snooze is at most 1w",
			"remind on":                       "Reminders on INC-1 are already on.",
			"remind loudly":                   "Usage: /incident remind [snooze <duration>|off|on]",
			"remind off now":                  "Usage: /incident remind",
			"remind INC-9 off":                "There is no INC-9.",
			"review INC-1x held":              "is not an incident id",
			"clock":                           "has no regulatory clocks",
			"remind":                          "Reminders on INC-1 are on.",
			"review":                          "Lessons-learned review of INC-1: not due yet",
			"clock done gdpr":                 "INC-1 has no regulatory clocks.",
			"clock gdpr 48":                   "The gdpr clock has a fixed deadline (72 h)",
			"clock nis2 from later":           "is not a time warroom can read",
			"clock dpa":                       "Usage: /incident clock gdpr|nis2|sec",
			"clock DPA! 48":                   "cannot name a clock",
			"clock done-x 0":                  "is not a number of hours",
			"clock sec from 2027-01-01 10:00": "is in the future",
		} {
			wantContains(t, text, r.cmd("alice", ch, text), want)
		}
		wantContains(t, "outside", r.cmd("alice", "general", "remind off"), "/incident remind works in an incident's channel")
		wantContains(t, "non-member", r.cmd("bob", ch, "remind off"), "You are not a member of INC-1")
	})
	r.must("alice", ch, "remind off", "turned off")
	r.h.unchanged(1, func() {
		wantContains(t, "twice", r.cmd("alice", ch, "remind off"), "already off (turned off by alice)")
		wantContains(t, "snooze while off", r.cmd("alice", ch, "remind snooze 1h"), "Turn them on with /incident remind on")
	})
}
