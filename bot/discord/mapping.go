package discord

import (
	"regexp"
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
)

// The mapping from warroom's verbs to Discord application commands. Discord allows at most 25
// sub-commands (and sub-command groups) per command, and /incident has more verbs than that
// (README: "The chat grammar"), so:
//
//   - /incident holds the verbs used while responding: lifecycle, people and record verbs,
//     with declare first. Two-word verbs become sub-command groups (/incident task add).
//   - /incident-more holds the rest, chosen by area: reminders, clocks, drills, the report
//     and the review (the verbs in moreVerbs). Typing "/incident" shows both commands.
//   - Should a future version add verbs beyond 25, the last ones (in help order) move to
//     /incident-more too, so registration never fails; docs/discord/README.md lists the
//     mapping and a test keeps it true.
//   - /page and /oncall rebuild their free grammar from sub-commands (pagingVerbs).
//
// Every sub-command turns back into the text grammar the engine parses, so the one set of
// verb declarations (bot.CommandSpec) drives Slack, Discord and help alike.

// Discord command names.
const (
	CommandIncident = "incident"
	CommandMore     = "incident-more"
	CommandPage     = "page"
	CommandOnCall   = "oncall"
)

// maxPerLevel is Discord's limit of sub-commands, groups, options or choices at one level.
const maxPerLevel = 25

// moreVerbs are the /incident verbs registered under /incident-more.
var moreVerbs = []string{"review", "remind", "clock", "drill", "report",
	"summary", "impact", "rootcause", "detected", "assess", "delay", "tlp", "evidence add", "evidence transfer", "evidence list"}

// verbDef is one Discord sub-command and how it turns back into the text grammar.
type verbDef struct {
	Command string // Discord command ("incident", "incident-more", "page", "oncall")
	Group   string // sub-command group ("task"), "" for none
	Sub     string // sub-command name
	Engine  string // the engine command the text goes to ("incident", "page", "oncall")
	Prefix  string // the text the verb starts with ("task add"; "" for /page user)
	Summary string
	Usage   string
	Options []optionDef
}

// optionDef is a typed option; Keyword, when set, is written before the value ("due 2h").
type optionDef struct {
	bot.OptionSpec
	Keyword string
}

// key identifies a sub-command as an interaction names it.
func (v *verbDef) key() string { return v.Command + "/" + v.Group + "/" + v.Sub }

// Slash is how a person types the verb on Discord, e.g. "/incident task add".
func (v *verbDef) Slash() string {
	return strings.Join(slices.DeleteFunc([]string{"/" + v.Command, v.Group, v.Sub}, func(s string) bool { return s == "" }), " ")
}

var nameRe = regexp.MustCompile(`[^-_a-z0-9]+`)

// discordName makes a valid Discord command or option name (lower case, 1-32 characters).
func discordName(s string) string {
	s = nameRe.ReplaceAllString(strings.ToLower(strings.TrimSpace(s)), "-")
	s = strings.Trim(s, "-")
	if len(s) > 32 {
		s = s[:32]
	}
	if s == "" {
		s = "x"
	}
	return s
}

// buildVerbs maps the engine's declarations onto Discord commands. /page and /oncall come
// from specs when the engine declares them, else from pagingVerbs.
func buildVerbs(specs []bot.CommandSpec) []*verbDef {
	var incident, more []*verbDef
	declared := map[string]bool{}
	var others []*verbDef
	for _, s := range specs {
		v := fromSpec(s)
		declared[s.Command] = true
		switch {
		case s.Command != "incident":
			others = append(others, v)
		case slices.Contains(moreVerbs, s.Verb):
			v.Command = CommandMore
			more = append(more, v)
		default:
			v.Command = CommandIncident
			incident = append(incident, v)
		}
	}
	// Spill the last verbs (never declare) when /incident would exceed Discord's limit.
	for topLevel(incident) > maxPerLevel {
		i := len(incident) - 1
		for i > 0 && incident[i].Prefix == "declare" {
			i--
		}
		v := incident[i]
		incident = slices.Delete(incident, i, i+1)
		v.Command = CommandMore
		more = append([]*verbDef{v}, more...)
	}
	out := append(incident, more...)
	out = append(out, others...)
	for _, v := range pagingVerbs() {
		if !declared[v.Engine] {
			out = append(out, v)
		}
	}
	return out
}

// topLevel counts the entries a command holds at its first level (a group counts once).
func topLevel(vs []*verbDef) int {
	seen := map[string]bool{}
	for _, v := range vs {
		k := v.Sub
		if v.Group != "" {
			k = "group:" + v.Group
		}
		seen[k] = true
	}
	return len(seen)
}

