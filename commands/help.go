package commands

import (
	"fmt"
	"strings"
)

var verbHelp = &Verb{
	Name: "help", Usage: "help [verb]", Scope: Anywhere, Summary: "this list, or one verb's usage",
	Args: []Arg{{Name: "verb", Kind: ArgWord}},
	Run: func(c *call) error {
		c.say("%s", c.e.helpText(strings.TrimSpace(c.rest)))
		if strings.TrimSpace(c.rest) == "" {
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

// helpText lists every verb, or explains one.
func (e *Engine) helpText(verb string) string {
	verb = strings.ToLower(strings.TrimSpace(verb))
	if verb != "" {
		for _, v := range e.verbs {
			if v.Name == verb || strings.HasPrefix(v.Name, verb+" ") {
				s := fmt.Sprintf("/incident %s — %s", v.Usage, v.Summary)
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
	for _, v := range e.verbs {
		mark := ""
		if v.sensitive() {
			mark = " †"
		}
		fmt.Fprintf(&b, "\n%s%s — %s", v.Usage, mark, v.Summary)
	}
	b.WriteString("\nAlso: /page and /oncall for paging. React 🚨 to a message to declare from it, 📌 in an incident channel to add a message to the timeline.")
	return b.String()
}
