package main

// One conformance suite of chat behaviour for every adapter (litestream style): the same
// scripted steps — declare, role, note, 📌, phase next refused then forced, close — run
// against the console, Slack and Discord through a small driver per platform, each with the
// real engine, SQLite and outbox, and the Slack and Discord adapters against their fakes.

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/console"
	"github.com/warroom/warroom/bot/discord"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/internal/fakes/slackfake"
	"github.com/warroom/warroom/outbox"
	"github.com/warroom/warroom/storage"
)

// chatDriver drives one platform. People are roster names (alice, bob, carol); channels are
// the platform's own ids; emoji are neutral names ("pushpin").
type chatDriver interface {
	general() string
	// command runs /incident <verb> with its arguments as a person would give them ("@bob"
	// for a person) and returns the reply shown to the caller.
	command(user, channel, verb string, args ...string) string
	// say posts an ordinary message as a person and returns its reference.
	say(user, channel, text string) string
	// react adds a reaction and returns once the bot has handled it.
	react(user, channel, msg, emoji string)
	deliver()
	channelByName(name string) (string, bool)
	messages(channel string) []string
	canSee(channel, person string) bool
	timeline(n int64) []bot.Entry
}

type conformanceStep struct {
	name string
	run  func(t *testing.T, d chatDriver, st *conformanceState)
}

type conformanceState struct{ channel string }

var conformanceSteps = []conformanceStep{
	{"declare opens a private channel for the declarer", func(t *testing.T, d chatDriver, st *conformanceState) {
		if r := d.command("alice", d.general(), "declare", "Phishing wave", "sev2"); !strings.Contains(r, "Declared INC-1") {
			t.Fatalf("reply %q", r)
		}
		d.deliver()
		ch, ok := d.channelByName("inc-1-phishing-wave")
		if !ok {
			t.Fatal("no #inc-1-phishing-wave")
		}
		st.channel = ch
		if !d.canSee(ch, "alice") || d.canSee(ch, "bob") {
			t.Errorf("alice sees it: %v, bob sees it: %v", d.canSee(ch, "alice"), d.canSee(ch, "bob"))
		}
		if !contains(d.messages(ch), "INC-1") {
			t.Errorf("no welcome in the channel: %q", d.messages(ch))
		}
	}},
	{"a role brings the person in", func(t *testing.T, d chatDriver, st *conformanceState) {
		if r := d.command("alice", st.channel, "role", "analyst", "@bob"); !strings.Contains(r, "analyst") {
			t.Fatalf("reply %q", r)
		}
		d.deliver()
		if !d.canSee(st.channel, "bob") {
			t.Error("bob cannot see the channel after becoming analyst")
		}
	}},
	{"a note reaches the channel and the timeline", func(t *testing.T, d chatDriver, st *conformanceState) {
		if r := d.command("bob", st.channel, "note", "Mail came from 203.0.113.7"); !strings.Contains(r, "Noted") {
			t.Fatalf("reply %q", r)
		}
		d.deliver()
		if !contains(d.messages(st.channel), "203.0.113.7") {
			t.Error("the note is not in the channel")
		}
		if !slices.ContainsFunc(d.timeline(1), func(e bot.Entry) bool { return e.Kind == bot.KindNote && e.Actor == "bob" }) {
			t.Error("the note is not on the timeline")
		}
	}},
	{"pushpin records a message once", func(t *testing.T, d chatDriver, st *conformanceState) {
		msg := d.say("bob", st.channel, "Proxy log shows 203.0.113.7 at 09:12")
		d.react("alice", st.channel, msg, "pushpin")
		d.react("alice", st.channel, msg, "pushpin")
		d.react("bob", st.channel, msg, "pushpin")
		var pins []bot.Entry
		for _, e := range d.timeline(1) {
			if e.Kind == bot.KindPin && strings.Contains(e.Text, "Proxy log") {
				pins = append(pins, e)
			}
		}
		if len(pins) != 1 || pins[0].Actor != "bob" {
			t.Fatalf("pin entries %+v", pins)
		}
	}},
	{"phase next is refused with unchecked exit criteria", func(t *testing.T, d chatDriver, st *conformanceState) {
		if r := d.command("alice", st.channel, "phase", "next"); !strings.Contains(r, "--force") {
			t.Fatalf("reply %q", r)
		}
		if slices.ContainsFunc(d.timeline(1), func(e bot.Entry) bool { return strings.Contains(e.Text, "containment") }) {
			t.Error("the refused phase change is on the timeline")
		}
	}},
	{"phase next --force moves on", func(t *testing.T, d chatDriver, st *conformanceState) {
		if r := d.command("alice", st.channel, "phase", "next", "--force"); !strings.Contains(r, "containment") {
			t.Fatalf("reply %q", r)
		}
		d.deliver()
		if !contains(d.messages(st.channel), "ontainment") {
			t.Error("the new phase is not announced in the channel")
		}
	}},
	{"close", func(t *testing.T, d chatDriver, st *conformanceState) {
		if r := d.command("alice", st.channel, "close", "true-positive", "credentials reset"); !strings.Contains(r, "closed") {
			t.Fatalf("reply %q", r)
		}
		d.deliver()
		if !slices.ContainsFunc(d.timeline(1), func(e bot.Entry) bool { return e.Kind == "close" }) {
			t.Error("no close entry")
		}
		if !contains(d.messages(st.channel), "closed") {
			t.Error("the close is not announced in the channel")
		}
	}},
}

