package slackfake_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

func slackCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// A call outside the token's scopes answers missing_scope and changes nothing; the scope a
// permitted call needed is reported by UsedScopes.
func TestScopes(t *testing.T) {
	fake, api := newFake(t, slackfake.WithScopes("chat:write", "groups:write"))
	ctx := context.Background()
	if _, err := api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: "pub"}); slackCode(err) != "missing_scope" {
		t.Fatalf("public create without channels:manage: %v", err)
	}
	if _, ok := fake.ChannelByName("pub"); ok {
		t.Fatal("a refused call created the channel")
	}
	ch, err := api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: "priv", IsPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessageContext(ctx, ch.ID, slack.MsgOptionText("hi", false)); err != nil {
		t.Fatal(err)
	}
	if _, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch.ID}); slackCode(err) != "missing_scope" {
		t.Fatalf("history without groups:history: %v", err)
	}
	if got := strings.Join(fake.UsedScopes(), " "); got != "chat:write groups:write" {
		t.Fatalf("used scopes %q", got)
	}
}

// Posting in a public channel the bot has not joined needs chat:write.public.
func TestNotInChannelWithoutWritePublic(t *testing.T) {
	fake, api := newFake(t, slackfake.WithScopes("chat:write"))
	fake.AddUser("U1", "alice")
	ch := fake.AddChannel("general", false, "U1")
	if _, _, err := api.PostMessageContext(context.Background(), ch, slack.MsgOptionText("hi", false)); slackCode(err) != "not_in_channel" {
		t.Fatalf("post in an unjoined public channel: %v", err)
	}
	fake2, api2 := newFake(t, slackfake.WithScopes("chat:write", "chat:write.public"))
	fake2.AddUser("U1", "alice")
	ch2 := fake2.AddChannel("general", false, "U1")
	if _, _, err := api2.PostMessageContext(context.Background(), ch2, slack.MsgOptionText("hi", false)); err != nil {
		t.Fatalf("with chat:write.public: %v", err)
	}
}

// Block Kit limits: a section's text at most 3,000 characters, a header's 150, 50 blocks.
func TestBlockKitLimits(t *testing.T) {
	fake, api := newFake(t)
	ch := fake.AddChannel("ops", false, fake.BotUserID())
	section := func(n int) slack.Block {
		return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("x", n), false, false), nil, nil)
	}
	header := func(n int) slack.Block {
		return slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("h", n), false, false))
	}
	many := make([]slack.Block, 51)
	for i := range many {
		many[i] = section(1)
	}
	for _, tc := range []struct {
		name   string
		blocks []slack.Block
		ok     bool
	}{
		{"section of 3,000", []slack.Block{section(3000)}, true},
		{"section of 3,001", []slack.Block{section(3001)}, false},
		{"header of 150", []slack.Block{header(150)}, true},
		{"header of 151", []slack.Block{header(151)}, false},
		{"50 blocks", many[:50], true},
		{"51 blocks", many, false},
	} {
		_, _, err := api.PostMessageContext(context.Background(), ch, slack.MsgOptionText("fallback", false), slack.MsgOptionBlocks(tc.blocks...))
		if tc.ok && err != nil || !tc.ok && slackCode(err) != "invalid_blocks" {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
