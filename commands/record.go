package commands

import (
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
)

var verbNote = &Verb{
	Name: "note", Scope: InIncident, Summary: "add a note to the timeline (--tlp red: label it)",
	Args: textArgs,
	Run: func(c *call) error {
		tlp := tlpOf(c.args)
		text := c.args.Text("text")
		if err := c.record(bot.KindNote, text, tlpData(tlp)); err != nil {
			return err
		}
		post := bot.Textf("📝 %s: %s", bot.Who(c.who), c.words(text))
		if tlp != bot.TLPUnset {
			post = bot.Textf("📝 %s [%s]: %s", bot.Who(c.who), tlp.String(), c.words(text))
		}
		if err := c.postEntry(c.lastSeq, bot.Message{Text: post}); err != nil {
			return err
		}
		c.say("Noted on %s as entry %d%s.", c.inc.ID(), c.lastSeq, tlpNote(tlp))
		return nil
	},
}

var verbUpdate = &Verb{
	Name: "update", Scope: InIncident,
	Summary: "post a status update (channel, card and announce channel)",
	Args:    textArgs,
	Run: func(c *call) error {
		tlp := tlpOf(c.args)
		text := c.args.Text("text")
		if err := c.record(bot.KindUpdate, text, tlpData(tlp)); err != nil {
			return err
		}
		seq := c.lastSeq
		if err := c.happen(Happening{Kind: HappenUpdate}); err != nil {
			return err
		}
		if err := c.postEntry(seq, bot.Message{Text: bot.Textf("*Status update* from %s: %s", bot.Who(c.who), c.words(text))}); err != nil {
			return err
		}
		withheld, err := c.announce()
		if err != nil {
			return err
		}
		c.say("Status update posted on %s as entry %d%s.", c.inc.ID(), seq, withheld)
		return nil
	},
}

var verbTaskAdd = &Verb{
	Name: "task add", Group: "task", Scope: InIncident,
	Summary: "add an action item",
	Args:    taskAddArgs,
	Run: func(c *call) error {
		text, owner, due, err := c.taskOf(c.args)
		if err != nil {
			return err
		}
		// Giving a task to someone not yet in the incident brings them in: that is invite.
		if owner != "" {
			member, err := c.tx.IsMember(c.inc.Number, owner)
			if err != nil {
				return err
			}
			if !member {
				if err := c.authorizeAs("incident invite", "invite"); err != nil {
					return forbid("%s is not a member of %s, and giving them a task brings them in. %s", owner, c.inc.ID(), err.Error())
				}
			}
		}
		task := bot.Task{Text: text, Owner: owner, CreatedBy: c.who, CreatedAt: c.now}
		if due > 0 {
			at := c.now.Add(due)
			task.Due = &at
		}
		k, err := c.tx.AddTask(c.inc.Number, task)
		if err != nil {
			return err
		}
		// The task's text comes after the first ": " (bot.FreeText); owner and due are data.
		desc, summary := fmt.Sprintf("task %d: %s", k, text), fmt.Sprintf("added task %d", k)
		taskData := bot.Data{"task": k, "action": "add"}
		if owner != "" {
			desc += " (owner " + owner + ")"
			summary += " (owner " + owner + ")"
			taskData["owner"] = owner
		}
		if task.Due != nil {
			desc += ", due " + bot.FormatTime(*task.Due)
			summary += ", due " + bot.FormatTime(*task.Due)
			taskData["due"] = *task.Due
		}
		if err := c.record(bot.KindTask, summary+": "+text, taskData); err != nil {
			return err
		}
		task.N = k
		if err := c.happen(Happening{Kind: HappenTaskAdded, Who: owner, Task: &task}); err != nil {
			return err
		}
		post := bot.Textf("%s added task %d: %s", bot.Who(c.who), k, c.words(text))
		if owner != "" {
			post = post.Append(bot.Textf(" (owner %s)", bot.Who(owner))...)
		}
		if task.Due != nil {
			post = post.Append(bot.Textf(", due %s", bot.ChatTime(*task.Due))...)
		}
		if err := c.post(bot.Message{Text: post}); err != nil {
			return err
		}
		if owner != "" && owner != c.who {
			if err := c.invite(owner); err != nil {
				return err
			}
		}
		c.say("Task %d added to %s as entry %d.", k, c.inc.ID(), c.lastSeq)
		return nil
	},
}

// parseTask reads the task's arguments and resolves its owner.
func (c *call) taskOf(a Args) (text, owner string, due time.Duration, err error) {
	if a.Has("owner") {
		if owner, err = c.person("owner"); err != nil {
			return "", "", 0, err
		}
	}
	return a.Text("text"), owner, a.Duration("due"), nil
}

