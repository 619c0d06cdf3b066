package discord

import (
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// sampleSpecs mirror the engine's declarations (the end-to-end tests use the real ones).
func sampleSpecs() []bot.CommandSpec {
	o := func(name, kind string, req bool, choices ...string) bot.OptionSpec {
		return bot.OptionSpec{Name: name, Kind: kind, Required: req, Choices: choices}
	}
	s := func(verb, group, usage string, opts ...bot.OptionSpec) bot.CommandSpec {
		return bot.CommandSpec{Command: "incident", Verb: verb, Group: group, Usage: usage, Summary: verb + " summary", Options: opts}
	}
	return []bot.CommandSpec{
		s("declare", "", "declare <title> [sev1..sev4]", o("title", "text", true), o("severity", "choice", false, "sev1", "sev2", "sev3", "sev4")),
		s("status", "", "status [INC-n]", bot.OptionSpec{Name: "incident", Kind: "incident", Help: "INC-n: another incident than this channel's"}),
		s("phase", "", "phase [next [--force] | <name> [--force]]", o("to", "choice", false, "next", "containment"), o("force", "flag", false)),
		s("sev", "", "sev <1-4>", o("severity", "choice", true, "1", "2", "3", "4")),
		s("type", "", "type <type>", o("type", "word", true, "phishing", "malware")),
		s("close", "", "close <true-positive|false-positive|benign|duplicate INC-n> [resolution]", o("class", "choice", true, "true-positive", "false-positive", "benign", "duplicate"), o("resolution", "text", false)),
		s("reopen", "", "reopen"),
		s("link", "", "link INC-n", o("incident", "incident", true)),
		s("list", "", "list"),
		s("help", "", "help [verb]", o("verb", "word", false)),
		s("role", "", "role <role> <@user|me>", o("role", "choice", true, "commander", "analyst"), o("user", "user", true)),
		s("roles", "", "roles [INC-n]"),
		s("invite", "", "invite @user", o("user", "user", true)),
		s("remove", "", "remove @user", o("user", "user", true)),
		s("join", "", "join INC-n", o("incident", "incident", true)),
		s("note", "", "note <text>", o("text", "text", true)),
		s("update", "", "update <text>", o("text", "text", true)),
		s("task add", "task", "task add <text> [@owner] [due <duration>]", o("text", "text", true), o("owner", "user", false), o("due", "duration", false)),
		s("task done", "task", "task done <n>", o("n", "int", true)),
		s("tasks", "", "tasks [INC-n]"),
		s("checklist", "", "checklist [INC-n]"),
		s("check", "", "check <n>", o("n", "int", true)),
		s("lesson", "", "lesson <good|bad|idea> <text>", o("kind", "choice", true, "good", "bad", "idea"), o("text", "text", true)),
		s("redact", "", "redact <seq> <reason>", o("seq", "int", true), o("reason", "text", true)),
		s("review", "", "review <when|held>"),
		s("remind", "", "remind [snooze <duration>|off|on]"),
		s("clock", "", "clock <gdpr|nis2|sec|<name> <hours>> [from <time>] | clock done <name>"),
		s("drill", "", "drill <scenario>"),
		s("report", "", "report [md|html|json]"),
		// /page and /oncall, declared the same way.
		p("page", "", "", "<team|@user> <message>", slot("user", "user"), slot("team", "word"), o("message", "text", true)),
		p("page", "list", "", "list"),
		p("page", "ack", "", "ack [id]", o("id", "int", false)),
		p("oncall", "", "show", "[team]", o("team", "word", false)),
		p("oncall", "me", "", "me"),
		p("oncall", "override", "", "override <team> @user <duration>", o("team", "word", true), o("user", "user", true), o("duration", "duration", true)),
		p("oncall", "override cancel", "", "override cancel <id>", o("id", "int", true)),
	}
}

// p declares a /page or /oncall verb; slot an alternative for its first place.
func p(command, verb, sub, usage string, opts ...bot.OptionSpec) bot.CommandSpec {
	return bot.CommandSpec{Command: command, Verb: verb, Sub: sub, Usage: usage, Summary: command + " " + verb + " summary", Options: opts}
}

func slot(name, kind string) bot.OptionSpec {
	return bot.OptionSpec{Name: name, Kind: kind, Required: true, Slot: "target"}
}

func TestMappingStaysWithinDiscordLimits(t *testing.T) {
	verbs := buildVerbs(sampleSpecs())
	cmds, err := applicationCommands(verbs)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
		if len(c.Options) > maxPerLevel {
			t.Errorf("/%s has %d entries", c.Name, len(c.Options))
		}
	}
	if !slices.Equal(names, []string{"incident", "incident-more", "page", "oncall"}) {
		t.Fatalf("commands %v", names)
	}
	if cmds[0].Options[0].Name != "declare" {
		t.Errorf("declare is not first: %s", cmds[0].Options[0].Name)
	}
	routes := map[string]string{}
	for _, r := range Routes(sampleSpecs()) {
		routes[r.Verb] = r.Slash
	}
	for verb, slash := range map[string]string{"declare": "/incident declare", "task add": "/incident task add",
		"report": "/incident-more report", "clock": "/incident-more clock", "note": "/incident note", "ack": "/page ack",
		"override": "/oncall override"} {
		if routes[verb] != slash {
			t.Errorf("%s is at %q, want %q", verb, routes[verb], slash)
		}
	}
}

