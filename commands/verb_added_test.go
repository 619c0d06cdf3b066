package commands

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot/discord"
	"github.com/warroom/warroom/bot/slack"
	"github.com/warroom/warroom/internal/duration"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// The done-when check of "the declaration is the grammar": a new verb with two typed
// arguments is one declaration, its permission included (one of policy.go's rules). This test-only verb goes through the
// same registerVerb path as any other; nothing else is told about it, and it is parsed on
// the console and Slack, listed in help, and registered on Discord with typed options that
// reach it as values — through the real discordgo client against the fake.
func TestANewVerbIsOneDeclaration(t *testing.T) {
	saved, savedPolicy := registered, Policy
	t.Cleanup(func() { registered, Policy, policyIndex = saved, savedPolicy, indexPolicy() })
	registerVerb(&Verb{
		Name: "ping", Scope: Anywhere, Permission: &ForAnyone,
		Summary: "test only: remind someone after a while",
		Args:    []Arg{{Name: "user", Kind: ArgUser, Required: true}, {Name: "after", Kind: ArgDuration, Required: true}},
		Run: func(c *call) error {
			who, err := c.person("user")
			if err != nil {
				return err
			}
			c.say("ping %s after %s", who, duration.Format(c.args.Duration("after")))
			return nil
		},
	})
	if r := ruleFor("incident ping"); r.Who != Anyone || !strings.Contains(PermissionTable(), "| `incident ping` | anyone |") {
		t.Fatalf("ping's declared permission is not in the policy: %+v", r)
	}

	h := newHarness(t, withRoster(testRoster+"  - {name: erin, discord: \"80351110224678913\"}\n"))
	wantContains(t, "help", h.cmd("carol", "general", "help"), "ping @user <duration> — test only: remind someone after a while")
	wantContains(t, "help ping", h.cmd("carol", "general", "help ping"), "/incident ping @user <duration> — test only")
	wantContains(t, "console", h.cmd("alice", "general", "ping @bob 2 hours"), "ping bob after 2h")
	wantContains(t, "slack", h.do("slack", "alice", "general", "/incident ping <@U0BOB> 90m"), "ping bob after 1h30m")
	wantContains(t, "a bad duration", h.cmd("alice", "general", "ping @bob soon"), `cannot read "soon" as a after duration`, "Usage: /incident ping @user <duration>")
	wantContains(t, "no person", h.cmd("alice", "general", "ping bob 2h"), `"bob" is not a user`)

	// Slack: the /incident slash command through the real adapter (Socket Mode) against
	// the fake reaches the verb, parsed from its text.
	sfake := slackfake.New(t)
	sfake.AddUser("U0ALICE", "alice")
	sfake.AddUser("U0BOB", "bob")
	sgen := sfake.AddChannel("general", false, sfake.BotUserID(), "U0ALICE", "U0BOB")
	sa, err := slack.New(slack.Config{BotToken: sfake.BotToken(), AppToken: sfake.AppToken(), APIURL: sfake.APIURL(), Handler: h.eng})
	if err != nil {
		t.Fatal(err)
	}
	sctx, scancel := context.WithCancel(context.Background())
	t.Cleanup(scancel)
	if err := sa.Start(sctx); err != nil {
		t.Fatal(err)
	}
	go func() { _ = sa.Run(sctx) }()
	ack, err := sfake.WaitAck(sfake.SendSlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: "ping <@U0BOB> 90m", ChannelID: sgen, UserID: "U0ALICE"}), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var slackReply struct{ Text string }
	if err := json.Unmarshal(ack.Payload, &slackReply); err != nil || !strings.Contains(slackReply.Text, "ping bob after 1h30m") {
		t.Errorf("slack adapter's answer to /incident ping: %s %v", ack.Payload, err)
	}

	// Discord: registered from the declaration, with a USER and a string option.
	const guild = "100"
	fake := discordfake.New(t)
	fake.AddGuild(guild, "ops")
	fake.AddMember(guild, "80351110224678913", "erin")
	general := fake.AddChannel(guild, "general", discordfake.ChannelText, "")
	ctx, cancel := context.WithCancel(context.Background())
	a, err := discord.New(discord.Config{Token: discordfake.DefaultToken, GuildID: guild, APIURL: fake.URL(), Handler: h.eng, Specs: h.eng.Specs()})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Close() })
	var ping *discordgo.ApplicationCommandOption
	command := ""
	for _, c := range fake.Commands(guild) {
		var cmd discordgo.ApplicationCommand
		if err := json.Unmarshal(c.Raw, &cmd); err != nil {
			t.Fatal(err)
		}
		if i := slices.IndexFunc(cmd.Options, func(o *discordgo.ApplicationCommandOption) bool { return o.Name == "ping" }); i >= 0 {
			ping, command = cmd.Options[i], cmd.Name
		}
	}
	if ping == nil || len(ping.Options) != 2 || ping.Options[0].Name != "user" || ping.Options[0].Type != discordgo.ApplicationCommandOptionUser ||
		!ping.Options[0].Required || ping.Options[1].Name != "after" || ping.Options[1].Type != discordgo.ApplicationCommandOptionString {
		t.Fatalf("the Discord registration of ping: %+v", ping)
	}
	ref := fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: guild, ChannelID: general, UserID: "80351110224678913", Command: command,
		Options: []discordfake.CommandOption{discordfake.SubCommand("ping", discordfake.UserOption("user", "80351110224678913"), discordfake.StringOption("after", "2 hours"))}})
	var reply string
	if !fake.WaitFor(func() bool {
		for _, f := range fake.Followups(ref.Token) {
			if f.Original && f.Op == "edit" {
				reply = f.Content
				return true
			}
		}
		return false
	}, 10*time.Second) {
		t.Fatal("no answer to /incident ping")
	}
	if !strings.Contains(reply, "ping erin after 2h") {
		t.Errorf("discord reply %q", reply)
	}
}

// A registered verb that names no permission has no rule: the coverage check
// (TestPolicyCoversEveryAction reads the same index) would fail, and until it has one
// everybody, leads included, is refused it.
func TestANewVerbWithoutPermissionIsRefused(t *testing.T) {
	saved, savedPolicy := registered, Policy
	t.Cleanup(func() { registered, Policy, policyIndex = saved, savedPolicy, indexPolicy() })
	registerVerb(&Verb{Name: "pong", Scope: Anywhere, Summary: "test only",
		Run: func(c *call) error { c.say("pong ran"); return nil }})
	h := newHarness(t)
	if !slices.ContainsFunc(h.eng.Verbs(), func(v *Verb) bool { return v.Name == "pong" }) {
		t.Fatal("pong is not a verb of the engine")
	}
	if _, ok := policyIndex["incident pong"]; ok {
		t.Fatal("a verb without a permission has a rule")
	}
	for _, who := range []string{"alice", "dave"} {
		if r := h.cmd(who, "general", "pong"); strings.Contains(r, "pong ran") {
			t.Errorf("%s ran a verb without a rule: %q", who, r)
		}
	}
}
