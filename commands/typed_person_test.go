package commands

import (
	"slices"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/console"
)

// A person picked with a platform's user picker reaches the engine as that person (a user
// id in bot.Command.Users), not as mention text it reads again; an id that is mention
// text, or a person given as a typed word, is not taken as a person.
func TestTypedUsersArePersonsNotMentionText(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	typed := func(verb string, opts, users map[string]string) bot.Text {
		t.Helper()
		r := h.eng.HandleCommand(h.ctx, bot.Command{Source: h.source(console.Name, "alice", ch), Name: "incident", Typed: true, Verb: verb, Options: opts, Users: users})
		h.deliver()
		return r.Text
	}
	if r := typed("task add", map[string]string{"text": "call the vendor"}, map[string]string{"owner": "bob"}); !strings.Contains(r.String(), "Task 1 added") {
		t.Fatalf("typed owner: %s", r)
	}
	wantContains(t, "tasks", h.cmd("alice", ch, "tasks"), "call the vendor", "bob")
	for _, tc := range []struct {
		opts, users map[string]string
		want        string
	}{
		{map[string]string{"text": "x"}, map[string]string{"owner": "<@bob>"}, `"<@bob>" is not a user id.`},
		{map[string]string{"text": "x", "owner": "bob"}, nil, `"bob" is not a user: write @name or me`},
		{map[string]string{"text": "x"}, map[string]string{"text": "bob"}, `takes no person "text"`},
	} {
		if r := typed("task add", tc.opts, tc.users); !strings.Contains(r.String(), tc.want) {
			t.Errorf("%v %v: %s, want …%s…", tc.opts, tc.users, r, tc.want)
		}
	}
	// Someone warroom does not know is refused naming them as a person, for the platform to
	// show as its mention, not as the text "<@…>".
	r := typed("invite", nil, map[string]string{"user": "mallory"})
	if !strings.Contains(r.String(), "is not in warroom's roster") || !slices.Contains(r, bot.Who("mallory")) {
		t.Errorf("unknown person picked: %#v", r)
	}
}
