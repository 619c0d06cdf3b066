package commands

import (
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/templates"
)

// MaxTitleLen bounds incident titles: they become channel names, topics and report headings.
const MaxTitleLen = 120

var verbDeclare = &Verb{
	Name: "declare", Scope: Anywhere,
	Summary: "declare an incident: opens its private channel, makes you acting commander",
	Args:    declareArgs,
	Run: func(c *call) error {
		title, sev, err := declareFrom(c.args, c.e.cfg.DefaultSeverity)
		if err != nil {
			if err == errNoTitle {
				return c.usage()
			}
			return err
		}
		inc, err := c.declare(declaration{title: title, severity: sev})
		if err != nil {
			return err
		}
		c.say("Declared %s · %s: #%s is being opened for it. You are acting commander.", inc.ID(), sevLabel(c.e.cfg, sev), inc.ChannelName)
		return nil
	},
}

type declaration struct {
	title     string
	severity  int
	drill     bool
	origin    string // permalink of the message declared from
	typ       string
	declaredN string // optional extra line in the first post
	// before records entries ahead of the declaration itself, once the incident exists (the
	// alert an incident is declared from is its entry 1, at the alert's own time).
	before func(inc *bot.Incident) error
}

// declare creates the incident, its membership, first timeline entries, checklist and every
// outbound operation to open its channel — all in the caller's transaction.
func (c *call) declare(d declaration) (*bot.Incident, error) {
	inc := &bot.Incident{
		Title: d.title, Type: d.typ, Severity: d.severity, Phase: bot.PhaseIdentification, Status: bot.StatusOpen,
		Drill: d.drill, Platform: c.src.Platform, Team: c.src.Team, ChannelName: "pending",
		OriginChannel: c.src.Channel, OriginLink: d.origin, DeclaredBy: c.who, DeclaredAt: c.now,
	}
	if err := c.tx.CreateIncident(inc); err != nil {
		return nil, err
	}
	inc.ChannelName = channelName(c.e.cfg.Channels.Naming, inc.Number, d.title, d.drill)
	if err := c.tx.SetIncidentChannel(inc.Number, "", inc.ChannelName); err != nil {
		return nil, err
	}
	c.inc = inc
	if d.before != nil {
		if err := d.before(inc); err != nil {
			return nil, err
		}
	}
	what := "declared"
	if d.drill {
		what = "declared a drill"
	}
	// The title is free text: it comes after the first ": " (bot.FreeText), everything
	// before it is built from data values.
	text := fmt.Sprintf("%s %s %s", c.who, what, sevLabel(c.e.cfg, d.severity))
	if d.origin != "" {
		text += " from " + d.origin
	}
	text += ": " + d.title
	decl := bot.Data{"severity": d.severity, "type": d.typ, "drill": d.drill, "platform": inc.Platform, "by": c.who,
		"tlp": c.e.cfg.IncidentTLP().Name()}
	if err := c.record(bot.KindDeclared, text, decl); err != nil {
		return nil, err
	}
	if err := c.record(bot.KindPhase, "entered identification", bot.Data{"to": string(bot.PhaseIdentification)}); err != nil {
		return nil, err
	}
	if err := c.tx.EnterPhase(inc.Number, bot.PhaseIdentification, c.now, false); err != nil {
		return nil, err
	}
	items, err := c.e.tpl.Checklist(string(bot.PhaseIdentification))
	if err != nil {
		return nil, err
	}
	if err := c.tx.AddChecklist(inc.Number, bot.PhaseIdentification, items); err != nil {
		return nil, err
	}
	if _, err := c.tx.AddMember(inc.Number, c.who, c.now); err != nil {
		return nil, err
	}
	_, topic, err := c.cardAndTopic()
	if err != nil {
		return nil, err
	}
	// The platform may create a channel under a different name (taken); the notice goes to
	// the declarer if creation fails, so nobody is left with a channel-less incident unaware.
	notify, _ := c.e.cfg.PlatformID(inc.Platform, c.who)
	if err := c.channelOp(bot.OpCreateChannel, bot.Payload{Name: inc.ChannelName, Private: c.e.cfg.Private(), Topic: topic, Notify: notify}); err != nil {
		return nil, err
	}
	if id, ok := c.e.cfg.PlatformID(inc.Platform, c.who); ok {
		if err := c.channelOp(bot.OpInvite, bot.Payload{Users: []string{id}}); err != nil {
			return nil, err
		}
	}
	welcome := bot.Textf("🚨 *%s: %s* — %s, declared by %s at %s.\n%s is acting commander: take the role with `/incident role commander me`, or give it with `/incident role commander @someone`.",
		inc.ID(), d.title, sevLabel(c.e.cfg, d.severity), bot.Who(c.who), bot.ChatTime(c.now), bot.Who(c.who))
	if d.origin != "" {
		welcome = welcome.Append(bot.Textf("\nDeclared from: %s", d.origin)...)
	}
	if err := c.post(bot.Message{Text: welcome, Buttons: c.claimButtons()}); err != nil {
		return nil, err
	}
	c.dirty = true
	if err := c.announcePhase(bot.PhaseIdentification); err != nil {
		return nil, err
	}
	if err := c.happen(Happening{Kind: HappenDeclared}); err != nil {
		return nil, err
	}
	if err := c.happen(Happening{Kind: HappenPhase, Phase: bot.PhaseIdentification}); err != nil {
		return nil, err
	}
	if err := c.applyPlaybook(); err != nil {
		return nil, err
	}
	return inc, nil
}

