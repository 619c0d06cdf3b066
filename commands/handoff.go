package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/oncall"
)

// Each team has one pending timer, "oncall.handoff:<team>", due at its next handoff to a
// different person (overrides included). When it fires the incoming responder gets a DM
// and the timer is set for the handoff after; an override re-arms it at once.

func handoffKey(team string) string { return "oncall.handoff:" + team }

type handoffPayload struct {
	Team string `json:"team"`
}

// ArmHandoffs sets the handoff timer of every team that has none pending, or moves a future
// one that no longer matches the schedule (the config changed). An overdue one is left to
// fire: the DM it owes is still sent if its shift is not over. cmd/warroom calls it at
// start-up, before the scheduler starts.
func (e *Engine) ArmHandoffs(ctx context.Context) error {
	if len(e.cfg.OnCall.TeamNames()) == 0 {
		return nil
	}
	src := bot.Source{Platform: "warroom", User: bot.User{ID: "warroom", Name: "warroom"}}
	reply := e.runAs(ctx, "timer", src, func(c *call) error {
		c.who = "warroom"
		for _, team := range e.cfg.OnCall.TeamNames() {
			t, err := c.tx.Timer(handoffKey(team))
			switch {
			case err == nil && !t.Due.After(c.now):
				continue
			case err != nil && !isNotFound(err):
				return err
			}
			if err := c.armHandoff(team, c.now); err != nil {
				return err
			}
		}
		return nil
	})
	if !reply.Text.Empty() {
		return errors.New(reply.Text.String())
	}
	return nil
}

// armHandoff sets team's handoff timer for the first handoff to someone else after after,
// or cancels it when nobody is ever on call again.
func (c *call) armHandoff(team string, after time.Time) error {
	ovs, err := c.overridesFrom(after)
	if err != nil {
		return err
	}
	next, err := c.e.cfg.OnCall.Next(team, after, ovs)
	if err != nil {
		if errors.Is(err, oncall.ErrNobodyOnCall) || errors.Is(err, oncall.ErrUnknownTeam) {
			return c.cancelTimer(handoffKey(team))
		}
		return err
	}
	payload, _ := json.Marshal(handoffPayload{Team: team})
	return c.setGlobalTimer(timerHandoff, handoffKey(team), 0, next.From, string(payload))
}

// handoffDue tells the incoming responder they are on call, and arms the next handoff.
func handoffDue(c *call, t bot.Timer) error {
	var pl handoffPayload
	if err := json.Unmarshal([]byte(t.Payload), &pl); err != nil {
		return fmt.Errorf("handoff timer %s: %w", t.Key, err)
	}
	cfg := c.e.cfg.OnCall
	if _, ok := cfg.Teams[pl.Team]; !ok {
		return nil // the team left the config
	}
	before := t.Due.Add(-time.Nanosecond)
	ovs, err := c.overridesFrom(before)
	if err != nil {
		return err
	}
	cur, err := cfg.OnCall(pl.Team, t.Due, ovs)
	if err == nil && c.now.Before(cur.Until) {
		prev, perr := cfg.OnCall(pl.Team, before, ovs)
		if perr != nil || prev.Person != cur.Person {
			if err := c.handoffDM(pl.Team, cur, ovs); err != nil {
				return err
			}
		}
	}
	after := t.Due
	if c.now.After(after) {
		after = c.now
	}
	return c.armHandoff(pl.Team, after)
}

// handoffDM tells the person starting shift they are on call, on every connected platform
// they can be reached on.
func (c *call) handoffDM(team string, s oncall.Shift, ovs []oncall.Override) error {
	text := bot.Textf("🔔 You are now on call for %s (%s) until %s.", team, shiftSource(s), bot.ChatTime(s.Until))
	if next, err := c.e.cfg.OnCall.Next(team, s.From, ovs); err == nil {
		text = text.Append(bot.Textf(" Next: %s.", bot.Who(next.Person))...)
	}
	text = text.Append(bot.Textf(" %s shows the schedule; pages reach you by DM.", bot.Cmd("oncall", team))...)
	for _, platform := range c.e.platforms {
		if _, err := c.dmOn(platform, s.Person, bot.Message{Text: text}, ""); err != nil {
			return err
		}
	}
	return nil
}
