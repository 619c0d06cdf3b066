package commands

import (
	"slices"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/templates"
)

// fireTasks reminds about every overdue task at once — one reminder per incident however
// many are overdue: the channel sees the whole list, each owner privately only their own.
// Unassigned tasks go to the commander. It repeats every status-update interval while tasks
// stay overdue, and stops when they are done (or the incident closes).
func fireTasks(c *call, _ bot.Timer) error {
	st, ok, err := c.reminderDue()
	if err != nil || !ok {
		return err
	}
	next, err := c.nextTaskReminder(st)
	if err != nil {
		return err
	}
	if !c.inc.Open() || next.IsZero() || next.After(c.now) {
		return c.planReminders(st)
	}
	tasks, err := c.tx.Tasks(c.inc.Number)
	if err != nil {
		return err
	}
	cmdr, _, err := c.commander()
	if err != nil {
		return err
	}
	// An owner no longer in the incident is not told its tasks (their text is the
	// incident's): the commander gets them, as for unassigned ones.
	members, err := c.tx.Members(c.inc.Number)
	if err != nil {
		return err
	}
	// Everything overdue when the repeat interval has passed; in between, only the tasks
	// that fell due since the last reminder (so one task coming due does not re-send all).
	every := c.statusEvery()
	repeat := st.TasksReminded.IsZero() || every > 0 && !st.TasksReminded.Add(every).After(c.now)
	var owners []string
	mine := map[string][]templates.NudgeTask{}
	var all []templates.NudgeTask
	var to []addressee
	for _, t := range tasks {
		if t.DoneAt != nil || t.Due == nil || t.Due.After(c.now) || !repeat && !t.Due.After(st.TasksReminded) {
			continue
		}
		nt := templates.NudgeTask{N: t.N, Text: c.textSlot(c.words(t.Text)), Owner: c.whoSlot(t.Owner), Due: c.timeSlot(*t.Due), Late: ago(c.now.Sub(*t.Due))}
		all = append(all, nt)
		owner, role := t.Owner, "task owner"
		if owner == "" || !slices.Contains(members, owner) {
			owner, role = cmdr, "commander, for unassigned tasks"
		}
		if !slices.Contains(members, owner) {
			continue // a removed declarer is no acting commander: the channel still sees it
		}
		if !slices.Contains(owners, owner) {
			owners = append(owners, owner)
			to = append(to, addressee{owner, role})
		}
		mine[owner] = append(mine[owner], nt)
	}
	if len(all) == 0 {
		return c.planReminders(st)
	}
	d := c.nudgeData(to)
	d.Tasks = all
	if err := c.postNudge(c.renderNudge("task-overdue", d)); err != nil {
		return err
	}
	for _, a := range to {
		own := c.nudgeData([]addressee{a})
		own.Tasks = mine[a.person]
		if err := c.dmNudge(a.person, c.renderNudge("task-overdue", own)); err != nil {
			return err
		}
	}
	st.TasksReminded = c.now
	return c.remindedAndReplan(st)
}
