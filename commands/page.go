package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/duration"
	"github.com/warroom/warroom/oncall"
)

// Paging a person directly (/page @bob …) has no team policy; it uses this one: notify
// them, wait 5 minutes, three times in all — unanswered after 15 minutes.
const (
	directRepeat = 3
	directWait   = 5 * time.Minute
)

// directPolicy is the escalation of a direct page to person.
func directPolicy(person string) oncall.Policy {
	return oncall.Policy{Repeat: directRepeat, Steps: []oncall.Step{{Notify: oncall.NotifyUser, User: person, Wait: duration.Duration(directWait)}}}
}

// sendPage runs /page <team|@user> <message>: it records the page and runs the first
// escalation step now; the rest follow by timer. toPerson: the page is for the call's user
// argument, not the team.
func (c *call) sendPage(target string, toPerson bool, message string) error {
	p := &bot.Page{Message: message, PagedBy: c.who, Platform: c.src.Platform, Channel: c.src.Channel, CreatedAt: c.now}
	if toPerson {
		person, err := c.pageablePerson()
		if err != nil {
			return err
		}
		p.Person, p.Target, p.Policy = person, "@"+person, directPolicy(person)
	} else {
		team, err := c.team(target)
		if err != nil {
			return err
		}
		p.Team, p.Target = team, team
		if p.Policy, err = c.e.cfg.OnCall.Escalation(team); err != nil {
			return err
		}
	}
	inc, err := c.tx.IncidentByChannel(c.src.Platform, c.src.Channel)
	if err != nil && !isNotFound(err) {
		return err
	}
	switch {
	case inc != nil && inc.Drill: // open or closed, a drill's channel never pages anyone
		c.inc = inc
		return c.drillPage(p)
	case inc != nil && inc.Open():
		c.inc, p.Incident, p.Platform = inc, inc.Number, inc.Platform
		if err := c.authorize("page (from an incident)"); err != nil {
			return err
		}
	}
	run, err := c.startPage(p)
	if err != nil {
		return err
	}
	if len(run.notified) == 0 {
		// Refusing rolls the page back: nothing half-done.
		return refuse("Nobody can be paged for %s right now: %s. See /oncall %s.", p.Target, strings.Join(run.skipped, "; "), p.Team)
	}
	if err := c.postPageSent(p, run); err != nil {
		return err
	}
	c.say("Page %d sent to %s: %s notified. It escalates in %s unless acknowledged; /page list shows open pages.",
		p.ID, p.Target, strings.Join(run.notified, ", "), fmtDuration(run.wait))
	return nil
}

// startPage records page p (on its incident's timeline too) and runs its first step.
func (c *call) startPage(p *bot.Page) (stepRun, error) {
	if err := c.tx.CreatePage(p); err != nil {
		return stepRun{}, err
	}
	if p.Incident != 0 {
		if err := c.record(bot.KindPage, fmt.Sprintf("page %d to %s by %s: %s", p.ID, p.Target, c.who, p.Message),
			bot.Data{"page": p.ID, "action": "sent", "target": p.Target}); err != nil {
			return stepRun{}, err
		}
	}
	return c.escalate(p, 0)
}

// postPageSent tells the incident's channel whom a page notified. The post carries the
// page's ref too: a ✅ on it in the channel acknowledges.
func (c *call) postPageSent(p *bot.Page, run stepRun) error {
	if p.Incident == 0 {
		return nil
	}
	return c.tx.Enqueue(bot.Outbound{Lane: laneOf(c.inc), Platform: c.inc.Platform, Op: bot.OpPost, Incident: c.inc.Number,
		Ref: pageRef(p.ID), Payload: bot.Payload{Message: bot.Message{Text: c.pageSentText(p, run)}}}, c.now)
}

// pageablePerson resolves the user argument for a direct page: someone in the roster (or
// an on-call team), or anyone on the console while no roster is configured.
func (c *call) pageablePerson() (string, error) {
	person, err := c.person("user")
	if err != nil {
		return "", err
	}
	if person == c.who {
		return "", refuse("You cannot page yourself.")
	}
	if _, ok := c.e.cfg.Person(person); ok {
		return person, nil
	}
	for _, team := range c.e.cfg.OnCall.TeamNames() {
		for _, m := range c.e.cfg.OnCall.TeamMembers(team) {
			if m == person {
				return person, nil
			}
		}
	}
	if strings.Contains(person, ":") {
		return person, nil // a platform user outside the roster: reachable by their id
	}
	if c.platform() == "console" && len(c.e.cfg.Roster) == 0 {
		return person, nil
	}
	return "", refuse("Unknown user @%s: paging needs them in warroom's roster.", strings.TrimPrefix(person, "@"))
}

// drillPage stands in for a page sent from a drill's channel: it names who would be paged
// and pages nobody.
func (c *call) drillPage(p *bot.Page) error {
	plan := c.describePlan(p)
	text := bot.Textf("DRILL: would page %s — %s\nWould notify: %s", p.Target, p.Message, plan)
	if err := c.record(bot.KindPage, fmt.Sprintf("DRILL: would page %s (%s): %s", p.Target, plan, p.Message),
		bot.Data{"action": "drill", "target": p.Target}); err != nil {
		return err
	}
	if err := c.post(bot.Message{Text: text}); err != nil {
		return err
	}
	c.say("This is a drill: nobody was paged. Would notify: %s.", plan)
	return nil
}

// describePlan lays out whom a page would notify when, from now, without notifying anyone.
func (c *call) describePlan(p *bot.Page) string {
	ovs, _ := c.overridesFrom(c.now)
	var parts []string
	for _, ps := range p.Policy.Plan() {
		people, _ := c.stepTargets(p, ps.Step, c.now.Add(ps.At), ovs)
		who := "nobody"
		if len(people) > 0 {
			who = strings.Join(people, ", ")
		}
		when := "at once"
		if ps.At > 0 {
			when = "after " + fmtDuration(ps.At)
		}
		parts = append(parts, who+" "+when)
	}
	return strings.Join(parts, ", ") + fmt.Sprintf("; unanswered after %s", fmtDuration(p.Policy.Total()))
}