func contains(msgs []string, s string) bool {
	return slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, s) })
}

// onEachPlatform runs script once per platform, in parallel, each with a fresh driver.
func onEachPlatform(t *testing.T, script func(t *testing.T, platform string, d chatDriver)) {
	for _, p := range []struct {
		name string
		make func(t *testing.T) chatDriver
	}{
		{"console", newConsoleDriver},
		{"discord", newDiscordDriver},
		{"slack", newSlackDriver},
	} {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			script(t, p.name, p.make(t))
		})
	}
}

func TestChatConformance(t *testing.T) {
	onEachPlatform(t, func(t *testing.T, _ string, d chatDriver) {
		st := &conformanceState{}
		for _, s := range conformanceSteps {
			if !t.Run(s.name, func(t *testing.T) { s.run(t, d, st) }) {
				return // later steps build on this one
			}
		}
	})
}

// ---- console ----

// memberConsole is the console platform plus a record of who was let into which channel:
// the console prints invitations but keeps no member list.
type memberConsole struct {
	*console.Console
	mu      sync.Mutex
	members map[string]map[string]bool
}

func (m *memberConsole) Invite(ctx context.Context, ch string, users []string) error {
	m.mu.Lock()
	if m.members[ch] == nil {
		m.members[ch] = map[string]bool{}
	}
	for _, u := range users {
		m.members[ch][u] = true
	}
	m.mu.Unlock()
	return m.Console.Invite(ctx, ch, users)
}

func (m *memberConsole) Remove(ctx context.Context, ch, user string) error {
	m.mu.Lock()
	delete(m.members[ch], user)
	m.mu.Unlock()
	return m.Console.Remove(ctx, ch, user)
}

type consoleDriver struct {
	t      *testing.T
	out    *bytes.Buffer
	sh     *console.Shell
	con    *memberConsole
	flush  func(context.Context) error
	db     *storage.DB
	clock  *clockwork.FakeClock
	engine *commands.Engine
}

func newConsoleDriver(t *testing.T) chatDriver {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := clockwork.NewFakeClockAt(time.Now())
	out := &bytes.Buffer{}
	con := &memberConsole{Console: console.New(out, clock, time.UTC), members: map[string]map[string]bool{}}
	d := outbox.NewDeliverer(db, clock, slog.New(slog.DiscardHandler))
	d.AddPlatform(con)
	engine := commands.New(commands.Deps{Store: commands.StoreOf[*storage.Tx](db), Clock: clock, Kick: d.Kick})
	return &consoleDriver{t: t, out: out, sh: console.NewShell(con.Console, engine, d.Flush, "alice"), con: con, flush: d.Flush, db: db,
		clock: clock, engine: engine}
}

// line runs one workspace line and returns what it printed.
func (c *consoleDriver) line(s string) string {
	start := c.out.Len()
	c.sh.Line(context.Background(), s)
	return c.out.String()[start:]
}

