package main

import "testing"

// A Slack phase ends when its pins are confirmed: a line each, or the count of a repeated
// line; other answers confirm nothing.
func TestPinConfirmationsCountsJoinedLines(t *testing.T) {
	for _, c := range []struct {
		text string
		want int
	}{
		{"Added to the INC-1 timeline (pinned by alice).", 1},
		{"Added to the INC-1 timeline (pinned by alice). (×12)", 12},
		{"Added to the INC-1 timeline (pinned by alice). (×3)\nYou are not a member of INC-1.\nAdded to the INC-1 timeline (pinned by alice).", 4},
		{"warroom could not read that message, so it was not added to the timeline.", 0},
	} {
		if got := pinConfirmations(c.text); got != c.want {
			t.Errorf("pinConfirmations(%q) = %d, want %d", c.text, got, c.want)
		}
	}
}
