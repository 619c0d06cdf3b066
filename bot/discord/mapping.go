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
//   - /page and /oncall come from the same declarations. A verb without a name takes its
//     declared sub-command name (/oncall show), and one whose first argument has
//     alternatives (/page <team|@user>) becomes one sub-command per alternative (/page team,
//     /page user).
//
// A sub-command's typed options go to the engine as they are, by name (interactions.go):
// nothing is turned back into text for the engine to parse again.

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
var moreVerbs = []string{"redact run", "review", "remind", "remind snooze", "clock", "clock done", "drill", "report",
	"summary", "impact", "rootcause", "detected", "assess", "delay", "tlp", "evidence add", "evidence transfer", "evidence list"}

// verbDef is one Discord sub-command and the engine verb it runs.
type verbDef struct {
	Command string // Discord command ("incident", "incident-more", "page", "oncall")
	Group   string // sub-command group ("task"), "" for none
	Sub     string // sub-command name
	Engine  string // the engine command ("incident", "page", "oncall")
	Prefix  string // the engine verb ("task add"; "" for /page user)
	Summary string
	Usage   string
	Options []optionDef
}

// optionDef is a typed option: the declaration's, under its Discord name.
type optionDef struct {
	bot.OptionSpec
	Engine string // the declared name the engine reads it by
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

// buildVerbs maps the engine's declarations onto Discord commands.
func buildVerbs(specs []bot.CommandSpec) []*verbDef {
	var incident, more, others []*verbDef
	for _, s := range specs {
		for _, v := range fromSpec(s) {
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
	return append(out, others...)
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

// fromSpec turns one declaration into its sub-commands: one, or one per alternative of a
// slot (/page team, /page user).
func fromSpec(s bot.CommandSpec) []*verbDef {
	words := strings.Fields(s.Verb)
	v := &verbDef{Command: discordName(s.Command), Engine: s.Command, Prefix: strings.Join(words, " "), Summary: s.Summary, Usage: s.Usage}
	switch {
	case s.Command != "incident" && len(words) > 0:
		v.Sub = discordName(strings.Join(words, "-")) // /oncall override-cancel beside /oncall override
	case len(words) > 1 && s.Sub != "":
		v.Sub = discordName(s.Sub) // /incident redact-run beside /incident redact
	case s.Group != "" && len(words) > 1:
		v.Group, v.Sub = discordName(s.Group), discordName(strings.Join(words[1:], "-"))
	case len(words) > 1:
		v.Group, v.Sub = discordName(words[0]), discordName(strings.Join(words[1:], "-"))
	case len(words) == 1:
		v.Sub = discordName(words[0])
	case s.Sub != "":
		v.Sub = discordName(s.Sub)
	default:
		v.Sub = "run"
	}
	var slot []optionDef
	for _, o := range s.Options {
		od := optionDef{OptionSpec: o, Engine: o.Name}
		od.Name = discordName(o.Name)
		if o.Slot != "" {
			slot = append(slot, od)
			continue
		}
		v.Options = append(v.Options, od)
	}
	args := strings.TrimSpace(strings.TrimPrefix(s.Usage, s.Verb))
	if len(s.Options) == 0 && args != "" {
		// A verb declared without typed options but with arguments in its usage gets one
		// free-text option, so every verb is reachable from Discord with its full grammar.
		v.Options = []optionDef{{OptionSpec: bot.OptionSpec{Name: "arguments", Kind: "text",
			Required: strings.HasPrefix(args, "<"), Help: args}, Engine: "arguments"}}
	}
	if len(slot) == 0 {
		return []*verbDef{v}
	}
	var out []*verbDef
	for _, alt := range slot {
		w := *v
		w.Sub, w.Summary = alt.Name, s.Summary+" ("+alt.Name+")"
		w.Options = append([]optionDef{alt}, v.Options...)
		out = append(out, &w)
	}
	return out
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

// movedVerbs are the /incident verbs registered under another Discord command, so help
// and refusals name what a Discord user can type.
func movedVerbs(verbs []*verbDef) map[string]string {
	moved := map[string]string{}
	for _, v := range verbs {
		if v.Engine == "incident" && v.Command != CommandIncident && v.Prefix != "" {
			moved[v.Prefix] = v.Command
		}
	}
	return moved
}

// slashFor is the Discord command a command hint is typed as: "/incident-more" for
// "/incident report md", the engine command's own name otherwise.
func slashFor(moved map[string]string, s bot.Segment) string {
	if s.Command == "incident" {
		words := strings.Fields(s.Text)
		for n := min(len(words), 2); n > 0; n-- {
			if cmd, ok := moved[strings.Join(words[:n], " ")]; ok {
				return "/" + cmd
			}
		}
	}
	return "/" + s.Command
}
