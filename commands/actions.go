package commands

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/warroom/warroom/actions"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

// Response actions (docs/playbooks.md): the engine decides and records — who may run,
// approve or deny, when a run expires — and queues approved runs in action_runs; the
// process's actions.Worker makes the calls (actioncalls.go).

const kindActionExpire = "action.expire"

var verbActions = &Verb{
	Args: []Arg{leadIncident},
	Name: "actions", Scope: InIncident,
	Summary: "the response actions this incident may run, with their parameters, and its runs",
	Run: func(c *call) error {
		names, err := c.incidentActions()
		if err != nil {
			return err
		}
		if len(names) == 0 {
			c.say("%s may run no response actions (its playbook names none).", c.inc.ID())
		} else {
			c.say("Response actions of %s (/incident run <action> <params…>):", c.inc.ID())
			for _, n := range names {
				c.say("%s", actionLine(n, c.e.cfg.Actions[n]))
			}
		}
		runs, err := c.tx.Runs(c.inc.Number)
		if err != nil {
			return err
		}
		for _, r := range runs {
			c.say("run %d: %s %s — %s, asked by %s%s", r.N, r.Action, paramText(r.Params), r.State, r.Requester, approversText(r.Approvers))
		}
		return nil
	},
}

func actionLine(name string, a config.Action) string {
	line := fmt.Sprintf("• %s %s — %s", name, actions.Usage(a), a.Describe)
	if ap := a.Approval; ap != nil {
		line += fmt.Sprintf(" (approval: %d of %s", ap.Quorum, strings.Join(ap.Roles, "/"))
		if ap.NotRequester {
			line += ", not the requester"
		}
		line += ", expires after " + fmtDuration(ap.Expires.Std()) + ")"
	}
	if a.Undo != "" {
		line += " · undo: " + a.Undo
	}
	return line
}

var verbRun = &Verb{
	Name: "run", Scope: InIncident,
	Summary: "run a response action of this incident's playbook (approved first where it says so)",
	Args:    []Arg{{Name: "action", Kind: ArgWord, Required: true}, {Name: "params", Kind: ArgText, Placeholder: "<params…>", Help: "in the order /incident actions lists them, or name=value; a text parameter given last takes the rest of the line"}},
	Run: func(c *call) error {
		name := strings.ToLower(c.args.Text("action"))
		allowed, err := c.incidentActions()
		if err != nil {
			return err
		}
		if !slices.Contains(allowed, name) {
			if len(allowed) == 0 {
				return refuse("%s may run no response actions (its playbook names none).", c.inc.ID())
			}
			return refuse("%s may not run %q. Its actions: %s.", c.inc.ID(), name, validList(allowed))
		}
		a := c.e.cfg.Actions[name]
		// The parameters are the action's own, declared in its config: ParseParams reads them.
		params, err := actions.ParseParams(name, a, c.args.Text("params"))
		if err != nil {
			return refuse("Nothing was queued: %v. Usage: /incident run %s %s", err, name, actions.Usage(a))
		}
		return c.requestRun(name, params, 0)
	},
}

var verbUndo = &Verb{
	Name: "undo", Scope: InIncident,
	Summary: "run the inverse of a completed run (e.g. unblock what block-ip blocked)",
	Args:    []Arg{runNumber},
	Run: func(c *call) error {
		r, err := c.runArg(c.args.Int("run"))
		if err != nil {
			return err
		}
		a := c.e.cfg.Actions[r.Action]
		if a.Undo == "" {
			return refuse("%s has no undo action configured.", r.Action)
		}
		if r.State != bot.RunDone && r.State != bot.RunDrill {
			return refuse("Run %d is %s: only a completed run can be undone.", r.N, r.State)
		}
		if bot.ParamsRedacted(r.Params) {
			return refuse("Run %d's parameters were redacted: run %s again with them instead.", r.N, a.Undo)
		}
		params := map[string]string{}
		for p := range c.e.cfg.Actions[a.Undo].Params {
			params[p] = r.Params[p]
		}
		return c.requestRun(a.Undo, params, r.N)
	},
}

