package commands

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
)

// forbid is a refusal by the policy: the engine counts it apart from other refusals
// (outcome "forbidden"), and like every refusal it rolls the transaction back.
func forbid(format string, args ...any) error {
	return &userError{msg: bot.Textf(format, args...), forbidden: true}
}

func isForbidden(err error) bool {
	var u *userError
	return errors.As(err, &u) && u.forbidden
}

// standing is what a person is on one incident.
type standing struct {
	member, lead, commander, acting, scribe bool
}

func (s standing) steward() bool {
	return s.lead || s.member && (s.commander || s.acting || s.scribe)
}

// standingOf works out person's standing on inc.
func (c *call) standingOf(person string, inc *bot.Incident) (standing, error) {
	s := standing{lead: c.e.cfg.IsLead(person)}
	member, err := c.tx.IsMember(inc.Number, person)
	if err != nil {
		return s, err
	}
	roles, err := c.tx.CurrentRoles(inc.Number)
	if err != nil {
		return s, err
	}
	cmdr, hasCommander := roles["commander"]
	s.member = member
	s.commander = hasCommander && cmdr == person
	s.acting = !hasCommander && inc.DeclaredBy == person
	s.scribe = roles["scribe"] == person
	return s, nil
}

// standingFor is standingOf with only what audience decides on read. A Members rule asks
// whether the person is a lead or a member, never who holds the roles: a 📌 is such a rule
// and runs once per event, and the roles' query was a tenth of the engine's work per pin.
// A lead is not looked up as a member at all.
func (c *call) standingFor(audience Audience, person string, inc *bot.Incident) (standing, error) {
	if audience != Members {
		return c.standingOf(person, inc)
	}
	s := standing{lead: c.e.cfg.IsLead(person)}
	if s.lead {
		return s, nil
	}
	member, err := c.tx.IsMember(inc.Number, person)
	s.member = member
	return s, err
}

// authorize is the one place that decides whether the caller may run action on c.inc (nil
// when the action acts on no incident). It decides from the action's Rule alone; a refusal
// names who may, writes nothing, and is counted as forbidden.
func (c *call) authorize(action string) error {
	return c.authorizeAs(action, strings.TrimPrefix(slash(action), "incident "))
}

// authorizeAs is authorize with the verb as the refusal names it after "/incident " ("role
// comms (for someone else)").
func (c *call) authorizeAs(action, label string) error {
	r := ruleFor(action)
	switch {
	case r.Who < 0:
		return fmt.Errorf("policy: no rule for %q", action)
	case r.On == 0 || c.inc == nil:
		return c.allowedOutside(r)
	}
	if err := c.allowedWho(r, label); err != nil {
		return err
	}
	switch {
	case !c.inc.Open() && r.On&OnClosed == 0:
		return forbid("%s is closed; reopen it first with /incident reopen (commander, scribe or a lead). After the close only %s still work (each bumps the report version).",
			c.inc.ID(), strings.Join(allowedAfterClose(), ", "))
	case c.inc.Open() && r.On&OnOpen == 0:
		return forbid("%s is open. /incident %s is for closed incidents.", c.inc.ID(), label)
	}
	return nil
}

// slash names an action as typed: "incident note", "page ack".
func slash(action string) string {
	if i := strings.Index(action, " ("); i >= 0 {
		action = action[:i]
	}
	return action
}

// allowedAfterClose lists the actions a closed incident accepts (README, refusals).
func allowedAfterClose() []string {
	var out []string
	for _, r := range Policy {
		if r.On&OnClosed != 0 && r.Note == afterCloseNote {
			out = append(out, "/"+strings.NewReplacer(" (", " ", ")", "").Replace(r.Action))
		}
	}
	return out
}

// allowedOutside checks an action that acts on no incident.
func (c *call) allowedOutside(r *Rule) error {
	switch r.Who {
	case Anyone:
		return nil
	case TeamMembers:
		return c.mayChangeSchedule(c.pgTeam, c.pgCover)
	case Paged:
		return c.mayAck(c.pg)
	case Rostered:
		if _, known := c.e.cfg.Person(c.who); len(c.e.cfg.Roster) > 0 && !known {
			return forbid("Only people on warroom's roster may %s.", rosteredLabel(r.Action))
		}
		return nil
	}
	return fmt.Errorf("policy: %q needs an incident", r.Action)
}

// rosteredLabel words a Rostered action for its refusal.
func rosteredLabel(action string) string {
	switch action {
	case "press " + actionAlertDeclare:
		return "declare an incident from a triaged alert"
	case "press " + actionAlertDismiss:
		return "dismiss a triaged alert"
	}
	return "run " + slash(action)
}

