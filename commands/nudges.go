package commands

import (
	"github.com/warroom/warroom/bot"
)

// The SANS nudges (issue 5): reminders addressed to the role that owns them, regulatory
// clocks, the lessons-learned review and drill injects. Every pending one is a timer row in
// the database with its due time; timers.Scheduler fires it through Engine.FireTimer, which claims it in the
// same transaction as its effects, so a restart loses none and repeats none.
//
// Each reminder kind has ONE timer per incident (key kind:INC-n): re-planning moves it, and
// several overdue reminders of one kind merge into one. Timers are never the source of truth
// for *what* is due — that is derived from the incident's state (nudge_state, tasks, review,
// clocks) by planReminders, so any change just re-plans.

// Timer kinds.
const (
	kindNoCommander = "nudge.no-commander"
	kindStatus      = "nudge.status-update"
	kindDwell       = "nudge.phase-dwell"
	kindTasks       = "nudge.tasks"
	kindReview      = "nudge.review"
	kindClock       = "clock"
	kindInject      = "drill.inject"
)

// reminderKinds are the reminders that remind off mutes and remind snooze delays; clocks and
// drill injects are not among them.
var reminderKinds = []string{kindNoCommander, kindStatus, kindDwell, kindTasks, kindReview}

// timerKey is the one timer of a kind for an incident.
func timerKey(kind string, n int64) string { return kind + ":" + bot.FormatID(n) }

// registerNudges adds the observers that plan reminders and the handlers that send them.
func registerNudges(e *Engine) {
	e.observers = append(e.observers, observeForNudges)
	e.timers[kindNoCommander] = fireNoCommander
	e.timers[kindStatus] = fireStatusUpdate
	e.timers[kindDwell] = firePhaseDwell
	e.timers[kindTasks] = fireTasks
	e.timers[kindReview] = fireReview
	e.timers[kindClock] = fireClock
	e.timers[kindInject] = fireInject
}

// observeForNudges keeps the reminder anchors current and re-plans, inside the transaction
// of the change — so, e.g., an update and the reset of its reminder commit together.
func observeForNudges(c *call, h Happening) error {
	st, err := c.nudgeState()
	if err != nil {
		return err
	}
	switch h.Kind {
	case HappenDeclared:
		st.LastUpdate, st.PhaseEntered = c.now, c.now
	case HappenPhase:
		st.PhaseEntered, st.DwellReminded = c.now, zeroTime
		if h.Phase == bot.PhaseLessons {
			if err := c.openReview(); err != nil {
				return err
			}
		}
	case HappenReopened:
		// Back at work: the cadence counts afresh from the reopening.
		st.PhaseEntered, st.LastUpdate, st.StatusReminded, st.DwellReminded = c.now, c.now, zeroTime, zeroTime
	case HappenUpdate:
		st.LastUpdate = c.now
	case HappenClosed:
		// Nudges stop at close — except the lessons-learned review (SANS: within two
		// weeks, which may well be after the close) and the regulatory clocks (a filing
		// obligation does not end because the incident did).
		if _, err := c.tx.CancelIncidentTimers(c.inc.Number, kindReview, kindClock); err != nil {
			return err
		}
		c.timersChanged = true
		if c.inc.CloseClass != bot.ClassFalsePositive && c.inc.CloseClass != bot.ClassDuplicate {
			if err := c.openReview(); err != nil {
				return err
			}
		}
	case HappenRole, HappenSeverity, HappenTaskAdded, HappenTaskDone:
		// Nothing to remember: the plan is derived from the roles, severity and tasks.
	default:
		return nil
	}
	if err := c.tx.SaveNudgeState(st); err != nil {
		return err
	}
	return c.planReminders(st)
}