// fromSpec turns one declaration into a sub-command.
func fromSpec(s bot.CommandSpec) *verbDef {
	words := strings.Fields(s.Verb)
	v := &verbDef{Command: discordName(s.Command), Engine: s.Command, Prefix: strings.Join(words, " "), Summary: s.Summary, Usage: s.Usage}
	switch {
	case s.Group != "" && len(words) > 1:
		v.Group, v.Sub = discordName(s.Group), discordName(strings.Join(words[1:], "-"))
	case len(words) > 1:
		v.Group, v.Sub = discordName(words[0]), discordName(strings.Join(words[1:], "-"))
	case len(words) == 1:
		v.Sub = discordName(words[0])
	default:
		v.Sub = "run"
	}
	args := strings.TrimSpace(strings.TrimPrefix(s.Usage, s.Verb))
	for _, o := range s.Options {
		od := optionDef{OptionSpec: o}
		od.Name = discordName(o.Name)
		// "[due <duration>]" in the usage means the value is written after its keyword.
		if strings.Contains(" "+args, " "+o.Name+" <") || strings.Contains(args, "["+o.Name+" <") {
			od.Keyword = o.Name
		}
		v.Options = append(v.Options, od)
	}
	if len(s.Options) == 0 && args != "" {
		// A verb declared without typed options but with arguments in its usage ("review
		// <when|held>", "status [INC-n]") gets one free-text option, so every verb is
		// reachable from Discord with its full grammar.
		v.Options = []optionDef{{OptionSpec: bot.OptionSpec{Name: "arguments", Kind: "text",
			Required: strings.HasPrefix(args, "<"), Help: args}}}
	}
	return v
}

// pagingVerbs rebuild the paging grammar (README: "On-call paging"): /page <team|@user> <message>,
// /page list, /page ack [id], /oncall [team], /oncall me, /oncall override <team> @user
// <duration>. A sub-command cannot be left out on Discord, so "/oncall [team]" is
// /oncall show and "/page <team|@user>" is /page team or /page user.
func pagingVerbs() []*verbDef {
	opt := func(name, kind string, req bool, help string) optionDef {
		return optionDef{OptionSpec: bot.OptionSpec{Name: name, Kind: kind, Required: req, Help: help}}
	}
	return []*verbDef{
		{Command: CommandPage, Engine: "page", Sub: "team", Summary: "page a team's on-call responder", Usage: "page <team> <message>",
			Options: []optionDef{opt("team", "word", true, "the team to page"), opt("message", "text", true, "what is going on")}},
		{Command: CommandPage, Engine: "page", Sub: "user", Summary: "page one person", Usage: "page @user <message>",
			Options: []optionDef{opt("user", "user", true, "who to page"), opt("message", "text", true, "what is going on")}},
		{Command: CommandPage, Engine: "page", Sub: "list", Prefix: "list", Summary: "open pages", Usage: "page list"},
		{Command: CommandPage, Engine: "page", Sub: "ack", Prefix: "ack", Summary: "acknowledge a page (default: your latest)", Usage: "page ack [id]",
			Options: []optionDef{opt("id", "int", false, "the page number; default your most recent open page")}},
		{Command: CommandOnCall, Engine: "oncall", Sub: "show", Summary: "who is on call (all teams, or one)", Usage: "oncall [team]",
			Options: []optionDef{opt("team", "word", false, "one team; default all")}},
		{Command: CommandOnCall, Engine: "oncall", Sub: "me", Prefix: "me", Summary: "your own on-call shifts", Usage: "oncall me"},
		{Command: CommandOnCall, Engine: "oncall", Sub: "override", Prefix: "override", Summary: "take over or hand over a shift",
			Usage: "oncall override <team> @user <duration>",
			Options: []optionDef{opt("team", "word", true, "the team"), opt("user", "user", true, "who covers"),
				opt("duration", "duration", true, "for how long, e.g. 4h, 2d")}},
	}
}

// Route is where one verb lives on Discord, for docs and tests.
type Route struct {
	Slash   string // "/incident task add"
	Engine  string // the engine command: "incident", "page", "oncall"
	Verb    string // the verb's own words ("task add"; "" for /page team)
	Options []string
}

// Routes lists the mapping the adapter registers for these declarations.
func Routes(specs []bot.CommandSpec) []Route {
	var out []Route
	for _, v := range buildVerbs(specs) {
		r := Route{Slash: v.Slash(), Engine: v.Engine, Verb: v.Prefix}
		for _, o := range v.Options {
			r.Options = append(r.Options, o.Name)
		}
		out = append(out, r)
	}
	return out
}

// slashFixer rewrites the engine's "/incident <verb>" hints for verbs that live under
// another Discord command, so help and refusals name what a Discord user can type.
func slashFixer(verbs []*verbDef) *regexp.Regexp {
	var moved []string
	for _, v := range verbs {
		if v.Engine == "incident" && v.Command != CommandIncident && v.Prefix != "" {
			moved = append(moved, regexp.QuoteMeta(v.Prefix))
		}
	}
	if len(moved) == 0 {
		return nil
	}
	return regexp.MustCompile(`/incident (` + strings.Join(moved, "|") + `)\b`)
}
