package commands

import (
	"strconv"
	"time"

	"github.com/warroom/warroom/bot"
)

// joinRepeat is how often one person's requests to join one incident are answered: a
// repeated /incident join within it is refused and writes nothing, so nobody can flood an
// incident channel (and its timeline) with requests.
const joinRepeat = time.Hour

var verbJoin = &Verb{
	Name: "join", Scope: Anywhere, Summary: "ask to join an incident; its commander approves",
	Args: []Arg{{Name: "incident", Kind: ArgIncident, Required: true}},
	Run: func(c *call) error {
		inc, err := c.lookupIncident(c.args.Text("incident"))
		if err != nil {
			return err
		}
		c.inc = inc
		if err := c.authorize("incident join"); err != nil {
			return err
		}
		member, err := c.tx.IsMember(inc.Number, c.who)
		if err != nil {
			return err
		}
		if member {
			return refuse("You are already in %s: #%s.", inc.ID(), inc.ChannelName)
		}
		if asked, ok, err := c.joinAsked(inc, c.who); err != nil {
			return err
		} else if ok && c.now.Sub(asked) < joinRepeat {
			return refuse("You asked to join %s %s ago; its commander has been asked. Asking again is answered once an hour.", inc.ID(), fmtDuration(c.now.Sub(asked)))
		}
		if err := c.record(bot.KindJoin, c.who+" asked to join", bot.Data{"person": c.who}); err != nil {
			return err
		}
		value := strconv.FormatInt(inc.Number, 10) + ":" + c.who
		if err := c.post(bot.Message{Text: bot.Textf("%s asks to join %s. The commander (or scribe, or a lead) can approve, or run /incident invite @%s.", c.who, inc.ID(), c.who),
			Buttons: []bot.Button{{Action: "join.approve", Label: "Approve", Value: value, Style: "primary"}}}); err != nil {
			return err
		}
		c.say("Asked to join %s; you will be added when the commander approves.", inc.ID())
		return nil
	},
}

// approveJoin handles the Approve button of a join request: only for someone who asked.
func approveJoin(c *call, value string) error {
	person, err := c.incidentButton("press join.approve", "invite", value)
	if err != nil {
		return err
	}
	if _, asked, err := c.joinAsked(c.inc, person); err != nil || !asked {
		if err == nil {
			err = refuse("%s has not asked to join %s; bring them in with /incident invite @%s.", person, c.inc.ID(), person)
		}
		return err
	}
	return c.addPerson(person)
}

// joinAsked finds person's latest request to join inc on its timeline (the request is
// recorded there, so approval and the hourly limit need no other state).
func (c *call) joinAsked(inc *bot.Incident, person string) (time.Time, bool, error) {
	h, err := c.membershipOf(inc, person)
	return h.askedAt, h.asked, err
}

// membership is what an incident's timeline says of one person's membership.
type membership struct {
	asked   bool // asked to join since they were last removed
	askedAt time.Time
	removed bool // the last change to their membership was a removal
}

// membershipOf reads it from the entries' data (which a redaction of the text keeps).
func (c *call) membershipOf(inc *bot.Incident, person string) (membership, error) {
	var m membership
	err := c.tx.EachEntry(inc.Number, func(e bot.Entry) error {
		if e.Kind != bot.KindJoin && e.Kind != bot.KindMember {
			return nil
		}
		d, _ := bot.DecodeData(e.Data)
		who := d.Str("person")
		if who == "" && e.Kind == bot.KindJoin {
			who = e.Actor // a request recorded before entries carried data
		}
		if who != person {
			return nil
		}
		switch {
		case e.Kind == bot.KindJoin:
			m.asked, m.askedAt = true, e.At
		case d.Str("action") == "remove":
			m.asked, m.removed = false, true // a request from before a removal lets nobody back in
		default:
			m.removed = false
		}
		return nil
	})
	return m, err
}
