package commands

import (
	"strconv"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/duration"
)

var zeroTime time.Time

// nudgeState loads the incident's reminder state with its anchors defaulted to the
// declaration (for incidents declared before nudges existed).
func (c *call) nudgeState() (bot.NudgeState, error) {
	st, err := c.tx.NudgeState(c.inc.Number)
	if err != nil {
		return st, err
	}
	st.Incident = c.inc.Number
	if st.LastUpdate.IsZero() {
		st.LastUpdate = c.inc.DeclaredAt
	}
	if st.PhaseEntered.IsZero() {
		st.PhaseEntered = c.inc.DeclaredAt
	}
	return st, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// statusEvery is the status-update interval for the incident's severity
// (nudges.status_update); it is also how often overdue tasks are reminded about again.
func (c *call) statusEvery() time.Duration {
	return c.e.cfg.Nudges.StatusUpdate["sev"+strconv.Itoa(c.inc.Severity)].Std()
}

// dwellFor is how long a phase is expected to last at the incident's severity
// (nudges.phase_dwell).
func (c *call) dwellFor() time.Duration {
	return c.e.cfg.Nudges.PhaseDwell["sev"+strconv.Itoa(c.inc.Severity)].Std()
}

// working reports whether the incident is in a phase where the team is still handling it:
// in lessons-learned it is over, and only the review, tasks and clocks are reminded about.
func (c *call) working() bool { return c.inc.Open() && c.inc.Phase != bot.PhaseLessons }

// planReminders derives every reminder timer of the incident from its state and arms,
// moves or cancels each one. It is idempotent: calling it again changes nothing.
func (c *call) planReminders(st bot.NudgeState) error {
	due := map[string]time.Time{}
	if !st.Muted {
		if c.working() {
			_, acting, err := c.commander()
			if err != nil {
				return err
			}
			if nc := c.e.cfg.Nudges.NoCommander.Std(); acting && st.CommanderReminded.IsZero() && nc > 0 {
				due[kindNoCommander] = c.inc.DeclaredAt.Add(nc)
			}
			if every := c.statusEvery(); every > 0 {
				due[kindStatus] = later(st.LastUpdate, st.StatusReminded).Add(every)
			}
			if dwell := c.dwellFor(); dwell > 0 {
				due[kindDwell] = later(st.PhaseEntered, st.DwellReminded).Add(dwell)
			}
		}
		if c.inc.Open() {
			next, err := c.nextTaskReminder(st)
			if err != nil {
				return err
			}
			due[kindTasks] = next
		}
		next, err := c.nextReviewReminder()
		if err != nil {
			return err
		}
		due[kindReview] = next
	}
	for _, kind := range reminderKinds {
		at := due[kind]
		if !at.IsZero() {
			// An overdue reminder goes out now — unless now is snoozed or quiet.
			at = c.deliverAt(st, later(at, c.now))
		}
		if err := c.armTimer(kind, timerKey(kind, c.inc.Number), at, ""); err != nil {
			return err
		}
	}
	return nil
}

// nextTaskReminder is when the next overdue-task reminder is due: at a task's due time, and
// again one status-update interval after the last reminder while tasks stay overdue.
func (c *call) nextTaskReminder(st bot.NudgeState) (time.Time, error) {
	tasks, err := c.tx.Tasks(c.inc.Number)
	if err != nil {
		return zeroTime, err
	}
	every := c.statusEvery()
	var next time.Time
	for _, t := range tasks {
		if t.DoneAt != nil || t.Due == nil {
			continue
		}
		at := *t.Due
		if !st.TasksReminded.IsZero() && !at.After(st.TasksReminded) {
			if every <= 0 {
				continue
			}
			at = st.TasksReminded.Add(every)
		}
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return next, nil
}

// armTimer sets the incident's timer `key` to due, or cancels it when due is zero, writing
// only when something changes.
func (c *call) armTimer(kind, key string, due time.Time, payload string) error {
	cur, err := c.tx.Timer(key)
	if err != nil && !isNotFound(err) {
		return err
	}
	pending := err == nil
	if due.IsZero() {
		if pending {
			return c.cancelTimer(key)
		}
		return nil
	}
	if pending && cur.Due.Equal(due.UTC()) && cur.Payload == payload {
		return nil
	}
	return c.setTimer(kind, key, due, payload)
}

// reminderDue is the common start of a reminder handler: it reports whether the reminder
// may go out now. A muted incident gets nothing; one that is snoozed, or in quiet hours at
// sev3/sev4, since the timer was armed is re-planned instead.
func (c *call) reminderDue() (bot.NudgeState, bool, error) {
	if c.inc == nil {
		return bot.NudgeState{}, false, nil
	}
	st, err := c.nudgeState()
	if err != nil || st.Muted {
		return st, false, err
	}
	if at := c.deliverAt(st, c.now); at.After(c.now) {
		return st, false, c.planReminders(st)
	}
	return st, true, nil
}

// remindedAndReplan stores the state after a reminder went out and arms the next one.
func (c *call) remindedAndReplan(st bot.NudgeState) error {
	if err := c.tx.SaveNudgeState(st); err != nil {
		return err
	}
	return c.planReminders(st)
}

func ago(d time.Duration) string {
	if d < time.Minute {
		return "under a minute"
	}
	return duration.Format(d.Truncate(time.Minute))
}

// fireNoCommander: nobody has taken or been given the commander role — to the declarer
// (acting commander) and the leads. It goes out once.
func fireNoCommander(c *call, _ bot.Timer) error {
	st, ok, err := c.reminderDue()
	if err != nil || !ok {
		return err
	}
	_, acting, err := c.commander()
	if err != nil {
		return err
	}
	if acting && c.working() {
		to, err := c.holders("commander") // the declarer, unless removed
		if err != nil {
			return err
		}
		for _, l := range c.e.cfg.Leads {
			to = append(to, addressee{l, "lead"})
		}
		d := c.nudgeData(to)
		d.Declarer, d.Age = c.whoSlot(c.inc.DeclaredBy), ago(c.now.Sub(c.inc.DeclaredAt))
		if err := c.sendNudge("no-commander", d, to); err != nil {
			return err
		}
	}
	st.CommanderReminded = c.now
	return c.remindedAndReplan(st)
}

// fireStatusUpdate: no status update for the severity's interval — to the commander and
// comms. It repeats every interval until an update resets it.
func fireStatusUpdate(c *call, _ bot.Timer) error {
	st, ok, err := c.reminderDue()
	if err != nil || !ok {
		return err
	}
	every := c.statusEvery()
	if !c.working() || every <= 0 || later(st.LastUpdate, st.StatusReminded).Add(every).After(c.now) {
		return c.planReminders(st)
	}
	to, err := c.holders("commander", "comms")
	if err != nil {
		return err
	}
	d := c.nudgeData(to)
	d.Since, d.Age, d.Every = c.timeSlot(st.LastUpdate), ago(c.now.Sub(st.LastUpdate)), duration.Format(every)
	if err := c.sendNudge("status-update", d, to); err != nil {
		return err
	}
	st.StatusReminded = c.now
	return c.remindedAndReplan(st)
}

// firePhaseDwell: the phase has lasted longer than expected for the severity — to the
// commander. It repeats every dwell period while the phase lasts.
func firePhaseDwell(c *call, _ bot.Timer) error {
	st, ok, err := c.reminderDue()
	if err != nil || !ok {
		return err
	}
	dwell := c.dwellFor()
	if !c.working() || dwell <= 0 || later(st.PhaseEntered, st.DwellReminded).Add(dwell).After(c.now) {
		return c.planReminders(st)
	}
	to, err := c.holders("commander")
	if err != nil {
		return err
	}
	d := c.nudgeData(to)
	d.Since, d.Age, d.Every = c.timeSlot(st.PhaseEntered), ago(c.now.Sub(st.PhaseEntered)), duration.Format(dwell)
	if err := c.sendNudge("phase-dwell", d, to); err != nil {
		return err
	}
	st.DwellReminded = c.now
	return c.remindedAndReplan(st)
}
