package commands

import (
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/templates"
)

// addressee is a person a reminder is for, and why (the role that owns the reminder).
type addressee struct {
	person string
	role   string
}

// addresseeNames lists the people told, for an entry's data.
func addresseeNames(to []addressee) []string {
	out := make([]string, 0, len(to))
	for _, a := range to {
		out = append(out, a.person)
	}
	return out
}

// holders lists who holds the given roles on the incident; "commander" is always someone
// (the declarer while they only act as commander).
func (c *call) holders(roles ...string) ([]addressee, error) {
	current, err := c.tx.CurrentRoles(c.inc.Number)
	if err != nil {
		return nil, err
	}
	var out []addressee
	for _, r := range roles {
		if r == "commander" {
			cmdr, acting, err := c.commander()
			if err != nil {
				return nil, err
			}
			role := "commander"
			if acting {
				role = "acting commander"
				// The declarer acts as commander only while still in the incident.
				if in, err := c.tx.IsMember(c.inc.Number, cmdr); err != nil {
					return nil, err
				} else if !in {
					continue
				}
			}
			out = append(out, addressee{cmdr, role})
			continue
		}
		if p, ok := current[r]; ok {
			out = append(out, addressee{p, r})
		}
	}
	return out, nil
}

// forText names the addressees, as people, with their roles: "alice (commander) and bob
// (comms)"; a person holding several is named once.
func forText(to []addressee) bot.Text {
	var people []string
	roles := map[string][]string{}
	for _, a := range to {
		if !slices.Contains(people, a.person) {
			people = append(people, a.person)
		}
		if !slices.Contains(roles[a.person], a.role) {
			roles[a.person] = append(roles[a.person], a.role)
		}
	}
	if len(people) == 0 {
		return bot.Plain("the team")
	}
	var t bot.Text
	for i, p := range people {
		switch {
		case i == 0:
		case i == len(people)-1:
			t = t.Append(bot.Plain(" and ")...)
		default:
			t = t.Append(bot.Plain(", ")...)
		}
		t = t.Append(bot.Who(p)).Append(bot.Plain(" (" + strings.Join(roles[p], ", ") + ")")...)
	}
	return t
}

// forLine is forText as words, for the timeline.
func forLine(to []addressee) string { return forText(to).String() }

// nudgeData is the part of every reminder's template data that describes the incident.
func (c *call) nudgeData(to []addressee) templates.NudgeData {
	d := templates.NudgeData{ID: c.inc.ID(), Title: c.wordsSlot(TitleOutside(c.e.cfg, c.inc)), Severity: c.inc.Severity, SeverityName: c.e.cfg.SeverityName(c.inc.Severity),
		Phase: string(c.inc.Phase), Drill: c.inc.Drill, Open: c.inc.Open(), For: c.textSlot(forText(to))}
	// A reminder goes out even if the facts cannot be read; it then just does not ask.
	if f, err := c.facts(); err != nil {
		c.log().Warn("reading the facts for a reminder", "err", err)
	} else {
		d.Missing = missingFacts(f)
	}
	return d
}

// renderNudge renders nudges/<name>.md.tmpl; a broken override is logged and a plain line
// sent instead, because a reminder that is not sent is worse than a plain one.
func (c *call) renderNudge(name string, d templates.NudgeData) bot.Text {
	text, err := c.e.tpl.Render("nudges/"+name+".md.tmpl", d)
	if err != nil {
		c.log().Warn("nudge template", "template", name, "err", err)
	}
	if strings.TrimSpace(text) == "" {
		return bot.Textf("⏰ Reminder on %s (%s): %s. For: %s.", d.ID, c.markup(d.Title), strings.ReplaceAll(name, "-", " "), c.markup(d.For))
	}
	return c.markup(text)
}

// sendNudge posts a reminder in the incident's channel naming whom it is for, and sends it
// to each of them privately (a channel post alone does not notify anyone on Slack).
func (c *call) sendNudge(name string, d templates.NudgeData, to []addressee) error {
	text := c.renderNudge(name, d)
	if err := c.postNudge(text); err != nil {
		return err
	}
	var sent []string
	for _, a := range to {
		if slices.Contains(sent, a.person) {
			continue
		}
		sent = append(sent, a.person)
		if err := c.dmNudge(a.person, text); err != nil {
			return err
		}
	}
	return nil
}

// postNudge posts in the incident channel while it is usable: open, or closed but not
// archived.
func (c *call) postNudge(text bot.Text) error {
	if !c.inc.Open() && c.e.cfg.Channels.ArchiveOnClose {
		return nil
	}
	return c.post(bot.Message{Text: text})
}

// dmNudge sends a reminder privately. Unlike dm it says nothing to a caller — a timer has
// none — when the person has no id on the platform; the channel post still names them.
func (c *call) dmNudge(person string, text bot.Text) error {
	if person == "" || person == "warroom" {
		return nil
	}
	id, ok := c.e.cfg.PlatformID(c.inc.Platform, person)
	if !ok {
		c.log().Info("reminder not sent privately: no platform id in the roster", "person", person)
		return nil
	}
	return c.tx.Enqueue(bot.Outbound{Lane: "dm:" + c.inc.Platform + ":" + id, Platform: c.inc.Platform, Op: bot.OpDM, Incident: c.inc.Number,
		Payload: bot.Payload{User: id, Message: bot.Message{Text: drillMark(c.inc, text)}}}, c.now)
}
