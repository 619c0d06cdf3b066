package slackfake_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// smBot is a minimal Socket Mode consumer: it acks every request (slash
// commands with a payload) and forwards what it saw.
type smBot struct {
	slash    chan slack.SlashCommand
	reaction chan *slackevents.ReactionAddedEvent
	retries  chan int
	actions  chan slack.InteractionCallback
}

func startSocketMode(t *testing.T, fake *slackfake.Server) *smBot {
	t.Helper()
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(fake.AppToken()))
	// The fake pings every 100 ms in these tests, so 2 s leaves ample margin
	// while keeping a dead link from lingering for the default 30 s.
	sm := socketmode.New(api, socketmode.OptionPingInterval(2*time.Second))
	bot := &smBot{
		slash:    make(chan slack.SlashCommand, 16),
		reaction: make(chan *slackevents.ReactionAddedEvent, 16),
		retries:  make(chan int, 16),
		actions:  make(chan slack.InteractionCallback, 16),
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	loopDone := make(chan struct{})
	go func() { defer close(runDone); _ = sm.RunContext(ctx) }()
	go func() {
		defer close(loopDone)
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-sm.Events:
				bot.handle(sm, ev)
			}
		}
	}()
	// Stop the client before the fake closes (cleanups run last-in first-out).
	t.Cleanup(func() { cancel(); <-runDone; <-loopDone })
	return bot
}

func (b *smBot) handle(sm *socketmode.Client, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeSlashCommand:
		cmd := ev.Data.(slack.SlashCommand)
		_ = sm.Ack(*ev.Request, map[string]any{"text": "ack: " + cmd.Text})
		b.slash <- cmd
	case socketmode.EventTypeEventsAPI:
		_ = sm.Ack(*ev.Request)
		outer := ev.Data.(slackevents.EventsAPIEvent)
		if r, ok := outer.InnerEvent.Data.(*slackevents.ReactionAddedEvent); ok {
			b.retries <- ev.Request.RetryAttempt
			b.reaction <- r
		}
	case socketmode.EventTypeInteractive:
		_ = sm.Ack(*ev.Request)
		b.actions <- ev.Data.(slack.InteractionCallback)
	}
}

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitTimeout):
		t.Fatal("timed out waiting for the Socket Mode client")
		panic("unreachable")
	}
}

func waitConnected(t *testing.T, fake *slackfake.Server, total int) {
	t.Helper()
	if !fake.WaitFor(func() bool { return fake.TotalConnections() >= total && fake.Connections() == 1 }, waitTimeout) {
		t.Fatalf("connections: open=%d total=%d, want total %d", fake.Connections(), fake.TotalConnections(), total)
	}
}

func TestSocketModeSlashEventInteraction(t *testing.T) {
	fake := slackfake.New(t, slackfake.WithPingInterval(100*time.Millisecond))
	fake.AddUser("U1", "alice")
	ch := fake.AddChannel("ops", false, fake.BotUserID(), "U1")
	bot := startSocketMode(t, fake)
	waitConnected(t, fake, 1)

	env := fake.SendSlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: "declare db down", ChannelID: ch, UserID: "U1"})
	cmd := recv(t, bot.slash)
	if cmd.Command != "/incident" || cmd.Text != "declare db down" || cmd.UserName != "alice" || cmd.ChannelName != "ops" || cmd.ResponseURL == "" {
		t.Fatalf("slash command = %+v", cmd)
	}
	ack, err := fake.WaitAck(env, waitTimeout)
	if err != nil {
		t.Fatal(err)
	}
	var payload struct{ Text string }
	if err := json.Unmarshal(ack.Payload, &payload); err != nil || payload.Text != "ack: declare db down" || !ack.Known || ack.Latency <= 0 {
		t.Fatalf("ack = %+v (%s)", ack, ack.Payload)
	}

	// The response_url the fake handed out records what the bot posts there.
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
	if _, _, err := api.PostMessage("", slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeEphemeral), slack.MsgOptionText("only you", false)); err != nil {
		t.Fatal(err)
	}
	if p := fake.ResponseURLPosts(); len(p) != 1 || p[0].InChannel() || p[0].Text != "only you" || p[0].Channel != ch {
		t.Fatalf("response_url posts = %+v", p)
	}

	ts := fake.PostAsUser(ch, "U1", "db is down")
	env, eventID := fake.SendReactionAdded(slackfake.ReactionAdded{User: "U1", Reaction: "rotating_light", Channel: ch, TS: ts})
	r := recv(t, bot.reaction)
	if r.Reaction != "rotating_light" || r.Item.Channel != ch || r.Item.Timestamp != ts || r.ItemUser != "U1" {
		t.Fatalf("reaction = %+v", r)
	}
	if _, err := fake.WaitAck(env, waitTimeout); err != nil {
		t.Fatal(err)
	}
	// Slack's redelivery of the same event: same event_id, retry_attempt 1.
	fake.SendReactionAdded(slackfake.ReactionAdded{User: "U1", Reaction: "rotating_light", Channel: ch, TS: ts, EventID: eventID, RetryAttempt: 1, RetryReason: "timeout"})
	if recv(t, bot.retries) != 0 || recv(t, bot.retries) != 1 {
		t.Fatal("retry_attempt not carried")
	}
	recv(t, bot.reaction)

	env = fake.SendBlockAction(slackfake.BlockAction{UserID: "U1", ChannelID: ch, MessageTS: ts, ActionID: "ack_incident", Value: "INC-1"})
	cb := recv(t, bot.actions)
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) != 1 ||
		cb.ActionCallback.BlockActions[0].ActionID != "ack_incident" || cb.ActionCallback.BlockActions[0].Value != "INC-1" ||
		cb.Container.ChannelID != ch || cb.Message.Timestamp != ts || cb.User.ID != "U1" {
		t.Fatalf("interaction = %+v", cb)
	}
	if _, err := fake.WaitAck(env, waitTimeout); err != nil {
		t.Fatal(err)
	}
	if !fake.WaitFor(func() bool { return fake.Pongs() > 0 }, waitTimeout) {
		t.Fatal("client never answered a PING")
	}
}

