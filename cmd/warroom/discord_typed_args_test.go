package main

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/internal/fakes/discordfake"
)

// The arguments whose kind depends on another reach their verbs from Discord's typed options
// through the one parser, as from text: remind snooze's duration, assess's answer (checked
// against its question), a clock's hours, the review's time and redact's entry. Through
// the real discordgo client and the fake.
func TestDiscordTypedDependentArguments(t *testing.T) {
	h := newDiscordE2E(t)
	ch := h.declarePhishing()
	if r := h.incident(dAlice, ch, "note", discordfake.StringOption("text", "the admin password is hunter2")); !strings.Contains(r, "Noted") {
		t.Fatalf("note: %q", r)
	}
	for _, tc := range []struct {
		more bool
		sub  string
		opts []discordfake.CommandOption
		want string
	}{
		{true, "remind-snooze", []discordfake.CommandOption{discordfake.StringOption("duration", "2w")}, "A snooze is at most 1w"},
		{true, "remind-snooze", []discordfake.CommandOption{discordfake.StringOption("duration", "2 hours")}, "snoozed until"},
		{true, "assess", []discordfake.CommandOption{discordfake.StringOption("question", "material"), discordfake.StringOption("answer", "suspected")}, "Answer material with one of: yes, no."},
		{true, "assess", []discordfake.CommandOption{discordfake.StringOption("question", "malicious"), discordfake.StringOption("answer", "suspected")}, "Assessment malicious: suspected"},
		{true, "clock", []discordfake.CommandOption{discordfake.StringOption("clock", "dpa"), discordfake.StringOption("hours", "0")}, "is not a number of hours"},
		{true, "clock", []discordfake.CommandOption{discordfake.StringOption("clock", "dpa"), discordfake.StringOption("hours", "36.5")}, "dpa clock started"},
		{true, "review", []discordfake.CommandOption{discordfake.StringOption("when", "soon")}, `"soon" is not a time warroom can read`},
		{true, "review", []discordfake.CommandOption{discordfake.StringOption("when", "in 3d")}, "Lessons-learned review of INC-1 set for"},
		{false, "redact", []discordfake.CommandOption{discordfake.StringOption("entry", "0"), discordfake.StringOption("reason", "pasted")}, `"0" is not an entry number`},
		{false, "redact", []discordfake.CommandOption{discordfake.StringOption("entry", "last"), discordfake.StringOption("reason", "pasted a password")}, "redacted"},
	} {
		run := h.incident
		if tc.more {
			run = h.more
		}
		if r := run(dAlice, ch, tc.sub, tc.opts...); !strings.Contains(r, tc.want) {
			t.Errorf("%s %+v: %q, want …%s…", tc.sub, tc.opts, r, tc.want)
		}
	}
}
