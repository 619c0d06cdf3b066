package commands

import (
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/templates"
)

var verbRole = &Verb{
	Name: "role", Scope: InIncident,
	Summary: "give a role (or take one with me); giving to others and taking commander are †",
	Hint:    func(e *Engine) string { return ". Roles: " + validList(e.cfg.Roles) + "." },
	Args: []Arg{{Name: "role", Kind: ArgChoice, Required: true, ChoicesOf: func(cfg *config.Config) []string { return cfg.Roles }, Refuse: refuseRole},
		{Name: "user", Kind: ArgUser, Required: true, Placeholder: "<@user|me>"}},
	Run: func(c *call) error {
		role := c.args.Text("role")
		person, err := c.person("user")
		if err != nil {
			return err
		}
		if needsSensitive, why := c.roleChangeIsSensitive(role, person); needsSensitive {
			if err := c.authorizeAs("incident role (others, commander, scribe or held)", "role "+role+" ("+why+")"); err != nil {
				return err
			}
		}
		return c.assignRole(role, person)
	},
}

// assignRole gives role to person, brings them into the channel and sends them the role's
// instructions.
func (c *call) assignRole(role, person string) error {
	roles, err := c.tx.CurrentRoles(c.inc.Number)
	if err != nil {
		return err
	}
	if roles[role] == person {
		return refuse("%s is already %s of %s.", person, role, c.inc.ID())
	}
	if err := c.tx.SetRole(c.inc.Number, role, person, c.who, c.now); err != nil {
		return err
	}
	text := person + " is " + role
	post := bot.Textf("%s is %s", bot.Who(person), role)
	if prev, ok := roles[role]; ok {
		text += " (was " + prev + ")"
		post = post.Append(bot.Textf(" (was %s)", bot.Who(prev))...)
	}
	if person != c.who {
		text += ", assigned by " + c.who
		post = post.Append(bot.Textf(", assigned by %s", bot.Who(c.who))...)
	}
	roleData := bot.Data{"role": role, "person": person, "by": c.who}
	if prev, ok := roles[role]; ok {
		roleData["was"] = prev
	}
	if err := c.record(bot.KindRole, text, roleData); err != nil {
		return err
	}
	if err := c.happen(Happening{Kind: HappenRole, Role: role, Who: person}); err != nil {
		return err
	}
	if err := c.invite(person); err != nil {
		return err
	}
	if err := c.post(bot.Message{Text: post.Append(bot.Plain(".")...)}); err != nil {
		return err
	}
	instr, rerr := c.e.tpl.Render("roles/"+role+".md.tmpl", templates.RoleData{ID: c.inc.ID(), Title: c.wordsSlot(TitleOutside(c.e.cfg, c.inc)), Severity: c.inc.Severity,
		Phase: string(c.inc.Phase), Role: role, Person: c.whoSlot(person), Channel: c.inc.ChannelName, Drill: c.inc.Drill})
	if rerr != nil {
		c.log().Warn("role template", "err", rerr)
	}
	msg := c.markup(instr)
	if instr == "" {
		msg = bot.Textf("You are %s of %s (%s) in #%s.", role, c.inc.ID(), TitleOutside(c.e.cfg, c.inc), c.inc.ChannelName)
	}
	if err := c.dm(person, bot.Message{Text: msg}); err != nil {
		return err
	}
	c.dirty = true
	c.say("%s.", text)
	return nil
}

var verbRoles = &Verb{
	Args: []Arg{leadIncident},
	Name: "roles", Scope: InIncident, Summary: "who holds which role",
	Run: func(c *call) error {
		roles, err := c.tx.CurrentRoles(c.inc.Number)
		if err != nil {
			return err
		}
		cmdr, acting, err := c.commander()
		if err != nil {
			return err
		}
		c.say("Roles on %s:", c.inc.ID())
		for _, r := range c.e.cfg.Roles {
			holder, ok := roles[r]
			switch {
			case r == "commander":
				holder = commanderLabel(cmdr, acting)
			case !ok:
				holder = "—"
			}
			c.say("• %s: %s", r, holder)
		}
		members, err := c.tx.Members(c.inc.Number)
		if err != nil {
			return err
		}
		c.say("Members: %s", strings.Join(members, ", "))
		return nil
	},
}

var verbInvite = &Verb{
	Name: "invite", Scope: InIncident,
	Summary: "add someone to the incident channel",
	Args:    []Arg{{Name: "user", Kind: ArgUser, Required: true}},
	Run: func(c *call) error {
		person, err := c.onePerson()
		if err != nil {
			return err
		}
		return c.addPerson(person)
	},
}

