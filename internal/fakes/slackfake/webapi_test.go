package slackfake_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func TestAuth(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()

	at := must(api.AuthTestContext(ctx))(t)
	if at.UserID != fake.BotUserID() || at.BotID != fake.BotID() || at.TeamID != fake.TeamID() {
		t.Fatalf("auth.test = %+v", at)
	}

	bad := slack.New("xoxb-wrong", slack.OptionAPIURL(fake.APIURL()))
	_, err := bad.AuthTestContext(ctx)
	wantSlackErr(t, err, "invalid_auth")

	// chat.getPermalink is a GET with a Bearer header: a wrong bearer fails too.
	_, err = bad.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: "C1", Ts: "1.1"})
	wantSlackErr(t, err, "invalid_auth")

	// The bot token does not open Socket Mode connections.
	botAsApp := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(fake.BotToken()))
	_, _, err = botAsApp.StartSocketModeContext(ctx)
	wantSlackErr(t, err, "invalid_auth")

	// An unmodelled method fails loudly with 404.
	var sce slack.StatusCodeError
	_, err = api.GetUserPresenceContext(ctx, "U1")
	if !errors.As(err, &sce) || sce.Code != 404 {
		t.Fatalf("unknown method error = %v", err)
	}
}

func TestCreatePrivateChannelAndNameRules(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()

	ch := must(api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: "inc-42-db-down", IsPrivate: true}))(t)
	if !ch.IsPrivate || ch.Name != "inc-42-db-down" || !strings.HasPrefix(ch.ID, "C") || !ch.IsMember {
		t.Fatalf("created channel = %+v", ch)
	}
	got, ok := fake.ChannelByName("inc-42-db-down")
	if !ok || !got.IsPrivate || got.Creator != fake.BotUserID() || len(got.Members) != 1 || got.Members[0] != fake.BotUserID() {
		t.Fatalf("fake state = %+v", got)
	}
	info := must(api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: ch.ID}))(t)
	if !info.IsPrivate || info.Name != ch.Name {
		t.Fatalf("conversations.info = %+v", info)
	}

	_, err := api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: "inc-42-db-down"})
	wantSlackErr(t, err, "name_taken")
	for name, code := range map[string]string{
		"":                      "invalid_name_required",
		"Inc-Upper":             "invalid_name_specials",
		"has space":             "invalid_name_specials",
		"dot.ted":               "invalid_name_specials",
		"---":                   "invalid_name_punctuation",
		strings.Repeat("a", 81): "invalid_name_maxlength",
	} {
		_, err := api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: name})
		wantSlackErr(t, err, code)
	}
	if _, err := api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: strings.Repeat("a", 80)}); err != nil {
		t.Fatalf("80-char name: %v", err)
	}
}

func TestInviteKickTopicArchive(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()
	fake.AddUser("U1", "alice")
	fake.AddUser("U2", "bob")
	ch := must(api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: "inc-1", IsPrivate: true}))(t)

	must(api.InviteUsersToConversationContext(ctx, ch.ID, "U1", "U2"))(t)
	if m := fake.Members(ch.ID); strings.Join(m, ",") != fake.BotUserID()+",U1,U2" {
		t.Fatalf("members = %v", m)
	}
	_, err := api.InviteUsersToConversationContext(ctx, ch.ID, "U1")
	wantSlackErr(t, err, "already_in_channel")
	var ser slack.SlackErrorResponse
	if !errors.As(err, &ser) || len(ser.Errors) != 1 || ser.Errors[0].ConversationsInviteResponseError == nil ||
		ser.Errors[0].ConversationsInviteResponseError.User != "U1" {
		t.Fatalf("per-user errors = %+v", ser.Errors)
	}
	_, err = api.InviteUsersToConversationContext(ctx, ch.ID, "U404")
	wantSlackErr(t, err, "user_not_found")
	_, err = api.InviteUsersToConversationContext(ctx, "C404", "U1")
	wantSlackErr(t, err, "channel_not_found")

	if err := api.KickUserFromConversationContext(ctx, ch.ID, "U2"); err != nil {
		t.Fatalf("kick: %v", err)
	}
	members, _, err := api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: ch.ID})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(members, ",") != fake.BotUserID()+",U1" {
		t.Fatalf("conversations.members = %v", members)
	}
	wantSlackErr(t, api.KickUserFromConversationContext(ctx, ch.ID, "U2"), "not_in_channel")

	must(api.SetTopicOfConversationContext(ctx, ch.ID, "SEV1: db down"))(t)
	if got := fake.Topic(ch.ID); got != "SEV1: db down" {
		t.Fatalf("topic = %q", got)
	}

	if err := api.ArchiveConversationContext(ctx, ch.ID); err != nil {
		t.Fatalf("archive: %v", err)
	}
	wantSlackErr(t, api.ArchiveConversationContext(ctx, ch.ID), "already_archived")
	_, _, err = api.PostMessageContext(ctx, ch.ID, slack.MsgOptionText("late", false))
	wantSlackErr(t, err, "is_archived")
}

