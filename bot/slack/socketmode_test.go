package slack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

func socketAdapter(t *testing.T, mutate func(*Config)) *testAdapter {
	t.Helper()
	ta := newTestAdapter(t, func(c *Config) {
		c.SigningSecret = ""
		c.AppToken = "xapp-fake-app-token"
		if mutate != nil {
			mutate(c)
		}
	})
	ta.run(t)
	if !ta.fake.WaitFor(func() bool { return ta.fake.Connections() == 1 }, waitTimeout) {
		t.Fatal("Socket Mode never connected")
	}
	return ta
}

func ackPayloadText(t *testing.T, a slackfake.Ack) (string, string) {
	t.Helper()
	var p struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if len(a.Payload) > 0 {
		if err := json.Unmarshal(a.Payload, &p); err != nil {
			t.Fatal(err)
		}
	}
	return p.ResponseType, p.Text
}

func TestSocketModeCommandAckCarriesReply(t *testing.T) {
	ta := socketAdapter(t, nil)
	ta.stub.reply = "Declared INC-1 & more"
	general := ta.fake.AddChannel("general", false, ta.fake.BotUserID())
	ta.fake.AddUser("U0ALICE", "alice")
	env := ta.fake.SendSlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: "declare a &lt;b&gt; <@U0BOB|bob>",
		ChannelID: general, UserID: "U0ALICE", TriggerID: "T123.456"})
	ack, err := ta.fake.WaitAck(env, waitTimeout)
	if err != nil {
		t.Fatal(err)
	}
	rt, text := ackPayloadText(t, ack)
	if rt != "ephemeral" || text != "Declared INC-1 &amp; more" {
		t.Fatalf("ack payload %s", ack.Payload)
	}
	ta.stub.await(t, "command")
	c := ta.stub.commands[0]
	if c.Name != "incident" || c.Text != "declare a <b> <@U0BOB>" || c.Platform != "slack" || c.Team != ta.fake.TeamID() ||
		c.Channel != general || c.User.ID != "U0ALICE" || c.User.Name != "alice" || c.DedupKey != "cmd:T123.456" {
		t.Fatalf("command %+v", c)
	}
}