// incidentActions are the actions of the playbook applied to the incident.
func (c *call) incidentActions() ([]string, error) {
	_, pb, ok, err := c.playbookOf(c.inc)
	if err != nil || !ok {
		return nil, err
	}
	return pb.Actions, nil
}

// requestRun records a run; one without approval is queued at once.
func (c *call) requestRun(name string, params map[string]string, undoOf int64) error {
	a := c.e.cfg.Actions[name]
	r := &bot.Run{Incident: c.inc.Number, Action: name, Params: params, Requester: c.who, State: bot.RunPending, UndoOf: undoOf, RequestedAt: c.now}
	if a.Approval != nil {
		exp := c.now.Add(a.Approval.Expires.Std())
		r.ExpiresAt = &exp
	} else {
		r.State = bot.RunQueued
	}
	if err := c.tx.CreateRun(r); err != nil {
		return err
	}
	// The parameters are free text of the entry, not data: a redaction removes them
	// (bot/actionparams.go).
	d := bot.Data{"run": r.N, "event": "request", "name": name, "param_names": bot.ParamNames(params), "state": r.State}
	if undoOf != 0 {
		d["undo_of"] = undoOf
	}
	if err := c.record(bot.KindAction, bot.RunRequestText(r.N, name, undoOf, params), d); err != nil {
		return err
	}
	if a.Approval == nil {
		c.say("Run %d of %s queued (no approval needed).", r.N, name)
		return c.queueRun(r)
	}
	ap := a.Approval
	ask := bot.Textf("🛡 *Run %d: %s %s* requested by %s — needs %d approval(s) from %s%s, by %s. /incident approve %d · /incident deny %d <reason>",
		r.N, name, paramText(params), bot.Who(c.who), ap.Quorum, strings.Join(ap.Roles, "/"), map[bool]string{true: " (not the requester)"}[ap.NotRequester],
		bot.ChatTime(*r.ExpiresAt), r.N, r.N)
	value := strconv.FormatInt(c.inc.Number, 10) + ":" + strconv.FormatInt(r.N, 10)
	if err := c.post(bot.Message{Text: ask, Buttons: []bot.Button{{Action: "action.approve", Label: "Approve", Value: value}, {Action: "action.deny", Label: "Deny", Value: value}}}); err != nil {
		return err
	}
	if err := c.setTimer(kindActionExpire, runKey(*r), *r.ExpiresAt, strconv.FormatInt(r.N, 10)); err != nil {
		return err
	}
	c.say("Run %d of %s is waiting for approval (%d of %s) until %s.", r.N, name, ap.Quorum, strings.Join(ap.Roles, "/"), bot.ChatTime(*r.ExpiresAt))
	return nil
}

func runKey(r bot.Run) string {
	return kindActionExpire + ":" + bot.FormatID(r.Incident) + ":" + strconv.FormatInt(r.N, 10)
}

// queueRun hands an approved run to the deliverer, or — in a drill — shows the call it
// would have made and ends it.
func (c *call) queueRun(r *bot.Run) error {
	a := c.e.cfg.Actions[r.Action]
	if c.inc.Drill {
		req, err := actions.Render(a, c.e.cfg.Egress, c.templateData(*r, a))
		if err != nil {
			return c.failRun(r, "the request could not be built: "+err.Error())
		}
		r.State = bot.RunDrill
		if err := c.tx.SaveRun(*r); err != nil {
			return err
		}
		line := fmt.Sprintf("DRILL: would call %s %s", req.Method, req.URL)
		// The URL and the body's hash are derived from the parameters: free text, not data.
		if err := c.record(bot.KindAction, fmt.Sprintf("run %d of %s drill: %s (body sha256 %s), not sent", r.N, r.Action, line, req.BodySHA256()),
			bot.Data{"run": r.N, "event": "drill", "state": bot.RunDrill, "method": req.Method}); err != nil {
			return err
		}
		c.say("%s (run %d; a drill never calls out).", line, r.N)
		return c.post(bot.Message{Text: bot.Textf("%s — run %d of %s", line, r.N, r.Action)})
	}
	r.State = bot.RunQueued
	deadline := c.now.Add(a.TimeoutTotal.Std())
	r.Deadline, r.NextAt = &deadline, &c.now
	c.runQueued = true
	return c.tx.SaveRun(*r)
}

