package commands

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// unansweredShown is how long an unanswered page stays in /page list (it can still be
// acknowledged late).
const unansweredShown = 24 * time.Hour

// pageList runs /page list: the open pages, then those nobody answered in the last day.
func (c *call) pageList() error {
	pages, err := c.tx.PagesSince(c.now.Add(-unansweredShown))
	if err != nil {
		return err
	}
	var open, unanswered []string
	for _, p := range pages {
		if ok, err := c.maySeePage(&p); err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		line, err := c.pageLine(&p)
		if err != nil {
			return err
		}
		switch p.State {
		case bot.PageOpen:
			open = append(open, line)
		case bot.PageUnanswered:
			unanswered = append(unanswered, line)
		}
	}
	if len(open) == 0 && len(unanswered) == 0 {
		c.say("No open pages.")
		return nil
	}
	if len(open) > 0 {
		c.say("Open pages:\n%s", strings.Join(open, "\n"))
	} else {
		c.say("No open pages.")
	}
	if len(unanswered) > 0 {
		c.say("Unanswered (a late /page ack still counts):\n%s", strings.Join(unanswered, "\n"))
	}
	return nil
}

// maySeePage: a page's text is for whoever sent it, was notified by it or is in its team,
// for those who may see its incident, and for the leads.
func (c *call) maySeePage(p *bot.Page) (bool, error) {
	if p.PagedBy == c.who || p.Person == c.who || c.e.cfg.IsLead(c.who) || p.Team != "" && c.inTeam(p.Team, c.who) {
		return true, nil
	}
	if p.Incident != 0 {
		if ok, err := MaySee(c.tx, c.e.cfg, c.who, p.Incident); err != nil || ok {
			return ok, err
		}
	}
	notified, err := c.notifiedPeople(p.ID)
	return slices.Contains(notified, c.who), err
}

// pageLine is one page in the list.
func (c *call) pageLine(p *bot.Page) (string, error) {
	notified, err := c.notifiedPeople(p.ID)
	if err != nil {
		return "", err
	}
	line := fmt.Sprintf("• %d · %s · %q · by %s %s ago", p.ID, p.Target, p.Message, p.PagedBy, fmtDuration(c.now.Sub(p.CreatedAt)))
	if p.Incident != 0 {
		line += " · " + bot.FormatID(p.Incident)
	}
	if p.State == bot.PageOpen {
		line += " · " + stepLabel(p.Policy, p.Step)
	}
	if len(notified) > 0 {
		line += " · notified " + strings.Join(notified, ", ")
	}
	return line, nil
}