func (c *consoleDriver) general() string { return "general" }

func (c *consoleDriver) command(user, channel, verb string, args ...string) string {
	out := c.line("@" + user + " #" + channel + " /incident " + verb + " " + strings.Join(args, " "))
	// The reply is "[#channel] (to user) warroom: …" and its indented continuation lines.
	var reply []string
	in := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "[#"+channel+"] (to "+user+") warroom: "):
			reply, in = append(reply, strings.SplitN(l, "warroom: ", 2)[1]), true
		case in && strings.HasPrefix(l, "  "):
			reply = append(reply, strings.TrimPrefix(l, "  "))
		default:
			in = false
		}
	}
	return strings.Join(reply, "\n")
}

func (c *consoleDriver) say(user, channel, text string) string {
	out := c.line("@" + user + " #" + channel + " " + text)
	prefix := "[#" + channel + " "
	i := strings.Index(out, prefix)
	if i < 0 {
		c.t.Fatalf("message not printed: %q", out)
	}
	rest := out[i+len(prefix):]
	return rest[:strings.IndexByte(rest, ']')]
}

func (c *consoleDriver) react(user, channel, msg, emoji string) {
	c.line("@" + user + " #" + channel + " +" + emoji + " " + msg)
}

func (c *consoleDriver) deliver() { _ = c.flush(context.Background()) }

func (c *consoleDriver) channelByName(name string) (string, bool) {
	return name, strings.Contains(c.out.String(), "[#"+name+"] * ")
}

func (c *consoleDriver) messages(channel string) []string {
	var out []string
	for _, l := range strings.Split(c.out.String(), "\n") {
		switch {
		case strings.HasPrefix(l, "[#"+channel+" "):
			out = append(out, l)
		case strings.HasPrefix(l, "  ") && len(out) > 0:
			out[len(out)-1] += "\n" + l
		}
	}
	return out
}

func (c *consoleDriver) canSee(channel, person string) bool {
	c.con.mu.Lock()
	defer c.con.mu.Unlock()
	return c.con.members[channel][person]
}

func (c *consoleDriver) timeline(n int64) []bot.Entry { return readTimeline(c.t, c.db, n) }

// ---- discord ----

type discordDriver struct {
	h     *discordE2E
	ids   map[string]string
	specs map[string]bot.CommandSpec
	slash map[string]string
}

func newDiscordDriver(t *testing.T) chatDriver {
	d := &discordDriver{h: newDiscordE2E(t), ids: map[string]string{"alice": dAlice, "bob": dBob, "carol": dCarol},
		specs: map[string]bot.CommandSpec{}, slash: map[string]string{}}
	specs := commands.New(commands.Deps{}).Specs()
	for _, s := range specs {
		d.specs[s.Verb] = s
	}
	for _, r := range discord.Routes(specs) {
		if r.Engine == "incident" {
			d.slash[r.Verb] = r.Slash
		}
	}
	return d
}

func (d *discordDriver) general() string { return d.h.general }

// command turns the arguments into the typed options of the verb's sub-command, as
// Discord's client would send them: a flag ("--force") sets its boolean option, the other
// arguments fill the options without a keyword in declaration order.
func (d *discordDriver) command(user, channel, verb string, args ...string) string {
	spec := d.specs[verb]
	var opts []discordfake.CommandOption
	var positional []bot.OptionSpec
	for _, o := range spec.Options {
		if o.Keyword == "" && o.Kind != "incident" {
			positional = append(positional, o)
		}
	}
	i := 0
	for j := 0; j < len(args); j++ {
		a := args[j]
		if k := slices.IndexFunc(spec.Options, func(o bot.OptionSpec) bool { return o.Kind == "flag" && o.Keyword == a }); k >= 0 {
			opts = append(opts, discordfake.BoolOption(spec.Options[k].Name, true))
			continue
		}
		// A keyword option ("due 30m") is its own typed option with the word after it.
		if k := slices.IndexFunc(spec.Options, func(o bot.OptionSpec) bool { return o.Kind != "flag" && o.Keyword == a }); k >= 0 && j+1 < len(args) {
			j++
			opts = append(opts, discordfake.StringOption(spec.Options[k].Name, args[j]))
			continue
		}
		if i >= len(positional) {
			d.h.t.Fatalf("%s takes %d options", verb, len(positional))
		}
		o := positional[i]
		i++
		switch o.Kind {
		case "user":
			opts = append(opts, discordfake.UserOption(o.Name, d.ids[strings.TrimPrefix(a, "@")]))
		case "int":
			n, _ := strconv.ParseInt(a, 10, 64)
			opts = append(opts, discordfake.IntegerOption(o.Name, n))
		default:
			opts = append(opts, discordfake.StringOption(o.Name, a))
		}
	}
	path := strings.Fields(d.slash[verb]) // "/incident", "task", "add"
	leaf := discordfake.SubCommand(path[len(path)-1], opts...)
	if len(path) == 3 {
		leaf = discordfake.SubCommandGroup(path[1], leaf)
	}
	_, reply := d.h.slash(d.ids[user], dGuild, channel, strings.TrimPrefix(path[0], "/"), leaf)
	return reply
}