func TestPostUpdateHistoryPermalink(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()
	fake.AddUser("U1", "alice")
	ch := fake.AddChannel("ops", false, fake.BotUserID(), "U1")

	blocks := slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "*SEV1*", false, false), nil, nil))
	var tss []string
	for i := range 3 {
		_, ts, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("msg "+string(rune('a'+i)), false), blocks)
		if err != nil {
			t.Fatal(err)
		}
		tss = append(tss, ts)
	}
	for i := 1; i < len(tss); i++ {
		if !(tss[i-1] < tss[i]) || len(tss[i]) != len("1700000000.000100") {
			t.Fatalf("ts not increasing/realistic: %v", tss)
		}
	}
	msgs := fake.Messages(ch)
	if len(msgs) != 3 || msgs[0].User != fake.BotUserID() || msgs[0].BotID != fake.BotID() || msgs[2].Text != "msg c" {
		t.Fatalf("messages = %+v", msgs)
	}
	var decoded []map[string]any
	if err := json.Unmarshal(msgs[0].Blocks, &decoded); err != nil || decoded[0]["type"] != "section" {
		t.Fatalf("blocks = %s (%v)", msgs[0].Blocks, err)
	}

	// A human message in between, then read it back by ts the way a bot
	// reads a reacted message.
	human := fake.PostAsUser(ch, "U1", "the db is on fire")
	_, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("after", false))
	if err != nil {
		t.Fatal(err)
	}
	h := must(api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: ch, Latest: human, Oldest: human, Inclusive: true, Limit: 1,
	}))(t)
	if len(h.Messages) != 1 || h.Messages[0].Timestamp != human || h.Messages[0].User != "U1" || h.Messages[0].Text != "the db is on fire" {
		t.Fatalf("history by ts = %+v", h.Messages)
	}
	h = must(api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch, Latest: human, Inclusive: true, Limit: 1}))(t)
	if len(h.Messages) != 1 || h.Messages[0].Timestamp != human || !h.HasMore {
		t.Fatalf("history latest+limit = %+v has_more=%v", h.Messages, h.HasMore)
	}

	// chat.update marks the message edited and keeps omitted blocks.
	_, _, _, err = api.UpdateMessageContext(ctx, ch, tss[0], slack.MsgOptionText("resolved", false))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := fake.Message(ch, tss[0])
	if !m.Edited || m.Text != "resolved" || len(m.Blocks) == 0 {
		t.Fatalf("updated = %+v", m)
	}
	_, _, _, err = api.UpdateMessageContext(ctx, ch, human, slack.MsgOptionText("nope", false))
	wantSlackErr(t, err, "cant_update_message")

	link, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: ch, Ts: tss[1]})
	if err != nil || link != "https://fake.slack.com/archives/"+ch+"/p"+strings.Replace(tss[1], ".", "", 1) {
		t.Fatalf("permalink = %q, %v", link, err)
	}

	if err := api.AddPinContext(ctx, ch, slack.NewRefToMessage(ch, tss[0])); err != nil {
		t.Fatal(err)
	}
	wantSlackErr(t, api.AddPinContext(ctx, ch, slack.NewRefToMessage(ch, tss[0])), "already_pinned")
	if p := fake.Pins(ch); len(p) != 1 || p[0] != tss[0] {
		t.Fatalf("pins = %v", p)
	}
	if err := api.AddReactionContext(ctx, "eyes", slack.NewRefToMessage(ch, human)); err != nil {
		t.Fatal(err)
	}
	wantSlackErr(t, api.AddReactionContext(ctx, "eyes", slack.NewRefToMessage(ch, human)), "already_reacted")
	if m, _ := fake.Message(ch, human); len(m.Reactions) != 1 || m.Reactions[0].Name != "eyes" {
		t.Fatalf("reactions = %+v", m.Reactions)
	}

	if _, err := api.PostEphemeralContext(ctx, ch, "U1", slack.MsgOptionText("only you", false)); err != nil {
		t.Fatal(err)
	}
	if e := fake.Ephemerals(); len(e) != 1 || e[0].User != "U1" || e[0].Text != "only you" {
		t.Fatalf("ephemerals = %+v", e)
	}
	if c := fake.Calls("chat.postMessage"); c != 4 {
		t.Fatalf("chat.postMessage calls = %d", c)
	}
}