func TestSocketModeReconnects(t *testing.T) {
	fake := slackfake.New(t, slackfake.WithPingInterval(100*time.Millisecond))
	fake.AddUser("U1", "alice")
	ch := fake.AddChannel("ops", false, fake.BotUserID(), "U1")
	bot := startSocketMode(t, fake)
	waitConnected(t, fake, 1)

	if n := fake.Disconnect("refresh_requested"); n != 1 {
		t.Fatalf("Disconnect told %d sockets", n)
	}
	waitConnected(t, fake, 2)
	env := fake.SendSlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: "after refresh", ChannelID: ch, UserID: "U1"})
	recv(t, bot.slash)
	if _, err := fake.WaitAck(env, waitTimeout); err != nil {
		t.Fatal(err)
	}

	if n := fake.DropConnection(); n != 1 {
		t.Fatalf("DropConnection dropped %d", n)
	}
	waitConnected(t, fake, 3)
	env = fake.SendSlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: "after drop", ChannelID: ch, UserID: "U1"})
	if got := recv(t, bot.slash); got.Text != "after drop" {
		t.Fatalf("got %q", got.Text)
	}
	if _, err := fake.WaitAck(env, waitTimeout); err != nil {
		t.Fatal(err)
	}
}

func TestSocketModeQueuesWhileDisconnected(t *testing.T) {
	fake := slackfake.New(t, slackfake.WithPingInterval(100*time.Millisecond))
	fake.AddUser("U1", "alice")
	ch := fake.AddChannel("ops", false, fake.BotUserID(), "U1")
	bot := startSocketMode(t, fake)
	waitConnected(t, fake, 1)

	// The outage drops the socket and refuses reconnection, so the envelope
	// must wait in the queue.
	fake.Outage(true)
	env := fake.SendSlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: "queued", ChannelID: ch, UserID: "U1"})
	refused := func() bool { return fake.Calls("apps.connections.open") >= 2 }
	if !fake.WaitFor(refused, waitTimeout) {
		t.Fatal("client did not retry during the outage")
	}
	if fake.Connections() != 0 || fake.PendingEnvelopes() != 1 {
		t.Fatalf("during outage: open=%d pending=%d", fake.Connections(), fake.PendingEnvelopes())
	}

	fake.Outage(false)
	if got := recv(t, bot.slash); got.Text != "queued" {
		t.Fatalf("got %q", got.Text)
	}
	if _, err := fake.WaitAck(env, waitTimeout); err != nil {
		t.Fatal(err)
	}
	if e := fake.Envelopes(); len(e) != 1 || !e[0].Delivered || !e[0].Acked || e[0].ConnID != 2 {
		t.Fatalf("envelopes = %+v", e)
	}
}
