package commands

import "strings"

// A verb's usage line is written from its declaration, so help, the refusals and each
// platform's registration say what the parser reads. An argument is written by its kind:
// "<title>" when required, "[resolution]" when not, a person as "@user", an incident as
// "INC-n", a flag as itself, a keyword argument with its keyword ("[due <duration>]") and
// a fixed choice as its values ("[md|html|json]"); alternatives for one place (a Slot)
// share one "<…|…>". Placeholder writes it otherwise where the verb always has ("<1-4>").

// usage is the verb's usage without the command: "task add <text> [@owner] [due <duration>]".
func (v *Verb) usage() string {
	words := []string{v.Name}
	for i := range v.Args {
		a := &v.Args[i]
		if a.InPrevious || a.Slot != "" && slotBefore(v.Args[:i], a.Slot) {
			continue
		}
		words = append(words, a.usageWord(v.Args))
	}
	return strings.TrimSpace(strings.Join(words, " "))
}

// usageWord is how the usage line writes one argument.
func (a *Arg) usageWord(decl []Arg) string {
	if a.Placeholder != "" {
		return a.Placeholder
	}
	if a.Lead {
		return "[INC-n]"
	}
	form, literal := a.form()
	if a.Slot != "" {
		var alts []string
		for i := range decl {
			if decl[i].Slot == a.Slot {
				f, _ := decl[i].form()
				alts = append(alts, f)
			}
		}
		form, literal = strings.Join(alts, "|"), false
	}
	if a.Keyword != "" && a.Kind != ArgFlag && !a.Bare {
		form, literal = a.Keyword+" <"+form+">", true
	}
	if !literal && a.Required {
		form = "<" + form + ">"
	}
	if !a.Required {
		form = "[" + form + "]"
	}
	return form
}

// form is what the argument's value looks like, and whether it is written as it is typed
// (a person, an incident, a flag) rather than named.
func (a *Arg) form() (string, bool) {
	switch {
	case a.Kind == ArgUser:
		return "@" + a.Name, true
	case a.Kind == ArgIncident:
		return "INC-n", true
	case a.Kind == ArgFlag:
		return a.Keyword, true
	case a.Kind == ArgDuration, a.Kind == ArgTime:
		return argKindNames[a.Kind], false
	case a.Kind == ArgChoice && len(a.Choices) > 0 && a.ChoicesOf == nil:
		return strings.Join(a.Choices, "|"), false
	}
	return a.Name, false
}

func slotBefore(decl []Arg, slot string) bool {
	for _, b := range decl {
		if b.Slot == slot {
			return true
		}
	}
	return false
}

// groupLines is the usage of a two-word group's verbs ("task add … · task done <n>"), for
// the verb that answers the group's first word alone.
func (e *Engine) groupLines(group string) string {
	var lines []string
	for _, v := range e.verbs {
		if v.Group == group && v.command() == "incident" {
			lines = append(lines, v.usageLine())
		}
	}
	return strings.Join(lines, " · ")
}
