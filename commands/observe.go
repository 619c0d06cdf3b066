package commands

import "github.com/warroom/warroom/bot"

// Happening is something the engine did that other features (nudges, paging, reports)
// react to inside the same transaction — so, e.g., a status-update reminder is rescheduled
// atomically with the update that resets it.
type Happening struct {
	Kind  string // one of the Happen* constants
	Phase bot.Phase
	Role  string
	Who   string // the person concerned (role holder, task owner)
	Task  *bot.Task
}

// Happening kinds.
const (
	HappenDeclared  = "declared"
	HappenPhase     = "phase"    // entered Phase
	HappenRole      = "role"     // Who became Role
	HappenUpdate    = "update"   // a status update was posted
	HappenSeverity  = "severity" // severity changed
	HappenTaskAdded = "task-added"
	HappenTaskDone  = "task-done"
	HappenClosed    = "closed"
	HappenReopened  = "reopened"
)

// observer reacts to a happening on c.inc within c's transaction.
type observer func(c *call, h Happening) error

// happen tells every registered observer.
func (c *call) happen(h Happening) error {
	for _, o := range c.e.observers {
		if err := o(c, h); err != nil {
			return err
		}
	}
	return nil
}
