package commands

// warroom's own command hints are command segments wherever they are put together, so each
// adapter names the command a person types there (on Discord, /incident-more summary): the
// card's "Still to record" line and the refusal of a verb used outside an incident channel
// were built as strings and passed on as words.

import (
	"slices"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/console"
)

func hasCommand(t bot.Text, verb string) bool {
	return slices.ContainsFunc(t, func(s bot.Segment) bool { return s.Kind == bot.SegCommand && s.Command == "incident" && s.Text == verb })
}

func TestCardAsksForFactsWithCommands(t *testing.T) {
	card := factCardLines(bot.Facts{TLP: bot.TLPAmber})
	for _, verb := range []string{"summary", "detected", "impact", "rootcause"} {
		if !hasCommand(card, verb) {
			t.Errorf("the card's hint for %s is not a command:\n%#v", verb, card)
		}
	}
}

func TestOutsideAChannelRefusalNamesCommands(t *testing.T) {
	h := newHarness(t)
	h.declare("alice", "Phishing wave sev2")
	r := h.eng.HandleCommand(h.ctx, bot.Command{Source: h.source(console.Name, "alice", "general"), Name: "incident", Text: "summary the mail was a test"})
	if got := r.Text.String(); got != "/incident summary works in an incident's channel. Open incidents: #inc-1-phishing-wave." {
		t.Errorf("refusal %q", got)
	}
	if !hasCommand(r.Text, "summary") {
		t.Errorf("the refusal's /incident summary is not a command:\n%#v", r.Text)
	}
	h2 := newHarness(t)
	r = h2.eng.HandleCommand(h2.ctx, bot.Command{Source: h2.source(console.Name, "alice", "general"), Name: "incident", Text: "close"})
	if !hasCommand(r.Text, "declare") {
		t.Errorf("the refusal's /incident declare hint is not a command:\n%#v", r.Text)
	}
}

// A request nobody approved in time tells the channel how to ask again, as a command.
func TestExpiredRunHintIsACommand(t *testing.T) {
	h := newActionHarness(t)
	rec := recordSegments(h.harness)
	h.expireFirstRun()
	if msg := one(t, rec, "expired without enough approvals"); !hasCommand(msg, "run") {
		t.Errorf("the hint /incident run is not a command:\n%#v", msg)
	}
}
