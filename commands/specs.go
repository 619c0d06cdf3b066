package commands

import "github.com/warroom/warroom/bot"

var argKindNames = map[ArgKind]string{
	ArgText: "text", ArgWord: "word", ArgInt: "int", ArgUser: "user", ArgChoice: "choice", ArgIncident: "incident", ArgDuration: "duration",
}

// Specs describes every verb for platform command registration and help.
func (e *Engine) Specs() []bot.CommandSpec {
	var out []bot.CommandSpec
	for _, v := range e.verbs {
		s := bot.CommandSpec{Command: "incident", Verb: v.Name, Group: v.Group, Usage: v.Usage, Summary: v.Summary}
		for _, a := range v.Args {
			choices := a.Choices
			if v.Name == "role" && a.Name == "role" {
				choices = e.cfg.Roles
			}
			if v.Name == "type" && a.Name == "type" {
				choices = e.cfg.Types
			}
			s.Options = append(s.Options, bot.OptionSpec{Name: a.Name, Kind: argKindNames[a.Kind], Required: a.Required, Choices: choices, Help: a.Help})
		}
		out = append(out, s)
	}
	return out
}