// runArg reads "<run>" (a number, or "run 3").
func (c *call) runArg(k int64) (bot.Run, error) {
	r, err := c.tx.Run(c.inc.Number, k)
	if isNotFound(err) {
		return r, refuse("%s has no run %d (see /incident actions).", c.inc.ID(), k)
	}
	return r, err
}

func paramText(p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+p[k])
	}
	return strings.Join(parts, " ")
}

func approversText(a []string) string {
	if len(a) == 0 {
		return ""
	}
	return ", approved by " + strings.Join(a, ", ")
}

// templateData is what the action's templates see of a run.
func (c *call) templateData(r bot.Run, a config.Action) actions.TemplateData {
	title := c.inc.Title
	if c.e.cfg.Channels.Naming == "codename" && !a.ExposeTitle {
		title = ""
	}
	return actions.TemplateData{Params: r.Params, Incident: c.inc.ID(), Title: title, Severity: c.inc.Severity,
		Requester: r.Requester, Approvers: r.Approvers, Run: r.N}
}

// failRun ends a run as failed and tells the requester.
func (c *call) failRun(r *bot.Run, why string) error {
	r.State = bot.RunFailed
	if err := c.tx.SaveRun(*r); err != nil {
		return err
	}
	if err := c.record(bot.KindAction, fmt.Sprintf("run %d of %s failed: %s", r.N, r.Action, why),
		bot.Data{"run": r.N, "event": "fail", "state": bot.RunFailed, "status": r.Status}); err != nil {
		return err
	}
	msg := bot.Textf("⚠️ Run %d of %s (%s) failed: %s", r.N, r.Action, paramText(r.Params), why)
	if err := c.post(bot.Message{Text: msg}); err != nil {
		return err
	}
	return c.dm(r.Requester, bot.Message{Text: bot.Textf("%s: %s", c.inc.ID(), msg)})
}

// expireRun ends a run nobody approved in time; it never runs.
func expireRun(c *call, t bot.Timer) error {
	if c.inc == nil {
		return nil
	}
	k, _ := strconv.ParseInt(t.Payload, 10, 64)
	r, err := c.tx.Run(c.inc.Number, k)
	if err != nil || r.State != bot.RunPending {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	return c.endPending(r, "", bot.Textf("expired without enough approvals; it will not run. Ask again with /incident run"))
}

// expirePendingRuns ends, at close, every run still waiting for approval: a closed
// incident's request can never be approved later (reopening does not revive it).
func (c *call) expirePendingRuns() error {
	runs, err := c.tx.Runs(c.inc.Number)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if r.State != bot.RunPending {
			continue
		}
		if err := c.cancelTimer(runKey(r)); err != nil {
			return err
		}
		if err := c.endPending(r, "closed", bot.Textf("expired: %s was closed before it was approved; it will not run", c.inc.ID())); err != nil {
			return err
		}
	}
	return nil
}

// endPending records a pending run as expired (why "closed": at close) and tells the
// channel and the requester.
func (c *call) endPending(r bot.Run, why string, told bot.Text) error {
	r.State = bot.RunExpired
	if err := c.tx.SaveRun(r); err != nil {
		return err
	}
	d, how := bot.Data{"run": r.N, "event": "expire", "state": bot.RunExpired}, "unapproved"
	if why != "" {
		d["why"], how = why, "unapproved at close"
	}
	if err := c.record(bot.KindAction, fmt.Sprintf("run %d of %s expired %s%s", r.N, r.Action, how, approversText(r.Approvers)), d); err != nil {
		return err
	}
	msg := bot.Textf("⌛ Run %d of %s (%s) %s.", r.N, r.Action, paramText(r.Params), told)
	if err := c.post(bot.Message{Text: msg}); err != nil {
		return err
	}
	return c.dm(r.Requester, bot.Message{Text: bot.Textf("%s: %s", c.inc.ID(), msg)})
}
