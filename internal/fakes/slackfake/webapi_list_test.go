package slackfake_test

import (
	"context"
	"testing"

	"github.com/slack-go/slack"
)

func TestConversationsListVisibilityAndPaging(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()
	fake.AddUser("U0ALICE", "alice")
	pub := fake.AddChannel("security-status", false, "U0ALICE")
	fake.AddChannel("hidden", true, "U0ALICE")
	mine := fake.AddChannel("ours", true, "U0ALICE", fake.BotUserID())
	fake.AddChannel("general", false)

	chans, next := must2(api.GetConversationsContext(ctx, &slack.GetConversationsParameters{Types: []string{"public_channel"}, Limit: 1}))(t)
	if len(chans) != 1 || chans[0].ID != pub || chans[0].Name != "security-status" || next == "" {
		t.Fatalf("page 1 = %+v next %q", chans, next)
	}
	chans, next = must2(api.GetConversationsContext(ctx, &slack.GetConversationsParameters{Types: []string{"public_channel"}, Limit: 1, Cursor: next}))(t)
	if len(chans) != 1 || chans[0].Name != "general" || next != "" {
		t.Fatalf("page 2 = %+v next %q", chans, next)
	}
	// A private channel is listed only when the bot is in it.
	chans, _ = must2(api.GetConversationsContext(ctx, &slack.GetConversationsParameters{Types: []string{"private_channel"}}))(t)
	if len(chans) != 1 || chans[0].ID != mine {
		t.Fatalf("private = %+v", chans)
	}
	_, _, err := api.GetConversationsContext(ctx, &slack.GetConversationsParameters{Types: []string{"nonsense"}})
	wantSlackErr(t, err, "invalid_types")
}

func must2[A, B any](a A, b B, err error) func(*testing.T) (A, B) {
	return func(t *testing.T) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return a, b
	}
}
