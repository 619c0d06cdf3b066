package commands

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/oncall"
)

// pageRef names a page in Outbound.Ref, so a ✅ on its DM finds it again.
func pageRef(id int64) string { return "page:" + strconv.FormatInt(id, 10) }

// notifyStep sends the page to each person a step reaches and records it.
func (c *call) notifyStep(p *bot.Page, step oncall.Step, index, round int, people []string) error {
	earlier, err := c.notifiedPeople(p.ID)
	if err != nil {
		return err
	}
	why := whyYou(p, step)
	var unreachable []string
	for _, person := range people {
		again := false
		for _, e := range earlier {
			again = again || e == person
		}
		sent, err := c.dmOn(p.Platform, person, c.pageDM(p, why, again), pageRef(p.ID))
		if err != nil {
			return err
		}
		if !sent {
			unreachable = append(unreachable, person)
		}
		if _, err := c.tx.AddPageNotification(bot.PageNotification{Page: p.ID, Person: person, Step: index, Round: round, At: c.now}); err != nil {
			return err
		}
	}
	text := fmt.Sprintf("page %d %s → %s (%s)", p.ID, stepLabel(p.Policy, index), strings.Join(people, ", "), why)
	if len(unreachable) > 0 {
		text += fmt.Sprintf("; no %s id for %s, not sent", p.Platform, strings.Join(unreachable, ", "))
	}
	return c.recordPage(p, text, bot.Data{"action": "notified", "step": index, "round": round, "people": people})
}

// whyYou tells a recipient why the page reached them.
func whyYou(p *bot.Page, step oncall.Step) string {
	switch {
	case p.Team == "":
		return "paged directly by " + p.PagedBy
	case step.Notify == oncall.NotifyOnCall && step.Rotation != "":
		return "on call for " + p.Team + " (" + step.Rotation + ")"
	case step.Notify == oncall.NotifyOnCall:
		return "on call for " + p.Team
	case step.Notify == oncall.NotifyUser:
		return "next in " + p.Team + "'s escalation"
	default:
		return "in " + p.Team
	}
}

// pageDM is the direct message a recipient gets, with the Acknowledge button.
func (c *call) pageDM(p *bot.Page, why string, again bool) bot.Message {
	var b textBuf
	if again {
		b.printf("📟 Page %d is still unanswered — from %s for %s: %s", p.ID, bot.Who(p.PagedBy), p.Target, p.Message)
	} else {
		b.printf("📟 Page %d from %s for %s: %s", p.ID, bot.Who(p.PagedBy), p.Target, p.Message)
	}
	if c.inc != nil && c.inc.Number == p.Incident {
		b.printf("\n%s · %s · #%s", c.inc.ID(), TitleOutside(c.e.cfg, c.inc), c.inc.ChannelName)
	}
	b.printf("\nYou get this because you are %s. Acknowledge with the button, a ✅ reaction here, or /page ack %d.", why, p.ID)
	return bot.Message{Text: b.t, Buttons: []bot.Button{{Action: actionPageAck, Label: "Acknowledge", Value: strconv.FormatInt(p.ID, 10), Style: "primary"}}}
}

// pageSentText is the incident channel's note that a page went out.
func (c *call) pageSentText(p *bot.Page, run stepRun) bot.Text {
	text := bot.Textf("📟 %s paged %s (page %d): %s\nNotified: %s. Escalates in %s unless acknowledged (the button or ✅ on the page, or /page ack %d).",
		bot.Who(p.PagedBy), p.Target, p.ID, p.Message, strings.Join(run.notified, ", "), fmtDuration(run.wait), p.ID)
	if len(run.skipped) > 0 {
		text = text.Append(bot.Textf("\nSkipped: %s.", strings.Join(run.skipped, "; "))...)
	}
	return text
}

// dmOn queues a direct message to person on platform. ref (optional) names what the
// message is about (Outbound.Ref). It reports false when the person has no id there.
func (c *call) dmOn(platform, person string, m bot.Message, ref string) (bool, error) {
	id, ok := c.e.cfg.PlatformID(platform, person)
	if !ok {
		return false, nil
	}
	return true, c.tx.Enqueue(bot.Outbound{Lane: "dm:" + platform + ":" + id, Platform: platform, Op: bot.OpDM, Ref: ref, Incident: c.number(),
		Payload: bot.Payload{User: id, Message: m}}, c.now)
}
