package commands

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

var verbApprove = &Verb{
	Name: "approve", Scope: InIncident,
	Summary: "approve a response action run waiting for you (the action's approval roles)",
	Args:    decideArgs,
	Run: func(c *call) error {
		r, err := c.runArg(c.args.Int("run"))
		if err != nil {
			return err
		}
		return c.decideRun(r, true, c.args.Text("reason"))
	},
}

var verbDeny = &Verb{
	Name: "deny", Scope: InIncident,
	Summary: "deny a response action run: it never runs",
	Args:    decideArgs,
	Run: func(c *call) error {
		r, err := c.runArg(c.args.Int("run"))
		if err != nil {
			return err
		}
		return c.decideRun(r, false, c.args.Text("reason"))
	},
}

// runNumber is the run a verb acts on: "3" or "run 3".
var runNumber = Arg{Name: "run", Kind: ArgInt, Required: true, Keyword: "run", Leading: true, Bare: true, Label: "run number", Help: "the run's number (see /incident actions)"}

// decideArgs: "[run] <n> [reason]".
var decideArgs = []Arg{runNumber, {Name: "reason", Kind: ArgText}}

// pressApprove and pressDeny are the [Approve] [Deny] buttons ("<incident>:<run>").
func pressApprove(c *call, value string) error {
	return pressDecide(c, "press action.approve", value, true)
}
func pressDeny(c *call, value string) error { return pressDecide(c, "press action.deny", value, false) }

func pressDecide(c *call, action, value string, approve bool) error {
	arg, err := c.incidentButton(action, "approve", value)
	if err != nil {
		return err
	}
	k, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return refuse("That button is malformed.")
	}
	r, err := c.tx.Run(c.inc.Number, k)
	if err != nil {
		if isNotFound(err) {
			return refuse("%s has no run %d.", c.inc.ID(), k)
		}
		return err
	}
	return c.decideRun(r, approve, "")
}

// mayApprove says why the caller may not decide run r ("" when they may): they must hold
// one of the approval roles (the acting commander counts as commander; "lead" is a lead),
// and not be the requester when not_requester says so.
func (c *call) mayApprove(r bot.Run, ap *config.Approval) (string, error) {
	if ap.NotRequester && c.who == r.Requester {
		return fmt.Sprintf("%s asked for run %d, and %s must be approved by someone else.", c.who, r.N, r.Action), nil
	}
	for _, role := range ap.Roles {
		if role == "lead" && c.e.cfg.IsLead(c.who) {
			return "", nil
		}
		who, err := c.holders(role)
		if err != nil {
			return "", err
		}
		for _, h := range who {
			if h.person == c.who {
				return "", nil
			}
		}
	}
	return fmt.Sprintf("run %d of %s is approved or denied by the %s of %s; you hold none of these.", r.N, r.Action, strings.Join(ap.Roles, " or "), c.inc.ID()), nil
}

// decideRun records an approval or denial. Approvals count distinct people; the quorum
// reached, the run is queued (in a drill: shown, never sent).
func (c *call) decideRun(r bot.Run, approve bool, reason string) error {
	a, ok := c.e.cfg.Actions[r.Action]
	if !ok || a.Approval == nil {
		return refuse("Run %d of %s needs no approval.", r.N, r.Action)
	}
	if r.State != bot.RunPending {
		return refuse("Run %d of %s is %s: nothing to decide.", r.N, r.Action, r.State)
	}
	if r.ExpiresAt != nil && !c.now.Before(*r.ExpiresAt) {
		return refuse("Run %d of %s has expired; ask again with /incident run.", r.N, r.Action)
	}
	why, err := c.mayApprove(r, a.Approval)
	if err != nil {
		return err
	}
	if why != "" {
		// Not a policy refusal (the table lets members approve): the action's own rule.
		return refuse("You may not decide this: %s", why)
	}
	if approve && slices.Contains(r.Approvers, c.who) {
		return refuse("You already approved run %d; it needs %d distinct approvers (%d so far).", r.N, a.Approval.Quorum, len(r.Approvers))
	}
	text := ""
	if reason != "" {
		text = ": " + reason
	}
	if !approve {
		r.State = bot.RunDenied
		if err := c.tx.SaveRun(r); err != nil {
			return err
		}
		if err := c.record(bot.KindAction, fmt.Sprintf("run %d of %s denied by %s%s", r.N, r.Action, c.who, text),
			bot.Data{"run": r.N, "event": "deny", "state": bot.RunDenied}); err != nil {
			return err
		}
		if err := c.cancelTimer(runKey(r)); err != nil {
			return err
		}
		msg := bot.Textf("🚫 Run %d of %s (%s) denied by %s%s. It will not run.", r.N, r.Action, paramText(r.Params), bot.Who(c.who), text)
		if err := c.post(bot.Message{Text: msg}); err != nil {
			return err
		}
		if err := c.dm(r.Requester, bot.Message{Text: bot.Textf("%s: %s", c.inc.ID(), msg)}); err != nil {
			return err
		}
		c.say("Run %d denied.", r.N)
		return nil
	}
	r.Approvers = append(r.Approvers, c.who)
	if len(r.Approvers) >= a.Approval.Quorum {
		r.State = bot.RunQueued
	}
	if err := c.tx.SaveRun(r); err != nil {
		return err
	}
	if err := c.record(bot.KindAction, fmt.Sprintf("run %d of %s approved by %s (%d of %d)%s", r.N, r.Action, c.who, len(r.Approvers), a.Approval.Quorum, text),
		bot.Data{"run": r.N, "event": "approve", "state": r.State, "approvers": r.Approvers}); err != nil {
		return err
	}
	if r.State != bot.RunQueued {
		c.say("Approved: run %d has %d of %d approvals.", r.N, len(r.Approvers), a.Approval.Quorum)
		return c.post(bot.Message{Text: bot.Textf("✅ %s approved run %d of %s (%d of %d).", c.who, r.N, r.Action, len(r.Approvers), a.Approval.Quorum)})
	}
	if err := c.cancelTimer(runKey(r)); err != nil {
		return err
	}
	if err := c.post(bot.Message{Text: bot.Textf("✅ Run %d of %s approved by %s: sending.", r.N, r.Action, strings.Join(r.Approvers, ", "))}); err != nil {
		return err
	}
	c.say("Approved: run %d of %s is queued.", r.N, r.Action)
	return c.queueRun(&r)
}