func (c *call) addPerson(person string) error {
	member, err := c.tx.IsMember(c.inc.Number, person)
	if err != nil {
		return err
	}
	if member {
		return refuse("%s is already in %s.", person, c.inc.ID())
	}
	if err := c.invite(person); err != nil {
		return err
	}
	if err := c.record(bot.KindMember, person+" added by "+c.who, bot.Data{"person": person, "action": "add"}); err != nil {
		return err
	}
	if err := c.post(bot.Message{Text: bot.Textf("%s added %s to %s.", c.who, person, c.inc.ID())}); err != nil {
		return err
	}
	if err := c.dm(person, bot.Message{Text: bot.Textf("%s added you to %s (%s): #%s", c.who, c.inc.ID(), TitleOutside(c.e.cfg, c.inc), c.inc.ChannelName)}); err != nil {
		return err
	}
	c.say("%s added to %s.", person, c.inc.ID())
	return nil
}

var verbRemove = &Verb{
	Name: "remove", Scope: InIncident,
	Summary: "take someone out of the incident channel (and their roles)",
	Args:    []Arg{{Name: "user", Kind: ArgUser, Required: true}},
	Run: func(c *call) error {
		person, err := c.onePerson()
		if err != nil {
			return err
		}
		if person == c.who {
			return refuse("You cannot remove yourself; hand over your roles first, then leave the channel.")
		}
		removed, err := c.tx.RemoveMember(c.inc.Number, person)
		if err != nil {
			return err
		}
		if !removed {
			return refuse("%s is not in %s.", person, c.inc.ID())
		}
		ended, err := c.tx.EndRoles(c.inc.Number, person, c.now)
		if err != nil {
			return err
		}
		text := person + " removed by " + c.who
		post := bot.Textf("%s removed by %s", bot.Who(person), bot.Who(c.who))
		if len(ended) > 0 {
			text += " (no longer " + strings.Join(ended, ", ") + ")"
			post = post.Append(bot.Textf(" (no longer %s)", strings.Join(ended, ", "))...)
		}
		if err := c.record(bot.KindMember, text, bot.Data{"person": person, "action": "remove", "ended_roles": ended}); err != nil {
			return err
		}
		if id, ok := c.e.cfg.PlatformID(c.inc.Platform, person); ok {
			if err := c.channelOp(bot.OpRemove, bot.Payload{User: id}); err != nil {
				return err
			}
		}
		if err := c.post(bot.Message{Text: post.Append(bot.Plain(".")...)}); err != nil {
			return err
		}
		c.dirty = len(ended) > 0
		c.say("%s.", text)
		return nil
	},
}

// incidentButton reads a button value "<incident>:<arg>", makes that incident the call's
// and asks the policy about action on it (refusals name the verb it stands for). Values
// come from the platform and may be forged: both halves must be there.
func (c *call) incidentButton(action, verb, value string) (string, error) {
	num, arg, ok := strings.Cut(value, ":")
	if !ok || arg == "" {
		return "", refuse("That button is malformed.")
	}
	inc, err := c.lookupIncident(num)
	if err != nil {
		return "", err
	}
	c.inc = inc
	return arg, c.authorizeAs(action, verb)
}

// claimRole handles an "I'm <role>" button.
func claimRole(c *call, value string) error {
	role, err := c.incidentButton("press role.claim", "role", value)
	if err != nil {
		return err
	}
	if !c.e.cfg.HasRole(role) || role == "commander" || role == "scribe" {
		return refuse("That role cannot be claimed with a button.")
	}
	if sensitive, why := c.roleChangeIsSensitive(role, c.who); sensitive {
		return refuse("The %s role cannot be claimed: %s. Ask the commander.", role, why)
	}
	return c.assignRole(role, c.who)
}

// roleChangeIsSensitive says whether giving role to person is a † change: giving a role to
// someone else, taking commander or scribe (both carry the † powers), or taking a role
// someone else holds.
func (c *call) roleChangeIsSensitive(role, person string) (bool, string) {
	switch {
	case person != c.who:
		return true, "for someone else"
	case role == "commander" || role == "scribe":
		return true, "it carries the commander's powers"
	}
	roles, err := c.tx.CurrentRoles(c.inc.Number)
	if err == nil && roles[role] != "" && roles[role] != c.who {
		return true, "held by " + roles[role]
	}
	return false, ""
}

// onePerson reads a verb's single @user argument.
func (c *call) onePerson() (string, error) { return c.person("user") }
