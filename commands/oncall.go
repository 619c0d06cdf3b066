package commands

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/duration"
	"github.com/warroom/warroom/oncall"
)

// shiftsHorizon is how far ahead /oncall me looks.
const shiftsHorizon = 14 * 24 * time.Hour

// errNoSchedule is the refusal when the config has no oncall: section.
func errNoSchedule(alternative string) error {
	return refuse("No on-call schedule is defined: add an oncall: section with teams to warroom's config (see docs/paging.md)%s.", alternative)
}

// team resolves a team name (exactly, else ignoring case), refusing an unknown one with the
// list of teams.
func (c *call) team(name string) (string, error) {
	cfg := c.e.cfg.OnCall
	names := cfg.TeamNames()
	if len(names) == 0 {
		return "", errNoSchedule(", or page a person directly with /page @user <message>")
	}
	if _, ok := cfg.Teams[name]; ok {
		return name, nil
	}
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return n, nil
		}
	}
	return "", refuse("Unknown team %q. Teams: %s.", name, strings.Join(names, ", "))
}

// overridesFrom lists the overrides that end after since, for the schedule maths.
func (c *call) overridesFrom(since time.Time) ([]oncall.Override, error) {
	stored, err := c.tx.Overrides(since)
	if err != nil {
		return nil, err
	}
	out := make([]oncall.Override, len(stored))
	for i, o := range stored {
		out[i] = o.Override
	}
	return out, nil
}

// oncallAll answers /oncall: who is on call for every team.
func (c *call) oncallAll() error {
	names := c.e.cfg.OnCall.TeamNames()
	if len(names) == 0 {
		return errNoSchedule("")
	}
	ovs, err := c.overridesFrom(c.now)
	if err != nil {
		return err
	}
	c.say("On call now:")
	for _, team := range names {
		c.say("• %s", c.nowAndNext(team, ovs))
	}
	c.say("Details: /oncall <team> · your shifts: /oncall me")
	return nil
}

// nowAndNext is one team's line: who is on call, until when, and who takes over.
func (c *call) nowAndNext(team string, ovs []oncall.Override) bot.Text {
	cfg := c.e.cfg.OnCall
	var b textBuf
	b.printf("%s: ", team)
	cur, err := cfg.OnCall(team, c.now, ovs)
	if err == nil {
		b.printf("%s (%s)", bot.Who(cur.Person), shiftSource(cur))
	} else {
		b.printf("nobody is on call")
	}
	next, err := cfg.Next(team, c.now, ovs)
	if err != nil {
		b.printf("; nobody after that")
		return b.t
	}
	b.printf("; next %s from %s", bot.Who(next.Person), bot.ChatTime(next.From))
	return b.t
}

// shiftSource says where a shift comes from: a rotation layer or an override.
func shiftSource(s oncall.Shift) string {
	if s.Rotation == oncall.RotationOverride {
		return "override"
	}
	return s.Rotation
}

// oncallTeam answers /oncall <team>: now, next and the handoff, the overrides and the
// escalation policy.
func (c *call) oncallTeam(team string) error {
	cfg := c.e.cfg.OnCall
	stored, err := c.tx.Overrides(c.now)
	if err != nil {
		return err
	}
	ovs := make([]oncall.Override, len(stored))
	for i, o := range stored {
		ovs[i] = o.Override
	}
	cur, err := cfg.OnCall(team, c.now, ovs)
	switch {
	case err == nil:
		c.say("%s: %s is on call now (%s), until %s.", team, cur.Person, shiftSource(cur), bot.ChatTime(cur.Until))
	case errors.Is(err, oncall.ErrNobodyOnCall):
		c.say("%s: nobody is on call now.", team)
	default:
		return err
	}
	if next, err := cfg.Next(team, c.now, ovs); err == nil {
		c.say("Next: %s, handoff at %s.", next.Person, bot.ChatTime(next.From))
	} else {
		c.say("Next: nobody is scheduled after that.")
	}
	for _, o := range stored {
		if o.Team != team || !o.From.Before(o.Until) {
			continue
		}
		c.say("Override %d: %s from %s until %s (set by %s; undo with /oncall override cancel %d).",
			o.ID, o.Person, bot.ChatTime(o.From), bot.ChatTime(o.Until), o.CreatedBy, o.ID)
	}
	pol, _ := cfg.Escalation(team)
	c.say("Escalation: %s.", describePolicy(cfg, team, pol))
	return nil
}

// describePolicy writes a policy as people read it: "1) the on-call, wait 5m · 2) dave, wait
// 10m · 3) everyone in secops, wait 10m; 2 rounds".
func describePolicy(cfg oncall.Config, team string, pol oncall.Policy) string {
	pol = pol.Normalized()
	var steps []string
	for i, s := range pol.Steps {
		steps = append(steps, fmt.Sprintf("%d) %s, wait %s", i+1, stepWho(cfg, team, s), fmtDuration(s.Wait.Std())))
	}
	out := strings.Join(steps, " · ")
	if pol.Repeat > 1 {
		out += fmt.Sprintf("; %d rounds", pol.Repeat)
	}
	return out
}

// stepWho names whom a step notifies, in general terms.
func stepWho(cfg oncall.Config, team string, s oncall.Step) string {
	switch s.Notify {
	case oncall.NotifyUser:
		return s.User
	case oncall.NotifyTeam:
		return "everyone in " + team + " (" + strings.Join(cfg.TeamMembers(team), ", ") + ")"
	case oncall.NotifyOnCall:
		if s.Rotation != "" {
			return "the on-call of " + s.Rotation
		}
		return "the on-call"
	}
	return s.Notify
}

// oncallMe answers /oncall me: the caller's shifts in the next 14 days.
func (c *call) oncallMe() error {
	cfg := c.e.cfg.OnCall
	if len(cfg.TeamNames()) == 0 {
		return errNoSchedule("")
	}
	ovs, err := c.overridesFrom(c.now)
	if err != nil {
		return err
	}
	shifts := cfg.ShiftsOf(c.who, c.now, c.now.Add(shiftsHorizon), ovs)
	if len(shifts) == 0 {
		c.say("You (%s) have no on-call shifts in the next 14 days. Teams: %s.", c.who, strings.Join(cfg.TeamNames(), ", "))
		return nil
	}
	c.say("Your on-call shifts in the next 14 days:")
	for _, s := range shifts {
		line := bot.Textf("• %s (%s): %s → %s", s.Team, shiftSource(s), bot.ChatTime(s.From), bot.ChatTime(s.Until))
		if !s.From.After(c.now) {
			line = line.Append(bot.Plain(" (now)")...)
		}
		c.say("%s", line)
	}
	return nil
}

// fmtDuration writes a duration the way people write it ("5m", "7m30s", "1d12h"), to the
// second.
func fmtDuration(d time.Duration) string { return duration.Format(d.Round(time.Second)) }
