package slackfake_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/slack-go/slack"
)

// A lost answer: the call takes effect, the client sees a 500 or a dropped connection.
func TestLoseAnswersAppliesTheCall(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()
	ch := fake.AddChannel("ops", false, fake.BotUserID())

	fake.LoseAnswers("chat.postMessage", 2)
	_, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("first", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != 500 {
		t.Fatalf("first lost answer: want HTTP 500, got %v", err)
	}
	_, _, err = api.PostMessageContext(ctx, ch, slack.MsgOptionText("second", false))
	if err == nil || errors.As(err, &sc) {
		t.Fatalf("second lost answer: want a transport error (dropped connection), got %v", err)
	}
	if _, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("third", false)); err != nil {
		t.Fatalf("after the budget: %v", err)
	}
	var texts []string
	for _, m := range fake.Messages(ch) {
		texts = append(texts, m.Text)
	}
	if len(texts) != 3 {
		t.Fatalf("messages %q: every call took effect, lost answer or not", texts)
	}
	if n := fake.LostAnswers("chat.postMessage"); n != 2 {
		t.Fatalf("LostAnswers = %d", n)
	}
	if n := fake.SuccessfulCalls("chat.postMessage"); n != 1 {
		t.Fatalf("SuccessfulCalls = %d: a lost answer is not a success", n)
	}

	// A lost conversations.create still creates the channel.
	fake.LoseAnswers("conversations.create", 1)
	if _, err := api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: "inc-9"}); err == nil {
		t.Fatal("lost answer reported success")
	}
	if _, ok := fake.ChannelByName("inc-9"); !ok {
		t.Fatal("the channel was not created")
	}
	if _, err := api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: "inc-9"}); err == nil || err.Error() != "name_taken" {
		t.Fatalf("second create: %v", err)
	}
}

func TestLoseSomeAnswersIsSeeded(t *testing.T) {
	lostOf := func() []bool {
		fake, api := newFake(t)
		fake.LoseSomeAnswers("auth.test", 0.5, 7)
		var out []bool
		for range 40 {
			_, err := api.AuthTestContext(context.Background())
			out = append(out, err != nil)
		}
		return out
	}
	a, b := lostOf(), lostOf()
	lost := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("the same seed lost different calls: %v vs %v", a, b)
		}
		if a[i] {
			lost++
		}
	}
	if lost < 8 || lost > 32 {
		t.Fatalf("%d of 40 lost at fraction 0.5", lost)
	}
}

// Message metadata is stored as posted and returned by conversations.history only with
// include_all_metadata, as Slack does; malformed metadata is refused.
func TestMessageMetadata(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()
	ch := fake.AddChannel("ops", false, fake.BotUserID())
	meta := slack.SlackMetadata{EventType: "warroom_outbox", EventPayload: map[string]any{"id": "17"}}
	_, ts, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("tagged", false), slack.MsgOptionMetadata(meta))
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := fake.Message(ch, ts)
	var got slack.SlackMetadata
	if err := json.Unmarshal(stored.Metadata, &got); err != nil || got.EventType != "warroom_outbox" || got.EventPayload["id"] != "17" {
		t.Fatalf("stored metadata %s (%v)", stored.Metadata, err)
	}
	for _, all := range []bool{false, true} {
		res, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch, IncludeAllMetadata: all})
		if err != nil || len(res.Messages) != 1 {
			t.Fatalf("history: %v %+v", err, res)
		}
		if m := res.Messages[0].Metadata; (m.EventType != "") != all {
			t.Fatalf("include_all_metadata=%v returned metadata %+v", all, m)
		}
	}
	for _, bad := range []struct{ meta, code string }{
		{`{"event_type":`, "invalid_metadata_format"},
		{`{"event_payload":{"id":"1"}}`, "invalid_metadata_schema"},
		{`{"event_type":"x","event_payload":"flat"}`, "invalid_metadata_schema"},
	} {
		res, err := http.PostForm(fake.APIURL()+"chat.postMessage", url.Values{"token": {fake.BotToken()},
			"channel": {ch}, "text": {"x"}, "metadata": {bad.meta}})
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Error string }
		_ = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if body.Error != bad.code {
			t.Errorf("metadata %s answered %q, want %s", bad.meta, body.Error, bad.code)
		}
	}
	if n := len(fake.Messages(ch)); n != 1 {
		t.Fatalf("%d messages: a refused post was stored", n)
	}
}

func TestSetPurpose(t *testing.T) {
	fake, api := newFake(t)
	ch := fake.AddChannel("ops", true, fake.BotUserID())
	got, err := api.SetPurposeOfConversationContext(context.Background(), ch, "war room")
	if err != nil || got.Purpose.Value != "war room" || got.Purpose.Creator != fake.BotUserID() {
		t.Fatalf("setPurpose: %v %+v", err, got)
	}
	if c, _ := fake.Channel(ch); c.Purpose != "war room" {
		t.Fatalf("fake purpose %q", c.Purpose)
	}
}
