package commands

import (
	"log/slog"
	"strings"
)

// Every line a call logs names what ran: the verb a person typed ("incident note", "page
// ack"), or the timer, reaction, button or job that ran ("timer nudge.no-commander",
// "reaction pushpin"), and the incident when there is one, so one line tells an operator
// which command failed where.

// verbName is what c runs, for logs.
func (c *call) verbName() string {
	if c.verb != nil {
		return strings.TrimSpace(c.verb.command() + " " + c.verb.Name)
	}
	return c.what
}

// log is the engine's logger with the call's verb and incident.
func (c *call) log() *slog.Logger {
	if c.inc != nil {
		return c.e.log.With("verb", c.verbName(), "incident", c.inc.ID())
	}
	return c.e.log.With("verb", c.verbName())
}
