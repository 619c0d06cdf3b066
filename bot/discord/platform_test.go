package discord

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/discordfake"
)

// These tests drive the bot.Platform half of the adapter against the fake Discord through
// discordgo's REST client, without a gateway session (no Open, so no 1 s Close).

const (
	tGuild = "120000000000000001"
	tAlice = "220000000000000001"
	tBob   = "220000000000000002"
)

type nopHandler struct{}

func (nopHandler) HandleCommand(context.Context, bot.Command) bot.Reply   { return bot.Reply{} }
func (nopHandler) HandleReaction(context.Context, bot.Reaction) bot.Reply { return bot.Reply{} }
func (nopHandler) HandlePress(context.Context, bot.Press) bot.Reply       { return bot.Reply{} }

// restAdapter is an adapter wired to the fake's REST API as if the gateway had said READY.
func restAdapter(t *testing.T, fake *discordfake.Server, mod func(*Config)) *Adapter {
	t.Helper()
	cfg := Config{Token: discordfake.DefaultToken, GuildID: tGuild, Handler: nopHandler{}, Specs: sampleSpecs(), Transport: fake.Transport()}
	if mod != nil {
		mod(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.botID, a.appIDReady = fake.BotUserID(), fake.ApplicationID()
	return a
}

func newTestFake(t *testing.T) *discordfake.Server {
	fake := discordfake.New(t)
	fake.AddGuild(tGuild, "ops")
	fake.AddMember(tGuild, tAlice, "alice")
	fake.AddMember(tGuild, tBob, "bob")
	return fake
}

func TestChannelLifecycle(t *testing.T) {
	fake := newTestFake(t)
	a := restAdapter(t, fake, nil)
	ctx := context.Background()
	ch, err := a.CreateChannel(ctx, "inc-1-db-down", true, "DB down · sev1")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := fake.Channel(ch.ID)
	if p := fake.Permissions(ch.ID, tAlice); p != 0 {
		t.Fatalf("alice sees a private channel: %b", p)
	}
	if got.Topic != "DB down · sev1" {
		t.Errorf("topic %q", got.Topic)
	}
	// The same name and topic again (a retry whose first answer was lost) reuses it; another
	// incident's channel with a taken name gets a suffix.
	again, err := a.CreateChannel(ctx, "inc-1-db-down", true, "DB down · sev1")
	if err != nil || again.ID != ch.ID {
		t.Fatalf("retry made a twin: %v %v", again, err)
	}
	other, err := a.CreateChannel(ctx, "inc-1-db-down", true, "something else")
	if err != nil || other.Name != "inc-1-db-down-2" {
		t.Fatalf("taken name: %+v %v", other, err)
	}

	if err := a.Invite(ctx, ch.ID, []string{tAlice, a.botID}); err != nil {
		t.Fatal(err)
	}
	if p := fake.Permissions(ch.ID, tAlice); p&discordfake.PermSendMessages == 0 {
		t.Fatalf("invited alice cannot write: %b", p)
	}

	long := strings.Repeat("line of the phase guide\n", 200) // ~4,800 characters
	id, err := a.Post(ctx, ch.ID, bot.Message{Text: bot.Plain(long), Buttons: []bot.Button{{Action: "role.claim", Label: "I'm analyst", Value: "1:analyst"}}})
	if err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages(ch.ID)
	if len(msgs) != 3 || msgs[0].ID != id || msgs[2].Components == nil || msgs[0].Components != nil {
		t.Fatalf("long post: %d messages, first %s (want %s)", len(msgs), msgs[0].ID, id)
	}
	if err := a.Pin(ctx, ch.ID, id); err != nil {
		t.Fatal(err)
	}
	if err := a.Update(ctx, ch.ID, id, bot.Message{Text: bot.Plain(strings.Repeat("x", 2500))}); err != nil {
		t.Fatal(err)
	}
	if m, _ := fake.Message(id); len([]rune(m.Content)) != MaxContent {
		t.Errorf("edited card has %d characters", len([]rune(m.Content)))
	}
	if err := a.SetTopic(ctx, ch.ID, "DB down · sev1 · containment"); err != nil {
		t.Fatal(err)
	}
	edits := fake.RouteCount(discordfake.RouteEditChannel)
	if err := a.SetTopic(ctx, ch.ID, "DB down · sev1 · containment"); err != nil || fake.RouteCount(discordfake.RouteEditChannel) != edits {
		t.Errorf("an unchanged topic was sent again (%v)", err)
	}
	report := []byte("# INC-1 report\n")
	if err := a.Upload(ctx, ch.ID, bot.File{Name: "report-INC-1.md", Comment: bot.Textf("*Report* v1"), Data: report}); err != nil {
		t.Fatal(err)
	}
	msgs = fake.Messages(ch.ID)
	last := msgs[len(msgs)-1]
	if len(last.Attachments) != 1 || last.Attachments[0].Filename != "report-INC-1.md" || !bytes.Equal(last.Attachments[0].Data, report) ||
		last.Content != "**Report** v1" {
		t.Fatalf("upload: %+v", last)
	}

	if err := a.Remove(ctx, ch.ID, tAlice); err != nil {
		t.Fatal(err)
	}
	if p := fake.Permissions(ch.ID, tAlice); p != 0 {
		t.Fatalf("removed alice still sees the channel")
	}
	_ = a.Invite(ctx, ch.ID, []string{tAlice})
	if err := a.Archive(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = fake.Channel(ch.ID)
	parent, _ := fake.Channel(got.ParentID)
	if parent.Name != "Incidents archive" {
		t.Errorf("archived into %q", parent.Name)
	}
	if p := fake.Permissions(ch.ID, tAlice); p&discordfake.PermViewChannel == 0 || p&discordfake.PermSendMessages != 0 {
		t.Errorf("archived channel for alice: %b (want read-only)", p)
	}
	if p := fake.Permissions(ch.ID, tBob); p != 0 {
		t.Errorf("archiving opened the channel to bob")
	}
	if _, err := a.Post(ctx, ch.ID, bot.Message{Text: bot.Plain("closing note")}); err != nil {
		t.Errorf("the bot cannot post in the archived channel: %v", err)
	}
}

func TestAnnounceChannelByName(t *testing.T) {
	fake := newTestFake(t)
	status := fake.AddChannel(tGuild, "security-status", discordfake.ChannelText, "")
	a := restAdapter(t, fake, nil)
	if _, err := a.Post(context.Background(), "#security-status", bot.Message{Text: bot.Plain("INC-1 · sev2 · containment")}); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Messages(status)); n != 1 {
		t.Fatalf("%d messages", n)
	}
	_, err := a.Post(context.Background(), "#nowhere", bot.Message{Text: bot.Plain("x")})
	if !errors.Is(err, bot.ErrPermanent) || !strings.Contains(err.Error(), "#nowhere") {
		t.Fatalf("unknown announce channel: %v", err)
	}
}

// failNth fails the nth request whose path ends in /messages with a network error.
type failNth struct {
	base http.RoundTripper
	n    int32
	seen atomic.Int32
}

func (f *failNth) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages") && f.seen.Add(1) == f.n {
		return nil, errors.New("connection reset by peer")
	}
	return f.base.RoundTrip(r)
}

