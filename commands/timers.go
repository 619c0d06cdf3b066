package commands

import (
	"context"
	"time"

	"github.com/warroom/warroom/bot"
)

// timerHandler runs a due timer inside the transaction that claims it. It may queue
// messages and set follow-up timers.
type timerHandler func(c *call, t bot.Timer) error

// FireTimer runs timer id if it is still pending and due: it is claimed in the same
// transaction as its effects, so across crashes and restarts it takes effect exactly once.
func (e *Engine) FireTimer(ctx context.Context, id int64) {
	src := bot.Source{Platform: "warroom", User: bot.User{ID: "warroom", Name: "warroom"}}
	what := "timer"
	reply := e.runAs(ctx, "timer", src, func(c *call) error {
		c.who = "warroom"
		t, ok, err := c.tx.ClaimTimer(id, c.now)
		if err != nil || !ok {
			return err
		}
		c.what = "timer " + t.Kind
		what = c.what
		h, found := e.timers[t.Kind]
		if !found {
			c.log().Warn("timer of unknown kind dropped", "key", t.Key)
			return nil
		}
		if t.Incident != 0 {
			inc, err := c.tx.Incident(t.Incident)
			if err != nil {
				return err
			}
			c.inc = inc
			c.src.Platform = inc.Platform
		}
		return h(c, t)
	})
	if !reply.Text.Empty() {
		e.log.Warn("timer did not run", "verb", what, "timer", id, "reason", reply.Text.String())
	}
}

// setTimer creates or moves a timer within the call's transaction.
func (c *call) setTimer(kind, key string, due time.Time, payload string) error {
	c.timersChanged = true
	var n int64
	if c.inc != nil {
		n = c.inc.Number
	}
	return c.tx.SetTimer(bot.Timer{Key: key, Kind: kind, Incident: n, Due: due.UTC(), Payload: payload})
}

// cancelTimer cancels a pending timer.
func (c *call) cancelTimer(key string) error {
	c.timersChanged = true
	_, err := c.tx.CancelTimer(key)
	return err
}
