package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/warroom/warroom/actions"
	"github.com/warroom/warroom/bot"
)

// The engine is the actions.Worker's queue: ClaimCalls hands out due runs, FinishCall
// records what came back. A run is claimed with a lease (next_at moved past the attempt's
// timeout) in the same transaction that records the call, so a process killed at any point
// resends it — with the same webhook-id — after the lease, and never loses it.

var _ actions.Queue = (*Engine)(nil)

// backoff is the wait before attempt n+1: 1s, 2s, 4s … at most a minute.
func backoff(attempts int) time.Duration {
	d := time.Second << min(attempts, 6)
	return min(d, time.Minute)
}

// ClaimCalls claims up to limit due runs.
func (e *Engine) ClaimCalls(ctx context.Context, limit int) ([]actions.Call, error) {
	var due []bot.Run
	err := e.store.Update(ctx, func(tx Tx) (err error) {
		due, err = tx.DueRuns(e.now(), limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []actions.Call
	for _, r := range due {
		var claimed *actions.Call
		reply := e.runAs(ctx, "action call", warroomSource, func(c *call) error {
			var err error
			claimed, err = c.claimRun(r.Incident, r.N)
			return err
		})
		if !reply.Text.Empty() {
			e.log.Warn("action run not claimed", "verb", "action call", "incident", bot.FormatID(r.Incident), "run", r.N, "reason", reply.Text.String())
		}
		if claimed != nil {
			out = append(out, *claimed)
		}
	}
	return out, nil
}

var warroomSource = bot.Source{Platform: "warroom", User: bot.User{ID: "warroom", Name: "warroom"}}

func (c *call) claimRun(n, k int64) (*actions.Call, error) {
	c.who = "warroom"
	inc, err := c.tx.Incident(n)
	if err != nil {
		return nil, err
	}
	c.inc, c.src.Platform = inc, inc.Platform
	r, err := c.tx.Run(n, k)
	if err != nil {
		return nil, err
	}
	if (r.State != bot.RunQueued && r.State != bot.RunSending) || r.NextAt == nil || r.NextAt.After(c.now) {
		return nil, nil // claimed by another round meanwhile
	}
	if rec, params, err := c.runOnRecord(k); err != nil {
		return nil, err
	} else if rec != r.State || bot.ParamsJSON(params) != bot.ParamsJSON(r.Params) {
		c.log().Error("action run refused: its row does not match its timeline", "run", k, "row", r.State, "timeline", rec,
			"params_match", bot.ParamsJSON(params) == bot.ParamsJSON(r.Params))
		return nil, nil
	}
	a, ok := c.e.cfg.Actions[r.Action]
	if !ok {
		return nil, c.failRun(&r, "the action is no longer configured")
	}
	if r.Deadline != nil && !c.now.Before(*r.Deadline) {
		return nil, c.failRun(&r, fmt.Sprintf("no answer accepted within timeout_total (%s, %d attempts, last status %d)", fmtDuration(a.TimeoutTotal.Std()), r.Attempts, r.Status))
	}
	req, err := actions.Render(a, c.e.cfg.Egress, c.templateData(r, a))
	if err != nil {
		return nil, c.failRun(&r, "the request could not be built: "+err.Error())
	}
	if r.State == bot.RunQueued {
		r.State = bot.RunSending
		if err := c.record(bot.KindAction, fmt.Sprintf("run %d of %s: calling %s %s (body sha256 %s, webhook-id %s)", r.N, r.Action, req.Method, req.URL, req.BodySHA256(), r.ID()),
			// The URL and the body's hash are derived from the parameters: free text (redactable), not data.
			bot.Data{"run": r.N, "event": "call", "state": bot.RunSending, "method": req.Method}); err != nil {
			return nil, err
		}
	}
	r.Attempts++
	lease := c.now.Add(a.Timeout.Std() + backoff(r.Attempts))
	r.NextAt = &lease
	if err := c.tx.SaveRun(r); err != nil {
		return nil, err
	}
	return &actions.Call{ID: r.ID(), Incident: n, Run: k, Action: r.Action, Request: req, Timeout: a.Timeout.Std(), Attempt: r.Attempts}, nil
}

// FinishCall records an attempt's outcome: the result on success, nothing but the next
// attempt's time on a retryable failure, failed (and the requester told) when no more
// attempts are allowed.
func (e *Engine) FinishCall(ctx context.Context, done actions.Call, res actions.Result) error {
	reply := e.runAs(ctx, "action result", warroomSource, func(c *call) error {
		c.who = "warroom"
		inc, err := c.tx.Incident(done.Incident)
		if err != nil {
			return err
		}
		c.inc, c.src.Platform = inc, inc.Platform
		r, err := c.tx.Run(done.Incident, done.Run)
		if err != nil {
			return err
		}
		if r.State != bot.RunSending || r.Attempts != done.Attempt {
			return nil // a later attempt owns the run now
		}
		r.Status = res.Status
		a := c.e.cfg.Actions[r.Action]
		switch {
		case res.OK():
			r.State = bot.RunDone
			if err := c.tx.SaveRun(r); err != nil {
				return err
			}
			// The answer's hash and head are free text (after the first ": "): they can be
			// redacted with the run (an answer may echo the parameters).
			if err := c.record(bot.KindAction, fmt.Sprintf("run %d of %s result: HTTP %d, answer sha256 %s: %s", r.N, r.Action, res.Status, res.BodySHA, res.Head),
				bot.Data{"run": r.N, "event": "result", "state": bot.RunDone, "status": res.Status, "attempts": r.Attempts}); err != nil {
				return err
			}
			msg := bot.Textf("⚡ Run %d of %s (%s) done: HTTP %d after %d attempt(s).", r.N, r.Action, paramText(r.Params), res.Status, r.Attempts)
			if a.Undo != "" && r.UndoOf == 0 {
				msg = msg.Append(bot.Textf(" Undo with /incident undo %d.", r.N)...)
			}
			return c.post(bot.Message{Text: msg})
		case res.Retryable() && r.Deadline != nil && c.now.Add(backoff(r.Attempts)).Before(*r.Deadline):
			next := c.now.Add(backoff(r.Attempts))
			r.NextAt = &next
			return c.tx.SaveRun(r)
		default:
			why := fmt.Sprintf("HTTP %d", res.Status)
			if res.Err != nil {
				why = res.Err.Error()
			}
			if res.Retryable() {
				why += fmt.Sprintf(" — gave up after %d attempts within timeout_total %s", r.Attempts, fmtDuration(a.TimeoutTotal.Std()))
			}
			return c.failRun(&r, why)
		}
	})
	if !reply.Text.Empty() {
		return fmt.Errorf("recording run %d of %s: %s", done.Run, bot.FormatID(done.Incident), reply.Text)
	}
	return nil
}

// NextCallAt is when the next run is due (nil: none queued).
func (e *Engine) NextCallAt(ctx context.Context) (*time.Time, error) {
	var at *time.Time
	err := e.store.Update(ctx, func(tx Tx) (err error) {
		at, err = tx.NextRunAt()
		return err
	})
	return at, err
}

// runOnRecord is run k's state and parameters as its timeline entries say: the deliverer
// sends only a run the record says was queued, with the parameters its request entry
// holds — under its text commitment — so a row set to queued, or given another address,
// behind warroom's back is not sent.
func (c *call) runOnRecord(k int64) (string, map[string]string, error) {
	state := ""
	var params map[string]string
	err := c.tx.EachEntryOfKind(c.inc.Number, []string{bot.KindAction}, func(e bot.Entry) error {
		d, err := bot.DecodeData(e.Data)
		if err != nil || d.Int("run") != k {
			return nil
		}
		if d.Str("event") == "request" {
			params = nil
			if e.V < 2 || e.Redacted || bot.TextCommit(e.Salt, e.Text) == e.TextCommit {
				params, _ = bot.RunParamsOfEntry(e, d)
			}
		}
		if s := d.Str("state"); s != "" {
			state = s
		}
		return nil
	})
	return state, params, err
}
