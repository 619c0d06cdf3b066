package main

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// ❌ on Slack: the README promises that a commander, scribe or lead redacts a pinned message's
// entry with ❌ on Slack as on Discord and the console. The adapter used to drop the reaction
// before the engine saw it (x was not among the emoji it forwards).
func TestSlackRedactByReaction(t *testing.T) {
	h := newSlackE2E(t, e2eOptions{transport: socketMode})
	ch := h.declare("Leaked key")
	ts := h.fake.PostAsUser(ch, uAlice, "the key is in ticket 4711, do not share")
	h.react(slackfake.ReactionAdded{User: uAlice, Reaction: "pushpin", Channel: ch, TS: ts})
	h.awaitHandled("reaction", 1)
	h.react(slackfake.ReactionAdded{User: uAlice, Reaction: "x", Channel: ch, TS: ts})
	h.awaitHandled("reaction", 1)
	h.deliver(time.Minute)
	redacted := false
	for _, e := range h.timeline(1) {
		if e.Kind == bot.KindPin {
			redacted = e.Redacted && !strings.Contains(e.Text, "4711")
		}
	}
	if !redacted {
		t.Fatal("❌ on the pinned message did not redact its entry")
	}
}
