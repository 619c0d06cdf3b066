package slack

import (
	"context"
	"testing"
)

// A declaration's second setting of the same topic (its card refresh, right after the
// creation set it) is not sent; any later one is, and so is a different topic.
func TestTopicSetByCreationIsNotSentAgain(t *testing.T) {
	ta := newTestAdapter(t, nil)
	ctx := context.Background()
	calls := func() int { return ta.fake.Calls("conversations.setTopic") }
	ch, err := ta.CreateChannel(ctx, "inc-5-phishing", true, "Phishing · sev3 medium")
	if err != nil {
		t.Fatal(err)
	}
	if n := calls(); n != 1 {
		t.Fatalf("the creation set the topic with %d calls, want 1", n)
	}
	if err := ta.SetTopic(ctx, ch.ID, "Phishing · sev3 medium"); err != nil {
		t.Fatal(err)
	}
	if n := calls(); n != 1 {
		t.Fatalf("the declaration's same topic again: %d calls, want still 1", n)
	}
	// Afterwards every SetTopic is sent: a person may have changed the topic meanwhile.
	if err := ta.SetTopic(ctx, ch.ID, "Phishing · sev3 medium"); err != nil {
		t.Fatal(err)
	}
	other, err := ta.CreateChannel(ctx, "inc-6-ddos", true, "DDoS · sev2 high")
	if err != nil {
		t.Fatal(err)
	}
	if err := ta.SetTopic(ctx, other.ID, "DDoS · sev1 critical"); err != nil {
		t.Fatal(err)
	}
	if n := calls(); n != 4 {
		t.Fatalf("%d setTopic calls, want 4 (creation, re-assertion, creation, a new topic)", n)
	}
	if got, _ := ta.fake.Channel(other.ID); got.Topic != "DDoS · sev1 critical" {
		t.Fatalf("topic %q", got.Topic)
	}
}