func (d *discordDriver) say(user, channel, text string) string {
	return d.h.fake.DispatchMessageCreate(channel, d.ids[user], text)
}

func (d *discordDriver) react(user, channel, msg, emoji string) {
	glyph := map[string]string{"pushpin": "📌", "rotating_light": "🚨", "white_check_mark": "✅"}[emoji]
	count := func() int64 { s := d.h.adapter.Stats(); return s.Reactions + s.Duplicates + s.Ignored }
	before := count()
	d.h.fake.DispatchReactionAdd(dGuild, channel, msg, d.ids[user], glyph)
	d.h.waitFor("the reaction handled", func() bool { return count() > before })
}

func (d *discordDriver) deliver() { d.h.deliver(time.Minute) }

func (d *discordDriver) channelByName(name string) (string, bool) {
	c, ok := d.h.fake.ChannelByName(dGuild, name)
	return c.ID, ok
}

func (d *discordDriver) messages(channel string) []string { return d.h.contents(channel) }

func (d *discordDriver) canSee(channel, person string) bool {
	return d.h.fake.Permissions(channel, d.ids[person])&discordfake.PermViewChannel != 0
}

func (d *discordDriver) timeline(n int64) []bot.Entry { return d.h.entries(n) }

// ---- slack ----

// slackDriver drives the Slack adapter through the Slack end-to-end harness
// (slack_harness_test.go, Socket Mode).
type slackDriver struct {
	h   *slackE2E
	ids map[string]string
}

func newSlackDriver(t *testing.T) chatDriver {
	return &slackDriver{h: newSlackE2E(t, e2eOptions{transport: socketMode}),
		ids: map[string]string{"alice": uAlice, "bob": uBob, "carol": uCarol}}
}

func (s *slackDriver) general() string { return s.h.general }

func (s *slackDriver) command(user, channel, verb string, args ...string) string {
	for i, a := range args {
		if name, ok := strings.CutPrefix(a, "@"); ok && s.ids[name] != "" {
			args[i] = "<@" + s.ids[name] + "|" + name + ">"
		}
	}
	return s.h.command(s.ids[user], channel, strings.TrimSpace(verb+" "+strings.Join(args, " ")))
}

func (s *slackDriver) say(user, channel, text string) string {
	return s.h.fake.PostAsUser(channel, s.ids[user], text)
}

func (s *slackDriver) react(user, channel, msg, emoji string) {
	s.h.react(slackfake.ReactionAdded{User: s.ids[user], Reaction: emoji, Channel: channel, TS: msg})
	s.h.awaitHandled("reaction", 1)
}

func (s *slackDriver) deliver() { s.h.deliver(time.Minute) }

func (s *slackDriver) channelByName(name string) (string, bool) {
	c, ok := s.h.fake.ChannelByName(name)
	return c.ID, ok
}

func (s *slackDriver) messages(channel string) []string {
	var out []string
	for _, m := range s.h.fake.Messages(channel) {
		out = append(out, m.Text)
	}
	return out
}

func (s *slackDriver) canSee(channel, person string) bool {
	return slices.Contains(s.h.fake.Members(channel), s.ids[person])
}

func (s *slackDriver) timeline(n int64) []bot.Entry { return s.h.timeline(n) }
