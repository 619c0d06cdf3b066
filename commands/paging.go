package commands

import (
	"strings"
	"unicode"

	"github.com/warroom/warroom/bot"
)

// On-call paging (issue 6). /page sends a page to a team's on-call, escalating by the
// team's policy, or to one person; /oncall shows the schedules and overrides them. The
// pieces:
//
//	page.go             /page <team|@user> <message>
//	escalation.go       escalation steps, one timer per open page
//	page_ack.go         acknowledgement: /page ack, the button, a ✅ on the page DM
//	page_list.go        /page list
//	page_notify.go      the page DMs and channel posts
//	oncall.go           /oncall [team], /oncall me
//	oncall_override.go  /oncall override …
//	handoff.go          handoff DMs, one timer per team

const (
	timerPageStep = "page.step"      // the next escalation step of a page
	timerHandoff  = "oncall.handoff" // a team's next handoff
	actionPageAck = "page.ack"       // the Acknowledge button; value is the page id
	emojiAck      = "white_check_mark"
)

const pageUsage = "Usage: /page <team|@user> <message> · /page list · /page ack [id]"

// registerPaging adds the escalation and handoff timers, the Acknowledge button, the ✅
// reaction and the close observer that withdraws an incident's open pages.
func registerPaging(e *Engine) {
	e.timers[timerPageStep] = escalationDue
	e.timers[timerHandoff] = handoffDue
	e.buttons[actionPageAck] = ackByButton
	// ✅ may mean something to another feature too: a reaction on anything but a page DM
	// falls through to it.
	other := e.reactions[emojiAck]
	e.reactions[emojiAck] = func(c *call, r bot.Reaction) error {
		handled, err := ackByReaction(c, r)
		if handled || err != nil || other == nil {
			return err
		}
		return other(c, r)
	}
	e.observers = append(e.observers, withdrawPagesOnClose)
}

// page runs /page.
func (c *call) page(text string) error {
	first, rest := cutWord(text)
	switch strings.ToLower(first) {
	case "":
		return refuse("%s", pageUsage)
	case "list":
		if rest != "" {
			return refuse("Usage: /page list")
		}
		if err := c.authorize("page list"); err != nil {
			return err
		}
		return c.pageList()
	case "ack":
		return c.pageAckCommand(rest)
	}
	if err := c.authorize("page"); err != nil {
		return err
	}
	return c.sendPage(first, rest)
}

// oncall runs /oncall.
func (c *call) oncall(text string) error {
	first, rest := cutWord(text)
	if !strings.EqualFold(first, "override") {
		if err := c.authorize("oncall"); err != nil {
			return err
		}
	}
	switch strings.ToLower(first) {
	case "":
		return c.oncallAll()
	case "me":
		if rest != "" {
			return refuse("%s", oncallUsage)
		}
		return c.oncallMe()
	case "override":
		return c.oncallOverride(rest)
	}
	if rest != "" {
		return refuse("%s", oncallUsage)
	}
	team, err := c.team(first)
	if err != nil {
		return err
	}
	return c.oncallTeam(team)
}

// cutWord splits off the first word, keeping case (a Slack mention <@U0ABC> is
// case-sensitive).
func cutWord(text string) (word, rest string) {
	text = strings.TrimSpace(text)
	i := strings.IndexFunc(text, unicode.IsSpace)
	if i < 0 {
		return text, ""
	}
	return text[:i], strings.TrimSpace(text[i+1:])
}