// A long message whose second part fails is retried without sending the first part again.
func TestPartialPostIsNotDoubled(t *testing.T) {
	fake := newTestFake(t)
	ch := fake.AddChannel(tGuild, "general", discordfake.ChannelText, "")
	rt := &failNth{base: fake.Transport(), n: 2}
	a := restAdapter(t, fake, func(c *Config) { c.Transport = rt })
	m := bot.Message{Text: bot.Plain(strings.Repeat("evidence line\n", 300))}
	_, err := a.Post(context.Background(), ch, m)
	if err == nil || errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("want a retryable error, got %v", err)
	}
	id, err := a.Post(context.Background(), ch, m)
	if err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages(ch)
	if len(msgs) != 3 || msgs[0].ID != id {
		t.Fatalf("%d messages after the retry, first %s (returned %s)", len(msgs), msgs[0].ID, id)
	}
}

func TestEphemeralUsesTheInteractionThenDM(t *testing.T) {
	fake := newTestFake(t)
	ch := fake.AddChannel(tGuild, "general", discordfake.ChannelText, "")
	a := restAdapter(t, fake, nil)
	ctx := context.Background()
	ref := fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: tGuild, ChannelID: ch, UserID: tAlice,
		Command: "incident", Options: []discordfake.CommandOption{discordfake.SubCommand("list")}})
	in := &discordgo.Interaction{ID: ref.ID, Token: ref.Token, AppID: fake.ApplicationID(), Type: discordgo.InteractionApplicationCommand}
	if err := a.acknowledge(ctx, in); err != nil {
		t.Fatal(err)
	}
	a.tokens.remember(ch, tAlice, in)
	if err := a.Ephemeral(ctx, ch, tAlice, bot.Message{Text: bot.Plain("only for alice")}); err != nil {
		t.Fatal(err)
	}
	fs := fake.Followups(ref.Token)
	if len(fs) != 1 || fs[0].Op != "create" || !fs[0].Ephemeral || fs[0].Content != "only for alice" {
		t.Fatalf("follow-ups %+v", fs)
	}
	// bob has no interaction here: a DM.
	if err := a.Ephemeral(ctx, ch, tBob, bot.Message{Text: bot.Plain("only for bob")}); err != nil {
		t.Fatal(err)
	}
	dm, ok := fake.DMChannel(tBob)
	if !ok || len(fake.Messages(dm.ID)) != 1 {
		t.Fatal("no DM to bob")
	}
	fake.BlockDMs(tBob, true)
	_, err := a.DM(ctx, tBob, bot.Message{Text: bot.Plain("again")})
	if !errors.Is(err, bot.ErrPermanent) || !strings.Contains(err.Error(), "does not accept direct messages") {
		t.Fatalf("blocked DM: %v", err)
	}
}