// claimButtons offer the open roles to whoever reads the welcome message.
func (c *call) claimButtons() []bot.Button { return c.roleButtons(c.e.cfg.Roles) }

// announcePhase posts the phase guide and checklist in the channel and sends each role
// holder their part privately.
func (c *call) announcePhase(phase bot.Phase) error {
	cmdr, acting, err := c.commander()
	if err != nil {
		return err
	}
	roles, err := c.tx.CurrentRoles(c.inc.Number)
	if err != nil {
		return err
	}
	if _, ok := roles["commander"]; !ok && acting {
		roles["commander"] = cmdr + " (acting)"
	}
	shown := map[string]string{} // the holders as people, for the template
	for role, person := range roles {
		if p, acting := strings.CutSuffix(person, " (acting)"); acting {
			shown[role] = c.whoSlot(p) + " (acting)"
		} else {
			shown[role] = c.whoSlot(person)
		}
	}
	data := templates.PhaseData{ID: c.inc.ID(), Title: c.wordsSlot(c.inc.Title), Severity: c.inc.Severity, SeverityName: c.e.cfg.SeverityName(c.inc.Severity),
		Type: c.inc.Type, Phase: string(phase), Drill: c.inc.Drill, Roles: shown}
	guide, err := c.e.tpl.Render("phases/"+string(phase)+".md.tmpl", data)
	if err != nil {
		c.log().Warn("phase template", "err", err)
	}
	list, err := c.checklistText(phase)
	if err != nil {
		return err
	}
	msg := c.markup(strings.TrimSpace(guide))
	if len(msg) > 0 {
		msg = msg.Append(bot.Plain("\n\n")...)
	}
	if err := c.post(bot.Message{Text: msg.Append(list...)}); err != nil {
		return err
	}
	current, err := c.tx.CurrentRoles(c.inc.Number)
	if err != nil {
		return err
	}
	if _, ok := current["commander"]; !ok {
		current["commander"] = cmdr
	}
	for _, role := range c.e.cfg.Roles {
		person, ok := current[role]
		if !ok {
			continue
		}
		d := data
		d.Role, d.Person, d.Title = role, c.whoSlot(person), c.wordsSlot(TitleOutside(c.e.cfg, c.inc)) // a DM: outside the channel
		name := "duties/" + string(phase) + "/" + role + ".md.tmpl"
		if !c.e.tpl.Exists(name) {
			continue
		}
		text, err := c.e.tpl.Render(name, d)
		if err != nil {
			c.log().Warn("duty template", "err", err)
		}
		if text != "" {
			if err := c.dm(person, bot.Message{Text: c.markup(text)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// checklistText shows a phase's exit criteria with their state. The items are the
// operator's words (checklist templates, playbooks) and may carry markup; who ticked one is
// a person.
func (c *call) checklistText(phase bot.Phase) (bot.Text, error) {
	items, err := c.tx.Checklist(c.inc.Number, phase)
	if err != nil {
		return nil, err
	}
	missing, err := c.missingFactsLine()
	if err != nil {
		return nil, err
	}
	var b textBuf
	if len(items) == 0 {
		b.printf("No exit criteria for %s.", phase)
	} else {
		b.printf("*Exit criteria for %s* (tick with /incident check <n>):", phase)
	}
	for _, it := range items {
		mark := "[ ]"
		if it.CheckedAt != nil {
			mark = "[x]"
		}
		b.printf("\n%s %d. %s", mark, it.N, bot.Markup(it.Text))
		if it.CheckedAt != nil {
			b.printf(" — %s", bot.Who(it.CheckedBy))
		}
	}
	if missing != "" {
		b.printf("\n%s", bot.Markup(missing))
	}
	return b.t, nil
}
