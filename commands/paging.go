package commands

import (
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

// pagingVerbs are /page's and /oncall's verbs, declared like /incident's.
func pagingVerbs() []*Verb {
	return []*Verb{verbPage, verbPageList, verbPageAck, verbOnCall, verbOnCallMe, verbOverride, verbOverrideCancel}
}

var verbPage = &Verb{
	Command: "page", Summary: "page a team's on-call responder, or one person", WholeUsage: true,
	Args: []Arg{
		{Name: "user", Kind: ArgUser, Slot: "target", Required: true, Placeholder: "<team|@user>", Help: "who to page"},
		{Name: "team", Kind: ArgWord, Slot: "target", Required: true, Help: "the team to page"},
		{Name: "message", Kind: ArgText, Required: true, Help: "say what the page is about, e.g. /page secops phishing kit live on login page"},
	},
	Run: func(c *call) error {
		return c.sendPage(c.args.Text("team"), c.args.Has("user"), c.args.Text("message"))
	},
}

var verbPageList = &Verb{
	Command: "page", Name: "list", Summary: "open pages",
	Run: func(c *call) error { return c.pageList() },
}

var verbPageAck = &Verb{
	Command: "page", Name: "ack", Summary: "acknowledge a page (default: your latest)", SelfAuthorize: true,
	Args: []Arg{{Name: "id", Kind: ArgInt, Label: "page id", Help: "the page number; default your most recent open page"}},
	Run:  func(c *call) error { return c.pageAckCommand(c.args.Int("id")) },
}

var verbOnCall = &Verb{
	Command: "oncall", Sub: "show", Summary: "who is on call (all teams, or one)", WholeUsage: true,
	Args: []Arg{{Name: "team", Kind: ArgWord, Help: "one team; default all"}},
	Run: func(c *call) error {
		if !c.args.Has("team") {
			return c.oncallAll()
		}
		team, err := c.team(c.args.Text("team"))
		if err != nil {
			return err
		}
		return c.oncallTeam(team)
	},
}

var verbOnCallMe = &Verb{
	Command: "oncall", Name: "me", Summary: "your own on-call shifts", Action: "oncall", WholeUsage: true,
	Run: func(c *call) error { return c.oncallMe() },
}

var verbOverride = &Verb{
	Command: "oncall", Name: "override", SelfAuthorize: true,
	Summary: "take over or hand over a shift (the team's members and the leads)",
	Args: []Arg{{Name: "team", Kind: ArgWord, Required: true, Help: "the team"}, {Name: "user", Kind: ArgUser, Required: true, Help: "who covers"},
		{Name: "duration", Kind: ArgDuration, Required: true, Label: "shift", Help: "for how long, e.g. 4h, 2d"}},
	Run: func(c *call) error {
		return c.oncallOverride(c.args.Text("team"), c.args.Duration("duration"))
	},
}

var verbOverrideCancel = &Verb{
	Command: "oncall", Name: "override cancel", SelfAuthorize: true, Action: "oncall override",
	Summary: "end an override now (its id is in /oncall <team>)",
	Args:    []Arg{{Name: "id", Kind: ArgInt, Required: true, Label: "override id", Help: "the override's number"}},
	Run:     func(c *call) error { return c.cancelOverride(c.args.Int("id")) },
}