// More verbs than Discord allows spill into /incident-more; declare never moves.
func TestMappingSpillsOverflow(t *testing.T) {
	specs := sampleSpecs()
	for i := range 10 {
		specs = append(specs, bot.CommandSpec{Command: "incident", Verb: "extra" + string(rune('a'+i)), Usage: "extra"})
	}
	cmds, err := applicationCommands(buildVerbs(specs))
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds[0].Options) != maxPerLevel || cmds[0].Options[0].Name != "declare" {
		t.Fatalf("/incident has %d entries, first %s", len(cmds[0].Options), cmds[0].Options[0].Name)
	}
	total := 0
	for _, c := range cmds[:2] {
		total += len(c.Options)
	}
	if total != 28+10 {
		t.Errorf("%d verbs registered, want 38", total)
	}
}

func TestOptionTypes(t *testing.T) {
	cmds, _ := applicationCommands(buildVerbs(sampleSpecs()))
	find := func(cmd *discordgo.ApplicationCommand, path ...string) *discordgo.ApplicationCommandOption {
		opts := cmd.Options
		var o *discordgo.ApplicationCommandOption
		for _, p := range path {
			i := slices.IndexFunc(opts, func(x *discordgo.ApplicationCommandOption) bool { return x.Name == p })
			if i < 0 {
				t.Fatalf("no %v", path)
			}
			o = opts[i]
			opts = o.Options
		}
		return o
	}
	inc := cmds[0]
	if o := find(inc, "role", "user"); o.Type != discordgo.ApplicationCommandOptionUser || !o.Required {
		t.Errorf("role user: %+v", o)
	}
	if o := find(inc, "task", "done", "n"); o.Type != discordgo.ApplicationCommandOptionInteger {
		t.Errorf("task done n: %+v", o)
	}
	if o := find(inc, "declare", "severity"); len(o.Choices) != 4 || o.Required {
		t.Errorf("declare severity: %+v", o)
	}
	if o := find(inc, "status", "incident"); o.Required || !strings.Contains(o.Description, "INC-n") {
		t.Errorf("status incident: %+v", o)
	}
	if o := find(inc, "phase", "force"); o.Type != discordgo.ApplicationCommandOptionBoolean || o.Required {
		t.Errorf("phase force: %+v", o)
	}
	if o := find(cmds[1], "review", "arguments"); !o.Required {
		t.Errorf("review arguments should be required: %+v", o)
	}
	// Required options come first on Discord even when the declaration lists them later.
	if o := find(inc, "task", "add"); !o.Options[0].Required || o.Options[0].Name != "text" {
		t.Errorf("task add options: %+v", o.Options[0])
	}
}

func TestDescriptionsFitDiscord(t *testing.T) {
	long := strings.Repeat("é", 300)
	if d := description(long, ""); len([]rune(d)) != 100 {
		t.Errorf("%d runes", len([]rune(d)))
	}
	if description("", "") == "" {
		t.Error("empty description")
	}
	if n := discordName("Task Add!"); n != "task-add" {
		t.Errorf("discordName %q", n)
	}
}
