package commands

import (
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/oncall"
)

// maxOverride bounds an override: longer cover belongs in the rotation itself.
const maxOverride = 90 * 24 * time.Hour

// oncallOverride runs /oncall override <team> @user <duration>: the person is on call for
// the team from now for the duration, ahead of its rotations. Overrides are kept, shown by
// /oncall <team> and undone with /oncall override cancel <id>.
func (c *call) oncallOverride(teamName string, d time.Duration) error {
	team, err := c.team(teamName)
	if err != nil {
		return err
	}
	person, err := c.person("user")
	if err != nil {
		return err
	}
	if _, ok := c.e.cfg.Person(person); !ok && !c.inTeam(team, person) && !(c.platform() == "console" && len(c.e.cfg.Roster) == 0) {
		return refuse("Unknown user @%s: an override needs them in warroom's roster.", person)
	}
	if d > maxOverride {
		return refuse("An override lasts at most 90d; change the rotation for longer cover.")
	}
	// Setting cover is for the team and the leads: letting anyone volunteer themselves would
	// let anyone in the workspace receive the team's pages and, by acknowledging one, walk
	// into a private incident as its commander. The person covering may only cancel.
	c.pgTeam = team
	if err := c.authorize("oncall override"); err != nil {
		return err
	}
	o := &bot.Override{Override: oncall.Override{Team: team, Person: person, From: c.now, Until: c.now.Add(d)}, CreatedBy: c.who, CreatedAt: c.now}
	existing, err := c.tx.Overrides(c.now)
	if err != nil {
		return err
	}
	for _, e := range existing {
		if oncall.OverlapsExisting(o.Override, []oncall.Override{e.Override}) {
			return refuse("%s already has override %d (%s from %s until %s) at that time; overrides may not overlap. Cancel it first with /oncall override cancel %d.",
				team, e.ID, e.Person, bot.ChatTime(e.From), bot.ChatTime(e.Until), e.ID)
		}
	}
	ovs, err := c.overridesFrom(c.now)
	if err != nil {
		return err
	}
	displaced, derr := c.e.cfg.OnCall.OnCall(team, c.now, ovs)
	if err := c.tx.AddOverride(o); err != nil {
		return err
	}
	if err := c.armHandoff(team, c.now); err != nil {
		return err
	}
	instead := ""
	if derr == nil && displaced.Person != person {
		instead = " instead of " + displaced.Person
		if displaced.Person != c.who {
			if _, err := c.dmOn(c.platform(), displaced.Person, bot.Message{Text: bot.Textf("%s covers your on-call for %s until %s (override %d, set by %s).",
				person, team, bot.ChatTime(o.Until), o.ID, c.who)}, ""); err != nil {
				return err
			}
		}
	}
	if person != c.who {
		if _, err := c.dmOn(c.platform(), person, bot.Message{Text: bot.Textf("🔔 %s put you on call for %s until %s (override %d%s).",
			c.who, team, bot.ChatTime(o.Until), o.ID, instead)}, ""); err != nil {
			return err
		}
	}
	c.say("Override %d: %s is on call for %s from now until %s%s. Undo with /oncall override cancel %d.",
		o.ID, person, team, bot.ChatTime(o.Until), instead, o.ID)
	return nil
}

// cancelOverride runs /oncall override cancel <id>: the override ends now (or, if it has
// not started, never applies).
func (c *call) cancelOverride(id int64) error {
	o, err := c.tx.Override(id)
	if isNotFound(err) {
		return refuse("There is no override %d.", id)
	}
	if err != nil {
		return err
	}
	if o.CancelledAt != nil {
		return refuse("Override %d was already cancelled by %s.", id, o.CancelledBy)
	}
	if !o.Until.After(c.now) {
		return refuse("Override %d is already over (it ended %s).", id, bot.ChatTime(o.Until))
	}
	c.pgTeam, c.pgCover = o.Team, o.Person
	if err := c.authorize("oncall override"); err != nil {
		return err
	}
	if _, err := c.tx.CancelOverride(id, c.who, c.now); err != nil {
		return err
	}
	if err := c.armHandoff(o.Team, c.now); err != nil {
		return err
	}
	back := ""
	if o.Covers(c.now) {
		ovs, err := c.overridesFrom(c.now)
		if err != nil {
			return err
		}
		if s, err := c.e.cfg.OnCall.OnCall(o.Team, c.now, ovs); err == nil {
			back = "; " + s.Person + " is on call again"
			if s.Person != c.who {
				if _, err := c.dmOn(c.platform(), s.Person, bot.Message{Text: bot.Textf("🔔 You are on call for %s again until %s: %s cancelled override %d (%s).",
					o.Team, bot.ChatTime(s.Until), c.who, id, o.Person)}, ""); err != nil {
					return err
				}
			}
		}
	}
	c.say("Override %d (%s for %s) cancelled%s.", id, o.Person, o.Team, back)
	return nil
}

// inTeam reports whether person is in one of team's rotations.
func (c *call) inTeam(team, person string) bool {
	for _, m := range c.e.cfg.OnCall.TeamMembers(team) {
		if m == person {
			return true
		}
	}
	return false
}

// mayChangeSchedule lets the team's members and the leads set or cancel a team's
// overrides, and the person covering (person; "" when setting one) cancel theirs.
func (c *call) mayChangeSchedule(team, person string) error {
	if person != "" && c.who == person || c.inTeam(team, c.who) || c.e.cfg.IsLead(c.who) {
		return nil
	}
	leads := "none configured"
	if len(c.e.cfg.Leads) > 0 {
		leads = strings.Join(c.e.cfg.Leads, ", ")
	}
	who := "Only %s's members (%s) or a lead (%s) can change its on-call."
	if person != "" {
		who = "Only %s's members (%s), the person covering, or a lead (%s) can change its on-call."
	}
	return forbid(who, team, strings.Join(c.e.cfg.OnCall.TeamMembers(team), ", "), leads)
}