var verbTaskDone = &Verb{
	Name: "task done", Group: "task", Scope: InIncident, Summary: "mark a task done",
	Args: []Arg{{Name: "n", Kind: ArgInt, Required: true}},
	Run: func(c *call) error {
		k := c.args.Int("n")
		task, err := c.tx.CompleteTask(c.inc.Number, k, c.who, c.now)
		if isNotFound(err) {
			return refuse("%s has no task %d; see /incident tasks.", c.inc.ID(), k)
		}
		if err != nil {
			return err
		}
		if task.DoneAt != nil {
			return refuse("Task %d was already done by %s.", k, task.DoneBy)
		}
		if err := c.record(bot.KindTask, fmt.Sprintf("done task %d: %s", k, task.Text), bot.Data{"task": k, "action": "done"}); err != nil {
			return err
		}
		if err := c.happen(Happening{Kind: HappenTaskDone, Task: &task}); err != nil {
			return err
		}
		if err := c.post(bot.Message{Text: bot.Textf("%s finished task %d: %s", c.who, k, task.Text)}); err != nil {
			return err
		}
		c.say("Task %d done, entry %d on %s.", k, c.lastSeq, c.inc.ID())
		return nil
	},
}

var verbTasks = &Verb{
	Args: []Arg{leadIncident},
	Name: "tasks", Scope: InIncident, Summary: "list action items",
	Run: func(c *call) error {
		tasks, err := c.tx.Tasks(c.inc.Number)
		if err != nil {
			return err
		}
		if len(tasks) == 0 {
			c.say("%s has no tasks; add one with /incident task add <text> [@owner] [due <duration>].", c.inc.ID())
			return nil
		}
		c.say("Tasks on %s:", c.inc.ID())
		for _, t := range tasks {
			mark := "[ ]"
			if t.DoneAt != nil {
				mark = "[x]"
			}
			line := bot.Textf("%s %d. %s", mark, t.N, c.words(t.Text))
			if t.Owner != "" {
				line = line.Append(bot.Textf(" — %s", bot.Who(t.Owner))...)
			}
			if t.Due != nil && t.DoneAt == nil {
				line = line.Append(bot.Textf(", due %s", bot.ChatTime(*t.Due))...)
				if t.Due.Before(c.now) {
					line = line.Append(bot.Plain(" (OVERDUE)")...)
				}
			}
			c.say("%s", line)
		}
		return nil
	},
}

var verbChecklist = &Verb{
	Args: []Arg{leadIncident},
	Name: "checklist", Scope: InIncident, Summary: "the current phase's exit criteria",
	Run: func(c *call) error {
		phase := c.inc.Phase
		if !c.inc.Open() {
			phase = c.inc.ClosedFrom
		}
		text, err := c.checklistText(phase)
		if err != nil {
			return err
		}
		c.say("%s", text)
		return nil
	},
}

var verbCheck = &Verb{
	Name: "check", Scope: InIncident, Summary: "tick exit criterion n",
	Args: []Arg{{Name: "n", Kind: ArgInt, Required: true}},
	Run: func(c *call) error {
		k := int(c.args.Int("n"))
		item, err := c.tx.CheckItem(c.inc.Number, c.inc.Phase, k, c.who, c.now)
		if isNotFound(err) {
			return refuse("%s has no exit criterion %d in %s; see /incident checklist.", c.inc.ID(), k, c.inc.Phase)
		}
		if err != nil {
			return err
		}
		if item.CheckedAt != nil {
			return refuse("Criterion %d was already ticked by %s.", k, item.CheckedBy)
		}
		if err := c.record(bot.KindCheck, fmt.Sprintf("%s criterion %d done: %s", c.inc.Phase, k, item.Text), bot.Data{"phase": string(c.inc.Phase), "item": k}); err != nil {
			return err
		}
		items, err := c.tx.Checklist(c.inc.Number, c.inc.Phase)
		if err != nil {
			return err
		}
		left := 0
		for _, it := range items {
			if it.CheckedAt == nil {
				left++
			}
		}
		c.say("Ticked %d. %s (%d left in %s).", k, item.Text, left, c.inc.Phase)
		if left == 0 {
			c.say("All exit criteria of %s are met: move on with /incident phase next.", c.inc.Phase)
		}
		return nil
	},
}

var verbLesson = &Verb{
	Name: "lesson", Scope: InIncident, Summary: "record a lesson for the report",
	Args: lessonArgs,
	Run: func(c *call) error {
		kind, text, err := lessonFrom(c.args)
		if err == errUsage {
			return c.usage()
		}
		if err != nil {
			return err
		}
		d := bot.Data{"lesson": kind}
		late, err := c.afterClose(d)
		if err != nil {
			return err
		}
		if err := c.tx.AddLesson(c.inc.Number, bot.Lesson{Kind: kind, Text: text, Author: c.who, At: c.now}); err != nil {
			return err
		}
		if err := c.record(bot.KindLesson, kind+": "+text, d); err != nil {
			return err
		}
		c.say("Lesson (%s) recorded on %s as entry %d%s.", kind, c.inc.ID(), c.lastSeq, late)
		return nil
	},
}
