package commands

import (
	"fmt"
	"strings"
)

var verbHelp = &Verb{
	Name: "help", Scope: Anywhere, Summary: "this list, or one verb's usage",
	Args: []Arg{{Name: "verb", Kind: ArgText, Help: "a verb, e.g. task add, or page"}},
	Run: func(c *call) error {
		c.say("%s", c.e.helpText(c.args.Text("verb")))
		if !c.args.Has("verb") {
			return c.helpActions()
		}
		return nil
	},
}

// helpActions adds, in an incident's channel and for those who may see it, the response
// actions its playbook allows with their parameters.
func (c *call) helpActions() error {
	inc, err := c.tx.IncidentByChannel(c.src.Platform, c.src.Channel)
	if err != nil || inc == nil {
		if isNotFound(err) {
			err = nil
		}
		return err
	}
	if ok, err := MaySee(c.tx, c.e.cfg, c.who, inc.Number); err != nil || !ok {
		return err
	}
	c.inc = inc
	names, err := c.incidentActions()
	if err != nil || len(names) == 0 {
		return err
	}
	c.say("Response actions of %s (/incident run <action> <params…>):", inc.ID())
	for _, n := range names {
		c.say("%s", actionLine(n, c.e.cfg.Actions[n]))
	}
	return nil
}

// helpText lists every verb of every command, or explains one; both come from the
// declarations.
func (e *Engine) helpText(verb string) string {
	verb = strings.ToLower(strings.Join(strings.Fields(verb), " "))
	if verb != "" {
		for _, v := range e.verbs {
			if helpNames(v, verb) {
				s := fmt.Sprintf("%s — %s", v.usageLine(), v.Summary)
				if v.sensitive() {
					s += "\n(commander, acting commander, scribe or a lead only)"
				}
				return s
			}
		}
		return fmt.Sprintf("No verb %q. Try /incident help.", verb)
	}
	var b strings.Builder
	b.WriteString("Usage: /incident <verb> …   († = commander, scribe or lead)")
	paging := false
	for _, l := range e.helpLines() {
		if l.paging && !paging {
			b.WriteString("\nPaging, with /page and /oncall:")
		}
		paging = l.paging
		fmt.Fprintf(&b, "\n%s%s — %s", l.usage, l.mark, l.summary)
	}
	b.WriteString("\nReact 🚨 to a message to declare from it, 📌 in an incident channel to add a message to the timeline.")
	return b.String()
}

// A helpLine is one verb in the list: /incident's verbs without the command, the paging
// commands' with theirs, and † where the verb is the commander's, the scribe's or a lead's.
type helpLine struct {
	usage, mark, summary string
	paging               bool
}

// helpLines lists /incident's verbs first, then /page's and /oncall's, each in declaration order.
func (e *Engine) helpLines() []helpLine {
	var lines []helpLine
	for _, paging := range []bool{false, true} {
		for _, v := range e.verbs {
			if (v.command() != "incident") != paging {
				continue
			}
			l := helpLine{usage: v.usage(), summary: v.Summary, paging: paging}
			if paging {
				l.usage = v.usageLine()
			}
			if v.sensitive() {
				l.mark = " †"
			}
			lines = append(lines, l)
		}
	}
	return lines
}

// VerbReference is the same list as Markdown for the README, each verb with its command.
func (e *Engine) VerbReference() string {
	var b strings.Builder
	for _, l := range e.helpLines() {
		usage := l.usage
		if !l.paging {
			usage = "/incident " + usage
		}
		fmt.Fprintf(&b, "- `%s`%s — %s\n", usage, l.mark, l.summary)
	}
	return b.String()
}

// helpNames reports whether "help <verb>" asks about v: its name or its first word, for
// /incident; "page", "page ack", "oncall override" … for the paging commands.
func helpNames(v *Verb, verb string) bool {
	if v.command() == "incident" {
		return v.Name == verb || strings.HasPrefix(v.Name, verb+" ")
	}
	full := strings.TrimSpace(v.command() + " " + v.Name)
	return full == strings.TrimPrefix(verb, "/")
}
