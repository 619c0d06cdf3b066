package slack

import (
	"context"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// After a lost answer the channel is adopted only if it is this operation's own: created by
// the bot, not archived, purpose empty (the lost attempt never set it) or this row's mark.
func TestCreateChannelAdoptsOnlyItsOwn(t *testing.T) {
	ta := newTestAdapter(t, nil)
	retry := bot.WithDelivery(context.Background(), bot.Delivery{Key: "41", MaybeDone: true})

	// Someone else's channel with the name: never adopted.
	ta.fake.AddUser("U0ALICE", "alice")
	ta.fake.AddChannel("inc-1-theirs", false, "U0ALICE")
	ch, err := ta.CreateChannel(retry, "inc-1-theirs", true, "")
	if err != nil || ch.Name != "inc-1-theirs-2" {
		t.Fatalf("a foreign channel: %+v %v", ch, err)
	}
	if c, _ := ta.fake.Channel(ch.ID); c.Purpose != channelPurpose("41") {
		t.Fatalf("purpose %q, want the row's mark", c.Purpose)
	}

	// The bot's own channel from a lost attempt (no purpose yet): adopted on a retry.
	ta.fake.LoseAnswers("conversations.create", 1)
	first := bot.WithDelivery(context.Background(), bot.Delivery{Key: "42"})
	if _, err := ta.CreateChannel(first, "inc-2-lost", true, "Lost · sev2"); err == nil {
		t.Fatal("the lost answer was reported as success")
	}
	again := bot.WithDelivery(context.Background(), bot.Delivery{Key: "42", MaybeDone: true})
	ch, err = ta.CreateChannel(again, "inc-2-lost", true, "Lost · sev2")
	if err != nil || ch.Name != "inc-2-lost" {
		t.Fatalf("retry after the lost answer: %+v %v", ch, err)
	}
	if c, _ := ta.fake.Channel(ch.ID); c.Purpose != channelPurpose("42") || c.Topic != "Lost · sev2" {
		t.Fatalf("adopted channel %+v", c)
	}
	for _, c := range ta.fake.Channels() {
		if strings.HasPrefix(c.Name, "inc-2-lost-") {
			t.Fatalf("a twin was opened: %s", c.Name)
		}
	}

	// A channel the bot made for another row (its mark differs): not adopted, even on a retry.
	ch, err = ta.CreateChannel(bot.WithDelivery(context.Background(), bot.Delivery{Key: "43", MaybeDone: true}), "inc-2-lost", true, "")
	if err != nil || ch.Name != "inc-2-lost-2" {
		t.Fatalf("another row's channel: %+v %v", ch, err)
	}
	// The bot's channel with an empty purpose, but no earlier attempt may have landed: -2.
	ta.fake.AddChannel("inc-4-old", true, ta.fake.BotUserID())
	ch, err = ta.CreateChannel(bot.WithDelivery(context.Background(), bot.Delivery{Key: "44"}), "inc-4-old", true, "")
	if err != nil || ch.Name != "inc-4-old-2" {
		t.Fatalf("a first attempt adopted an old channel: %+v %v", ch, err)
	}
}

// A post whose answer was lost is found in the history by its metadata and recorded, not
// posted again; a first attempt never reads the history.
func TestPostAfterLostAnswerIsFoundNotRepeated(t *testing.T) {
	ta := newTestAdapter(t, nil)
	ch := ta.fake.AddChannel("inc-1-x", true, ta.fake.BotUserID())
	ta.fake.LoseAnswers("chat.postMessage", 1)
	if _, err := ta.Post(bot.WithDelivery(context.Background(), bot.Delivery{Key: "7"}), ch, bot.Message{Text: bot.Plain("hello")}); err == nil {
		t.Fatal("lost answer reported as success")
	}
	if n := ta.fake.CallCounts()["conversations.history"]; n != 0 {
		t.Fatalf("a first attempt read the history %d times", n)
	}
	ts, err := ta.Post(bot.WithDelivery(context.Background(), bot.Delivery{Key: "7", MaybeDone: true}), ch, bot.Message{Text: bot.Plain("hello")})
	if err != nil {
		t.Fatal(err)
	}
	msgs := ta.fake.Messages(ch)
	if len(msgs) != 1 || msgs[0].TS != ts {
		t.Fatalf("messages %+v, returned ts %s", msgs, ts)
	}
	// A different row with the same text is a different message.
	if _, err := ta.Post(bot.WithDelivery(context.Background(), bot.Delivery{Key: "8", MaybeDone: true}), ch, bot.Message{Text: bot.Plain("hello")}); err != nil {
		t.Fatal(err)
	}
	if n := len(ta.fake.Messages(ch)); n != 2 {
		t.Fatalf("%d messages, want 2", n)
	}
	// The lookup itself failing (answer lost) is a retry, never a blind post.
	ta.fake.LoseAnswers("conversations.history", 1)
	if _, err := ta.Post(bot.WithDelivery(context.Background(), bot.Delivery{Key: "9", MaybeDone: true}), ch, bot.Message{Text: bot.Plain("x")}); err == nil {
		t.Fatal("a failed lookup posted anyway")
	}
	if n := len(ta.fake.Messages(ch)); n != 2 {
		t.Fatalf("%d messages after a failed lookup", n)
	}
}
