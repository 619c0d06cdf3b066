//go:build faults

package faults

// The Discord side of the harness: a fake Discord guild in the test process, which the
// warroom binary joins beside Slack (DISCORD_API_URL points it at the fake's REST API and
// gateway), with the same people (alice and bob) in both rosters.

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/fakes/discordfake"
)

const (
	dGuild = "110000000000000001"
	dAlice = "210000000000000001"
	dBob   = "210000000000000002"
)

type discordWorkspace struct {
	fake    *discordfake.Server
	general string
}

func newDiscordWorkspace(t *testing.T) *discordWorkspace {
	t.Helper()
	fake := discordfake.New(t)
	fake.AddGuild(dGuild, "ops")
	fake.AddMember(dGuild, dAlice, "alice")
	fake.AddMember(dGuild, dBob, "bob")
	return &discordWorkspace{fake: fake, general: fake.AddChannel(dGuild, "general", discordfake.ChannelText, "")}
}

// attach configures b for Discord too: both platforms in the roster, the guild served, and
// extra (more configuration) appended.
func (dw *discordWorkspace) attach(t *testing.T, b *botProc, extra func() string) {
	t.Helper()
	yaml := "leads: [alice]\nroster:\n" +
		"  - {name: alice, slack: " + uAlice + ", discord: \"" + dAlice + "\"}\n" +
		"  - {name: bob, slack: " + uBob + ", discord: \"" + dBob + "\"}\n" +
		"discord: {guild_ids: [\"" + dGuild + "\"]}\n" + extra()
	if err := os.WriteFile(b.config, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	b.env = append(b.env, "DISCORD_BOT_TOKEN="+discordfake.DefaultToken, "DISCORD_API_URL="+dw.fake.URL(), "DISCORD_GUILD_ID="+dGuild)
}

// waitConnected waits until the bot is on the gateway with its commands registered.
func (dw *discordWorkspace) waitConnected(t *testing.T) {
	t.Helper()
	if !dw.fake.WaitFor(func() bool { return dw.fake.Connected() && len(dw.fake.Commands(dGuild)) > 0 }, 30*time.Second) {
		t.Fatal("warroom never connected to the fake Discord with its commands")
	}
}

var declaredRE = regexp.MustCompile(`Declared INC-(\d+)`)

// declare declares an incident from #general by slash command, waits until its channel
// exists and the outbox is empty, and returns the channel's id.
func (dw *discordWorkspace) declare(t *testing.T, b *botProc, user, title string) string {
	t.Helper()
	ref := dw.fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: dGuild, ChannelID: dw.general, UserID: user, Command: "incident",
		Options: []discordfake.CommandOption{discordfake.SubCommand("declare", discordfake.StringOption("title", title))}})
	var answer string
	if !dw.fake.WaitFor(func() bool {
		for _, f := range dw.fake.Followups(ref.Token) {
			if f.Original && f.Op == "edit" {
				answer = f.Content
				return true
			}
		}
		return false
	}, 30*time.Second) {
		t.Fatalf("declare %q was never answered\n%s", title, b.logTail(30))
	}
	m := declaredRE.FindStringSubmatch(answer)
	if m == nil {
		t.Fatalf("declare %q answered %q", title, answer)
	}
	prefix := "inc-" + m[1] + "-"
	var id string
	if !dw.fake.WaitFor(func() bool {
		for _, c := range dw.fake.Channels(dGuild) {
			if strings.HasPrefix(c.Name, prefix) && c.Type == discordfake.ChannelText {
				id = c.ID
				return true
			}
		}
		return false
	}, 30*time.Second) {
		t.Fatalf("no channel %s… on Discord\n%s", prefix, b.logTail(30))
	}
	b.waitOutboxEmpty(t, 30*time.Second)
	return id
}

// shown is every bot message in the guild and the DMs: id → channel id.
func (dw *discordWorkspace) shown() map[string]string {
	out := map[string]string{}
	for _, c := range dw.channels() {
		for _, m := range dw.fake.Messages(c) {
			if m.AuthorID == dw.fake.BotUserID() && m.InteractionID == "" && m.WebhookID == "" {
				out[m.ID] = c
			}
		}
	}
	return out
}

func (dw *discordWorkspace) allBotTexts() []string {
	var out []string
	for _, c := range dw.channels() {
		for _, m := range dw.fake.Messages(c) {
			if m.AuthorID == dw.fake.BotUserID() && m.InteractionID == "" && m.WebhookID == "" {
				out = append(out, m.Content)
			}
		}
	}
	return out
}

// channels lists the guild's channels and the DMs with alice and bob.
func (dw *discordWorkspace) channels() []string {
	var out []string
	for _, c := range dw.fake.Channels(dGuild) {
		out = append(out, c.ID)
	}
	for _, u := range []string{dAlice, dBob} {
		if c, ok := dw.fake.DMChannel(u); ok {
			out = append(out, c.ID)
		}
	}
	return out
}
