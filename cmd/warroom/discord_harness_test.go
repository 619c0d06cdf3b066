package main

// The harness for the Discord end-to-end tests: the real engine, SQLite storage, outbox
// deliverer and Discord adapter — started through startDiscord, as `warroom run` starts it —
// with the real discordgo client talking to the in-repo fake Discord (internal/fakes/discordfake).
//
// Delivery is driven by the test: the outbox runs on a fake clock and deliver() flushes it,
// moving the fake clock on while operations wait for a retry, so a backoff or a Retry-After
// costs no real time. discordgo itself sleeps retry_after in real time, so the tests keep
// theirs small. A discordgo Close costs about a second: one rig is shared by many subtests.

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/discord"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/outbox"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/timers"
)

// Discord fixture ids (snowflakes).
const (
	dGuild    = "110000000000000001"
	dOther    = "110000000000000002" // a guild warroom does not serve
	dAlice    = "210000000000000001"
	dBob      = "210000000000000002"
	dCarol    = "210000000000000003"
	dWait     = 10 * time.Second
	dCategory = "Incidents"
)

type discordE2E struct {
	t         *testing.T
	fake      *discordfake.Server
	db        *storage.DB
	clock     *clockwork.FakeClock
	deliverer *outbox.Deliverer
	adapter   *discord.Adapter
	logs      *lockedBuffer
	general   string // #general in the served guild
	elsewhere string // #general in the other guild
	stop      func()
	engine    *commands.Engine
	sched     *timers.Scheduler // with discordOptions.scheduler
	fired     chan int64        // timers the scheduler fired, after FireTimer returned
}

// discordOptions add to the standard rig (newDiscordE2EWith).
type discordOptions struct {
	// people adds guild members (name → Discord user id) to the served guild and the roster.
	people map[string]string
	// extraYAML is appended to the config (an oncall: section, nudge settings).
	extraYAML string
	// scheduler runs a bot.Scheduler on the fake clock, wired as run.go wires it; each fired
	// timer's id is then sent on discordE2E.fired.
	scheduler bool
	// noGuildID runs with neither DISCORD_GUILD_ID nor discord.guild_ids; the other guild is
	// then added only after warroom connected (the bot joins it later), so the served guild
	// is the home guild by being the only one the bot was in.
	noGuildID bool
}

// newDiscordE2E starts a fake Discord with the served guild (alice, bob, carol and
// #general), another guild, and warroom connected to it.
func newDiscordE2E(t *testing.T, opts ...discordfake.Option) *discordE2E {
	t.Helper()
	return newDiscordE2EWith(t, discordOptions{}, opts...)
}

// newDiscordE2EWith is newDiscordE2E with more people, config and a scheduler.
func newDiscordE2EWith(t *testing.T, o discordOptions, opts ...discordfake.Option) *discordE2E {
	t.Helper()
	fake := discordfake.New(t, opts...) // first: its cleanup runs after the session's
	fake.AddGuild(dGuild, "ops")
	addOther := func() {
		fake.AddGuild(dOther, "elsewhere")
		for id, name := range map[string]string{dAlice: "alice", dBob: "bob", dCarol: "carol"} {
			fake.AddMember(dOther, id, name)
		}
	}
	if !o.noGuildID {
		addOther()
	}
	for id, name := range map[string]string{dAlice: "alice", dBob: "bob", dCarol: "carol"} {
		fake.AddMember(dGuild, id, name)
	}
	roster := ""
	for _, name := range sortedKeys(o.people) {
		fake.AddMember(dGuild, o.people[name], name)
		roster += "  - {name: " + name + ", discord: \"" + o.people[name] + "\"}\n"
	}
	h := &discordE2E{t: t, fake: fake, logs: &lockedBuffer{}}
	h.general = fake.AddChannel(dGuild, "general", discordfake.ChannelText, "")
	if !o.noGuildID {
		h.elsewhere = fake.AddChannel(dOther, "general", discordfake.ChannelText, "")
	}
	fake.AddChannel(dGuild, "security-status", discordfake.ChannelText, "")
	guilds := `discord: {guild_ids: ["` + dGuild + `"]}`
	if o.noGuildID {
		guilds = ""
	}

	dir := t.TempDir()
	cfg, err := config.ParseConfig("warroom.yaml", []byte(`
roster:
  - {name: alice, discord: "`+dAlice+`"}
  - {name: bob, discord: "`+dBob+`"}
  - {name: carol, discord: "`+dCarol+`"}
`+roster+guilds+`
channels: {announce: "#security-status"}
`+o.extraYAML))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	db, err := storage.Open(ctx, filepath.Join(dir, "warroom.db"))
	if err != nil {
		t.Fatal(err)
	}
	h.db = db
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.clock = clockwork.NewFakeClockAt(time.Now())
	h.deliverer = outbox.NewDeliverer(db, h.clock, log)
	hooks := commands.Hooks{Redacted: truncateWAL(ctx, db, log)}
	if o.scheduler {
		hooks.TimersChanged = func() {
			if h.sched != nil {
				if err := h.sched.Refresh(ctx); err != nil {
					t.Errorf("scheduler refresh: %v", err)
				}
			}
		}
	}
	engine := commands.New(commands.Deps{Store: commands.StoreOf[*storage.Tx](db), Config: cfg, Clock: h.clock, Log: log, Kick: h.deliverer.Kick,
		Hooks: hooks, Platforms: []string{"discord"}})
	h.engine = engine
	if o.scheduler {
		h.fired = make(chan int64, 256)
		h.sched, err = timers.NewScheduler(db, h.clock, log, func(ctx context.Context, id int64) {
			engine.FireTimer(ctx, id)
			h.fired <- id
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := engine.ArmHandoffs(ctx); err != nil {
			t.Fatal(err)
		}
		if err := h.sched.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"DISCORD_BOT_TOKEN": discordfake.DefaultToken, "DISCORD_API_URL": fake.URL(), "DISCORD_GUILD_ID": dGuild}
	if o.noGuildID {
		delete(env, "DISCORD_GUILD_ID")
	}
	aenv := adapterEnv{getenv: func(k string) string { return env[k] }, cfg: cfg, log: log, handler: engine, specs: engine.Specs(), db: db}
	a, err := startDiscord(ctx, aenv)
	if err != nil {
		t.Fatal(err)
	}
	h.adapter = a.platform.(*discord.Adapter)
	if o.noGuildID {
		addOther()
		h.elsewhere = fake.AddChannel(dOther, "general", discordfake.ChannelText, "")
	}
	h.deliverer.AddPlatform(a.platform)
	runDone := make(chan error, 1)
	go func() { runDone <- a.run(ctx) }()
	var once sync.Once
	h.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-runDone; err != nil {
				t.Errorf("adapter run: %v", err)
			}
			if h.sched != nil {
				_ = h.sched.Stop()
			}
			db.Close()
		})
	}
	t.Cleanup(func() {
		h.stop()
		if t.Failed() {
			t.Logf("warroom log:\n%s", h.logs.String())
		}
	})
	return h
}