func TestSocketModeSlowCommandAcksThenAnswersViaResponseURL(t *testing.T) {
	ta := socketAdapter(t, nil)
	ta.stub.release = make(chan struct{})
	ta.stub.reply = "done at last"
	ta.fake.AddUser("U0ALICE", "alice")
	general := ta.fake.AddChannel("general", false, ta.fake.BotUserID(), "U0ALICE")
	env := ta.fake.SendSlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: "status", ChannelID: general, UserID: "U0ALICE"})
	// The budget timer is the only waiter on the fake clock; run it out.
	if err := ta.clock.BlockUntilContext(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	ta.clock.Advance(ta.cfg.CommandBudget)
	ack, err := ta.fake.WaitAck(env, waitTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if _, text := ackPayloadText(t, ack); !strings.HasPrefix(text, "Working on it") {
		t.Fatalf("ack %s", ack.Payload)
	}
	close(ta.stub.release)
	if !ta.fake.WaitFor(func() bool { return len(ta.fake.ResponseURLPosts()) == 1 }, waitTimeout) {
		t.Fatal("no late answer")
	}
	if p := ta.fake.ResponseURLPosts()[0]; p.Text != "done at last" || p.InChannel() {
		t.Fatalf("late answer %+v", p)
	}
}

func TestSocketModeReactionFetchesMessage(t *testing.T) {
	ta := socketAdapter(t, nil)
	ta.stub.reply = "Declared INC-1"
	ta.fake.AddUser("U0ALICE", "alice")
	ta.fake.AddUser("U0BOB", "bob")
	general := ta.fake.AddChannel("general", false, ta.fake.BotUserID(), "U0ALICE", "U0BOB")
	ts := ta.fake.PostAsUser(general, "U0BOB", "Mail from <http://evil.example|evil.example> &amp; friends\nsecond line")
	reply := ta.fake.ReplyAsUser(general, ts, "U0BOB", "in the thread")

	env, eventID := ta.fake.SendReactionAdded(slackfake.ReactionAdded{User: "U0ALICE", Reaction: "rotating_light", Channel: general, TS: ts})
	if _, err := ta.fake.WaitAck(env, waitTimeout); err != nil {
		t.Fatal(err)
	}
	ta.stub.await(t, "reaction")
	r := ta.stub.reactions[0]
	m := r.Message
	if r.Emoji != "rotating_light" || r.DedupKey != eventID || r.User.ID != "U0ALICE" || r.Channel != general || r.MessageID != ts || m == nil {
		t.Fatalf("reaction %+v", r)
	}
	if m.Text != "Mail from http://evil.example & friends\nsecond line" || m.Author.ID != "U0BOB" || !strings.Contains(m.Permalink, general) ||
		m.At.Unix() != tsTime(ts).Unix() {
		t.Fatalf("message %+v", m)
	}
	if !ta.fake.WaitFor(func() bool { return len(ta.fake.Ephemerals()) == 1 }, waitTimeout) {
		t.Fatal("no ephemeral reply")
	}
	if e := ta.fake.Ephemerals()[0]; e.User != "U0ALICE" || e.Channel != general || e.Text != "Declared INC-1" {
		t.Fatalf("reply %+v", e)
	}

	// A thread reply is not in conversations.history: found through replies.
	env, _ = ta.fake.SendReactionAdded(slackfake.ReactionAdded{User: "U0ALICE", Reaction: "pushpin", Channel: general, TS: reply})
	if _, err := ta.fake.WaitAck(env, waitTimeout); err != nil {
		t.Fatal(err)
	}
	ta.stub.await(t, "reaction")
	if m := ta.stub.reactions[1].Message; m == nil || m.Text != "in the thread" {
		t.Fatalf("thread reply %+v", m)
	}

	// Other emoji and the bot's own reactions are acknowledged and dropped.
	for _, ev := range []slackfake.ReactionAdded{
		{User: "U0ALICE", Reaction: "thumbsup", Channel: general, TS: ts},
		{User: ta.fake.BotUserID(), Reaction: "pushpin", Channel: general, TS: ts},
	} {
		env, _ := ta.fake.SendReactionAdded(ev)
		if _, err := ta.fake.WaitAck(env, waitTimeout); err != nil {
			t.Fatal(err)
		}
	}
	if n := ta.fake.Calls("conversations.history"); n != 2 {
		t.Fatalf("conversations.history called %d times, want 2", n)
	}
	if len(ta.stub.reactions) != 2 {
		t.Fatalf("%d reactions handled", len(ta.stub.reactions))
	}
}

func TestSocketModeBlockActionAndTeamFilter(t *testing.T) {
	ta := socketAdapter(t, func(c *Config) { c.TeamIDs = []string{"T0FAKE0001"} })
	ta.stub.reply = "You are analyst on INC-1."
	ta.fake.AddUser("U0ALICE", "alice")
	ch := ta.fake.AddChannel("inc-1-x", true, ta.fake.BotUserID(), "U0ALICE")
	env := ta.fake.SendBlockAction(slackfake.BlockAction{UserID: "U0ALICE", ChannelID: ch, MessageTS: "1700000000.000100",
		ActionID: "role.claim#2", Value: "1:analyst", TriggerID: "trig-1"})
	if _, err := ta.fake.WaitAck(env, waitTimeout); err != nil {
		t.Fatal(err)
	}
	ta.stub.await(t, "press")
	p := ta.stub.presses[0]
	if p.Action != "role.claim" || p.Value != "1:analyst" || p.Channel != ch || p.User.ID != "U0ALICE" || p.DedupKey != "press:trig-1" || p.MessageID != "1700000000.000100" {
		t.Fatalf("press %+v", p)
	}
	if !ta.fake.WaitFor(func() bool { return len(ta.fake.ResponseURLPosts()) == 1 }, waitTimeout) {
		t.Fatal("no reply")
	}

	// Another workspace: acknowledged, not handled.
	env = ta.fake.SendBlockAction(slackfake.BlockAction{UserID: "U0ALICE", ChannelID: ch, ActionID: "role.claim", Value: "1:scribe", TeamID: "T0OTHER"})
	env2 := ta.fake.SendSlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: "status", ChannelID: ch, UserID: "U0ALICE", TeamID: "T0OTHER"})
	env3, _ := ta.fake.SendReactionAdded(slackfake.ReactionAdded{User: "U0ALICE", Reaction: "pushpin", Channel: ch, TS: "1.1", TeamID: "T0OTHER"})
	for _, e := range []string{env, env2, env3} {
		ack, err := ta.fake.WaitAck(e, waitTimeout)
		if err != nil {
			t.Fatal(err)
		}
		if len(ack.Payload) != 0 {
			t.Fatalf("ignored request got an answer: %s", ack.Payload)
		}
	}
	if len(ta.stub.presses) != 1 || len(ta.stub.commands) != 0 || ta.fake.Calls("conversations.history") != 0 {
		t.Fatalf("other workspace handled: %d presses %d commands", len(ta.stub.presses), len(ta.stub.commands))
	}
}

func TestSocketModeAcksEventsItDoesNotModel(t *testing.T) {
	ta := socketAdapter(t, nil)
	body, _ := ta.fake.EventCallback(map[string]any{"type": "something_new", "event_ts": "1.2"}, "")
	env := ta.fake.SendEvent(body, 0, "")
	if _, err := ta.fake.WaitAck(env, waitTimeout); err != nil {
		t.Fatal(err)
	}
}

func TestReactionInDMIsPassedOnWithoutReading(t *testing.T) {
	ta := socketAdapter(t, nil)
	env, _ := ta.fake.SendReactionAdded(slackfake.ReactionAdded{User: "U0ALICE", Reaction: "white_check_mark", Channel: "D00000042", TS: "1700000000.000100"})
	if _, err := ta.fake.WaitAck(env, waitTimeout); err != nil {
		t.Fatal(err)
	}
	ta.stub.await(t, "reaction")
	if r := ta.stub.reactions[0]; r.Emoji != "white_check_mark" || r.MessageID != "1700000000.000100" || r.Message != nil {
		t.Fatalf("reaction %+v", r)
	}
	if ta.fake.Calls("conversations.history") != 0 {
		t.Fatal("read a DM")
	}
}