func TestRefusalsAreMapped(t *testing.T) {
	fake := newTestFake(t)
	ch := fake.AddChannel(tGuild, "general", discordfake.ChannelText, "")
	a := restAdapter(t, fake, nil)
	ctx := context.Background()
	fake.FailNext(discordfake.RouteCreateMessage, 1, http.StatusForbidden, discordfake.CodeMissingAccess, "Missing Access")
	if _, err := a.Post(ctx, ch, bot.Message{Text: bot.Plain("x")}); !errors.Is(err, bot.ErrPermanent) {
		t.Errorf("403: %v", err)
	}
	fake.FailNext(discordfake.RouteCreateMessage, 1, http.StatusInternalServerError, 0, "boom")
	if _, err := a.Post(ctx, ch, bot.Message{Text: bot.Plain("x")}); err == nil || errors.Is(err, bot.ErrPermanent) {
		t.Errorf("500 should be retried: %v", err)
	}
	fake.RateLimit(discordfake.RouteCreateMessage, 1, 0.05, false)
	var rl *bot.RetryAfterError
	if _, err := a.Post(ctx, ch, bot.Message{Text: bot.Plain("x")}); !errors.As(err, &rl) || rl.Wait != 50*1e6 {
		t.Errorf("429: %v", err)
	}
	if _, err := a.Post(ctx, "1", bot.Message{Text: bot.Plain("x")}); !errors.Is(err, bot.ErrPermanent) {
		t.Errorf("unknown channel: %v", err)
	}
}

// A bot stuck on a forbidden call stops sending long before Discord's 10,000-request ban.
func TestGuardStopsHammering(t *testing.T) {
	fake := newTestFake(t)
	ch := fake.AddChannel(tGuild, "general", discordfake.ChannelText, "")
	a := restAdapter(t, fake, func(c *Config) { c.InvalidLimit = 5 })
	fake.FailNext(discordfake.RouteCreateMessage, 1000, http.StatusForbidden, discordfake.CodeMissingPermissions, "Missing Permissions")
	held := 0
	for range 50 {
		_, err := a.Post(context.Background(), ch, bot.Message{Text: bot.Plain("x")})
		var rl *bot.RetryAfterError
		if errors.As(err, &rl) {
			held++
		}
	}
	if n := fake.InvalidRequestCount(); n != 5 {
		t.Errorf("Discord saw %d refused requests, want the guard to stop at 5", n)
	}
	if held != 45 {
		t.Errorf("%d calls held back, want 45", held)
	}
}

func TestLoginFailureHidesTheToken(t *testing.T) {
	fake := newTestFake(t)
	a, err := New(Config{Token: "sekrit-token-value", GuildID: tGuild, Handler: nopHandler{}, Transport: fake.Transport()})
	if err != nil {
		t.Fatal(err)
	}
	err = a.Start(context.Background())
	if err == nil {
		a.Close()
		t.Fatal("a wrong token logged in")
	}
	if strings.Contains(err.Error(), "sekrit") || !strings.Contains(err.Error(), "DISCORD_BOT_TOKEN") {
		t.Fatalf("login error %q", err)
	}
}

// With only DISCORD_GUILD_ID set (no discord.guild_ids), events from any other server the
// bot was added to are ignored: a 🚨 there must not declare an incident in ours.
func TestOnlyTheHomeGuildIsServedByDefault(t *testing.T) {
	a := restAdapter(t, newTestFake(t), nil)
	other := "120000000000000009"
	a.onReactionAdd(nil, &discordgo.MessageReactionAdd{MessageReaction: &discordgo.MessageReaction{
		UserID: tAlice, MessageID: "330000000000000001", ChannelID: "440000000000000001", GuildID: other, Emoji: discordgo.Emoji{Name: "🚨"}}})
	if got := a.Stats().Ignored; got != 1 {
		t.Errorf("a 🚨 from another guild: ignored = %d, want 1", got)
	}
	for guild, want := range map[string]bool{tGuild: true, other: false, "": true} {
		if got := a.served(guild); got != want {
			t.Errorf("served(%q) = %v, want %v", guild, got, want)
		}
	}
	// discord.guild_ids, when set, is the list.
	b := restAdapter(t, newTestFake(t), func(c *Config) { c.GuildIDs = []string{tGuild, other} })
	if !b.served(other) {
		t.Error("a guild in discord.guild_ids is not served")
	}
}