// allowedWho checks the caller's standing on c.inc against the rule's audience.
func (c *call) allowedWho(r *Rule, label string) error {
	switch r.Who {
	case Anyone:
		return nil
	case Paged:
		return c.mayAck(c.pg)
	case TeamMembers:
		return c.mayChangeSchedule(c.pgTeam, c.pgCover)
	}
	s, err := c.standingFor(r.Who, c.who, c.inc)
	if err != nil {
		return err
	}
	if !s.member && !s.lead {
		in, err := c.inChannel()
		if err != nil {
			return err
		}
		s.member = in
	}
	if !s.member && !s.lead {
		whom := "its members and the leads"
		if r.Who == Stewards {
			whom = "its commander, its scribe and the leads"
		}
		return forbid("You are not a member of %s. Ask to join with /incident join %s. Only %s can run /incident %s there.", c.inc.ID(), c.inc.ID(), whom, label)
	}
	if r.Who == Stewards && !s.steward() {
		return c.stewardsOnly(label)
	}
	return nil
}

// inChannel records as a member someone the platform itself shows speaking in the
// incident's (private) channel — added there outside warroom — unless warroom removed them
// (their removal from the channel may still be queued or have failed).
func (c *call) inChannel() (bool, error) {
	if c.src.Channel != c.inc.ChannelID || c.src.Platform == "console" || c.src.Platform != c.inc.Platform {
		return false, nil
	}
	if m, err := c.membershipOf(c.inc, c.who); err != nil || m.removed {
		return false, err
	}
	if _, err := c.tx.AddMember(c.inc.Number, c.who, c.now); err != nil {
		return false, err
	}
	return true, c.record(bot.KindMember, c.who+" is in the channel (added outside warroom)", bot.Data{"person": c.who, "action": "add"})
}

// stewardsOnly is the refusal of a † action to a member, naming who may.
func (c *call) stewardsOnly(what string) error {
	cmdr, acting, err := c.commander()
	if err != nil {
		return err
	}
	roles, err := c.tx.CurrentRoles(c.inc.Number)
	if err != nil {
		return err
	}
	who := "the commander (" + cmdr
	if acting {
		who += ", acting"
		// The declarer acts as commander only while still in the incident.
		if in, err := c.tx.IsMember(c.inc.Number, cmdr); err != nil {
			return err
		} else if !in {
			who = "the commander (none: " + cmdr + ", who declared it, was removed"
		}
	}
	who += ")"
	if s, ok := roles["scribe"]; ok {
		who += ", the scribe (" + s + ")"
	} else {
		who += ", the scribe (none yet)"
	}
	if len(c.e.cfg.Leads) > 0 {
		who += " or a lead (" + strings.Join(c.e.cfg.Leads, ", ") + ")"
	} else {
		who += " or a lead (none configured)"
	}
	return forbid("Only %s can run /incident %s on %s.", who, what, c.inc.ID())
}

// maySee is MaySee for the caller.
func (c *call) maySee(inc *bot.Incident) (bool, error) {
	return MaySee(c.tx, c.e.cfg, c.who, inc.Number)
}

// visibleIncidents are the open incidents the caller may see, on the caller's platform.
func (c *call) visibleIncidents() ([]bot.Incident, error) {
	open, err := c.tx.Incidents(false)
	if err != nil {
		return nil, err
	}
	var out []bot.Incident
	for _, inc := range open {
		ok, err := c.maySee(&inc)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, inc)
		}
	}
	return out, nil
}

// takesCommandByAck says whether acknowledging page p makes the caller commander of its
// incident: only if the page notified them, they did not send it, and the incident has
// only an acting commander.
func (c *call) takesCommandByAck(p *bot.Page) (bool, error) {
	if p.PagedBy == c.who {
		return false, nil
	}
	notified, err := c.notifiedPeople(p.ID)
	if err != nil || !slices.Contains(notified, c.who) {
		return false, err
	}
	_, acting, err := c.commander()
	return acting, err
}

// afterClose is called by the actions allowed on a closed incident (afterCloseNote): they
// change its report, so its version goes up, and the entry's data says to which
// (report_version); the returned note is for the reply. On an open incident it does nothing.
func (c *call) afterClose(d bot.Data) (string, error) {
	if c.inc.Open() {
		return "", nil
	}
	c.inc.ReportVersion++
	if err := c.tx.SaveIncident(c.inc); err != nil {
		return "", err
	}
	d["report_version"] = c.inc.ReportVersion
	return fmt.Sprintf(" (after the close; report version %d)", c.inc.ReportVersion), nil
}

// shownTitle is inc's title as the caller may be shown it here: in full in its own channel,
// elsewhere as TitleOutside.
func (c *call) shownTitle(inc *bot.Incident) string {
	if inc.ChannelID == c.src.Channel && inc.Platform == c.src.Platform {
		return inc.Title
	}
	return TitleOutside(c.e.cfg, inc)
}
