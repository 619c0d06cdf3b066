package commands

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

// pageAckCommand runs /page ack [id]; without an id it acknowledges the caller's most
// recent open page.
func (c *call) pageAckCommand(id int64) error {
	if id == 0 {
		pages, err := c.tx.PagesNotifying(c.who, bot.PageOpen, bot.PageUnanswered)
		if err != nil {
			return err
		}
		if len(pages) == 0 {
			return refuse("You have no open page to acknowledge. /page list shows the open pages.")
		}
		return c.ackPage(&pages[0], "page ack")
	}
	p, err := c.tx.Page(id)
	if isNotFound(err) {
		return refuse("There is no page %d. /page list shows the open pages.", id)
	}
	if err != nil {
		return err
	}
	return c.ackPage(p, "page ack")
}

// parsePageID reads "3" or "#3".
func parsePageID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, refuse("%q is not a page id: /page ack 3 (the number in the page).", s)
	}
	return id, nil
}

// ackByButton handles the page's Acknowledge button.
func ackByButton(c *call, value string) error {
	id, err := parsePageID(value)
	if err != nil {
		return refuse("That button is malformed.")
	}
	p, err := c.tx.Page(id)
	if isNotFound(err) {
		return refuse("That page no longer exists.")
	}
	if err != nil {
		return err
	}
	return c.ackPage(p, "press page.ack")
}

// ackByReaction acknowledges the page whose DM got a ✅; handled is false for any other
// message.
func ackByReaction(c *call, r bot.Reaction) (handled bool, err error) {
	ref, err := c.tx.MessageRef(c.src.Platform, r.MessageID)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	num, ok := strings.CutPrefix(ref, "page:")
	if !ok {
		return false, nil
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return false, nil
	}
	p, err := c.tx.Page(id)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	return true, c.ackPage(p, "react white_check_mark")
}

// ackPage acknowledges a page as the caller: escalation stops, the pager (or the incident)
// is told, and when paged from an open incident the caller joins its channel and — while it
// has only an acting commander — becomes its commander.
func (c *call) ackPage(p *bot.Page, action string) error {
	switch p.State {
	case bot.PageAcked:
		return refuse("Page %d was already acknowledged by %s at %s.", p.ID, p.AckedBy, bot.ChatTime(*p.AckedAt))
	case bot.PageCancelled:
		return refuse("Page %d was withdrawn (its incident closed); there is nothing to acknowledge.", p.ID)
	}
	c.pg = p
	if err := c.authorize(action); err != nil {
		return err
	}
	if ok, err := c.tx.AckPage(p.ID, c.who, c.now); err != nil || !ok {
		return err
	}
	if err := c.cancelTimer(pageTimerKey(p.ID)); err != nil {
		return err
	}
	took := fmtDuration(c.now.Sub(p.CreatedAt))
	c.say("Acknowledged page %d (%s: %s) after %s.", p.ID, p.Target, p.Message, took)
	note := bot.Textf("✅ %s acknowledged page %d (%s: %s) after %s.", bot.Who(c.who), p.ID, p.Target, p.Message, took)
	if p.Incident == 0 {
		if p.PagedBy != c.who {
			_, err := c.dmOn(p.Platform, p.PagedBy, bot.Message{Text: note}, "")
			return err
		}
		return nil
	}
	inc, err := c.tx.Incident(p.Incident)
	if err != nil {
		return err
	}
	c.inc = inc
	if err := c.record(bot.KindPage, fmt.Sprintf("page %d to %s acknowledged by %s after %s", p.ID, p.Target, c.who, took), bot.Data{"page": p.ID, "action": "acked", "by": c.who}); err != nil {
		return err
	}
	if !inc.Open() {
		_, err := c.dmOn(p.Platform, p.PagedBy, bot.Message{Text: note}, "")
		return err
	}
	if err := c.post(bot.Message{Text: note}); err != nil {
		return err
	}
	return c.bringIn(inc, p)
}

// bringIn adds the acknowledger to the incident and, when the policy says so (they were
// notified, did not page, and it has only an acting commander), makes them commander.
func (c *call) bringIn(inc *bot.Incident, p *bot.Page) error {
	member, err := c.tx.IsMember(inc.Number, c.who)
	if err != nil {
		return err
	}
	if !member {
		if err := c.invite(c.who); err != nil {
			return err
		}
		if err := c.record(bot.KindMember, c.who+" joined (acknowledged a page)", bot.Data{"person": c.who, "action": "add"}); err != nil {
			return err
		}
		c.say("You are now in #%s.", inc.ChannelName)
	}
	takes, err := c.takesCommandByAck(p)
	if err != nil || !takes {
		return err
	}
	return c.assignRole("commander", c.who)
}

// mayAck lets acknowledge a page whoever it was sent to and, for a team page, anyone in
// the team (or on call for it).
func (c *call) mayAck(p *bot.Page) error {
	notified, err := c.notifiedPeople(p.ID)
	if err != nil {
		return err
	}
	for _, n := range notified {
		if n == c.who {
			return nil
		}
	}
	if p.Team != "" {
		for _, m := range c.e.cfg.OnCall.TeamMembers(p.Team) {
			if m == c.who {
				return nil
			}
		}
		ovs, err := c.overridesFrom(c.now)
		if err != nil {
			return err
		}
		if s, err := c.e.cfg.OnCall.OnCall(p.Team, c.now, ovs); err == nil && s.Person == c.who {
			return nil
		}
	}
	also := ""
	if p.Team != "" {
		also = " or someone in " + p.Team
	}
	return forbid("Page %d was sent to %s (notified: %s), not to you; only they%s can acknowledge it.",
		p.ID, p.Target, strings.Join(notified, ", "), also)
}