// with returns the harness reporting to a subtest's t.
func (h *discordE2E) with(t *testing.T) *discordE2E {
	c := *h
	c.t = t
	return &c
}

// waitFor waits for a condition on the fake's (or the adapter's) state.
func (h *discordE2E) waitFor(what string, cond func() bool) {
	h.t.Helper()
	if !h.fake.WaitFor(cond, dWait) {
		h.t.Fatalf("timed out waiting for %s", what)
	}
}

// deliver drains the outbox, moving the fake clock on by a second at a time while
// operations wait for a retry (at most maxFake in all).
func (h *discordE2E) deliver(maxFake time.Duration) {
	h.t.Helper()
	drainOutbox(h.t, h.deliverer, h.db, h.clock, maxFake)
}

// slash dispatches an application command and returns the interaction and the reply the
// caller saw (the edit of the deferred answer; "" when it was deleted).
func (h *discordE2E) slash(user, guild, channel, command string, opts ...discordfake.CommandOption) (discordfake.InteractionRef, string) {
	h.t.Helper()
	ref := h.fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: guild, ChannelID: channel, UserID: user, Command: command, Options: opts})
	return ref, h.reply(ref)
}

// reply waits for the answer to an interaction.
func (h *discordE2E) reply(ref discordfake.InteractionRef) string {
	h.t.Helper()
	var out string
	h.waitFor("the answer to interaction "+ref.ID, func() bool {
		for _, f := range h.fake.Followups(ref.Token) {
			if f.Original && (f.Op == "edit" || f.Op == "delete") {
				out = f.Content
				return true
			}
		}
		return false
	})
	return out
}

// incidentCmd is /incident <sub> [options] (a group when sub has two words).
func incidentCmd(sub string, opts ...discordfake.CommandOption) discordfake.CommandOption {
	if g, s, ok := strings.Cut(sub, " "); ok {
		return discordfake.SubCommandGroup(g, discordfake.SubCommand(s, opts...))
	}
	return discordfake.SubCommand(sub, opts...)
}

// incident runs /incident in a channel as user and returns the reply.
func (h *discordE2E) incident(user, channel, sub string, opts ...discordfake.CommandOption) string {
	h.t.Helper()
	_, r := h.slash(user, dGuild, channel, "incident", incidentCmd(sub, opts...))
	return r
}

// channel finds a channel by name in the served guild.
func (h *discordE2E) channel(name string) discordfake.Channel {
	h.t.Helper()
	c, ok := h.fake.ChannelByName(dGuild, name)
	if !ok {
		h.t.Fatalf("no channel #%s", name)
	}
	return c
}

// entries reads INC-n's timeline.
func (h *discordE2E) entries(n int64) []bot.Entry {
	h.t.Helper()
	return readTimeline(h.t, h.db, n)
}

// dmTexts lists what the bot sent a user by DM.
func (h *discordE2E) dmTexts(user string) []string {
	c, ok := h.fake.DMChannel(user)
	if !ok {
		return nil
	}
	var out []string
	for _, m := range h.fake.Messages(c.ID) {
		out = append(out, m.Content)
	}
	return out
}

// waitDM waits for a DM to user containing want and returns the message.
func (h *discordE2E) waitDM(user, want string) discordfake.Message {
	h.t.Helper()
	var got discordfake.Message
	h.waitFor("a DM to "+user+" saying "+want, func() bool {
		c, ok := h.fake.DMChannel(user)
		if !ok {
			return false
		}
		for _, m := range h.fake.Messages(c.ID) {
			if strings.Contains(m.Content, want) {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

// buttons lists the custom_ids of a message's buttons.
func buttons(t *testing.T, m discordfake.Message) []string {
	t.Helper()
	if len(m.Components) == 0 {
		return nil
	}
	var rows []struct {
		Components []struct {
			CustomID string `json:"custom_id"`
		} `json:"components"`
	}
	if err := json.Unmarshal(m.Components, &rows); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		for _, c := range r.Components {
			out = append(out, c.CustomID)
		}
	}
	return out
}

// contents lists a channel's message texts.
func (h *discordE2E) contents(channelID string) []string {
	var out []string
	for _, m := range h.fake.Messages(channelID) {
		out = append(out, m.Content)
	}
	return out
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
