package commands

import "github.com/warroom/warroom/bot"

// Specs describes every verb — /incident's, /page's and /oncall's — for platform command
// registration and help, straight from the declarations.
func (e *Engine) Specs() []bot.CommandSpec {
	var out []bot.CommandSpec
	for _, v := range e.verbs {
		s := bot.CommandSpec{Command: v.command(), Verb: v.Name, Group: v.Group, Sub: v.Sub, Usage: v.usage(), Summary: v.Summary}
		for _, a := range v.Args {
			choices := a.Choices
			if a.ChoicesOf != nil {
				choices = a.ChoicesOf(e.cfg)
			}
			s.Options = append(s.Options, bot.OptionSpec{Name: a.Name, Kind: argKindNames[a.Kind], Required: a.Required,
				Choices: choices, Help: a.Help, Keyword: a.Keyword, Slot: a.Slot})
		}
		out = append(out, s)
	}
	return out
}