func TestThreadRepliesNotInHistory(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()
	fake.AddUser("U1", "alice")
	ch := fake.AddChannel("ops", false, fake.BotUserID(), "U1")
	parent := fake.PostAsUser(ch, "U1", "parent")
	_, reply, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("in thread", false), slack.MsgOptionTS(parent))
	if err != nil {
		t.Fatal(err)
	}
	h := must(api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch, Latest: reply, Inclusive: true, Limit: 1}))(t)
	if len(h.Messages) != 1 || h.Messages[0].Timestamp != parent || h.Messages[0].ReplyCount != 1 {
		t.Fatalf("history should skip the reply: %+v", h.Messages)
	}
	msgs, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: ch, Timestamp: parent})
	if err != nil || len(msgs) != 2 || msgs[1].Timestamp != reply {
		t.Fatalf("replies = %+v, %v", msgs, err)
	}
}

func TestPrivateChannelVisibilityAndDMs(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()
	fake.AddUser("U1", "alice")
	secret := fake.AddChannel("secret", true, "U1")

	_, _, err := api.PostMessageContext(ctx, secret, slack.MsgOptionText("hi", false))
	wantSlackErr(t, err, "not_in_channel")
	_, err = api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: secret})
	wantSlackErr(t, err, "channel_not_found")

	dm, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil || !strings.HasPrefix(dm.ID, "D") {
		t.Fatalf("open = %+v, %v", dm, err)
	}
	again, noOp, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil || again.ID != dm.ID || !noOp {
		t.Fatalf("reopen = %+v noOp=%v, %v", again, noOp, err)
	}
	if _, _, err := api.PostMessageContext(ctx, dm.ID, slack.MsgOptionText("psst", false)); err != nil {
		t.Fatal(err)
	}
	if m := fake.Messages(dm.ID); len(m) != 1 || m[0].Text != "psst" {
		t.Fatalf("dm messages = %+v", m)
	}
	u := must(api.GetUserInfoContext(ctx, "U1"))(t)
	if u.Name != "alice" {
		t.Fatalf("users.info = %+v", u)
	}
	_, err = api.GetUserInfoContext(ctx, "U404")
	wantSlackErr(t, err, "user_not_found")
}

func TestWaitForWakesOnChange(t *testing.T) {
	fake, api := newFake(t)
	ch := fake.AddChannel("ops", false, fake.BotUserID())
	go func() { _, _, _ = api.PostMessage(ch, slack.MsgOptionText("async", false)) }()
	if !fake.WaitFor(func() bool { return len(fake.Messages(ch)) == 1 }, waitTimeout) {
		t.Fatal("message never arrived")
	}
}
