package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/duration"
)

// maxSnooze bounds a snooze: longer than a week is "off", and should say so.
const maxSnooze = 7 * 24 * time.Hour

var verbRemind = &Verb{
	Name: "remind", Scope: InIncident,
	Summary: "show, snooze, mute or resume this incident's reminders (regulatory clocks are never muted)",
	Args:    remindArgs,
	Run: func(c *call) error {
		st, err := c.nudgeState()
		if err != nil {
			return err
		}
		if !c.args.Has("action") {
			return c.remindStatus(st)
		}
		if err := c.authorize("incident remind (snooze, off, on)"); err != nil {
			return err
		}
		return c.setMuted(st, c.args.Text("action") == "off")
	},
}

// verbRemindSnooze holds the reminders for a while. On Discord it is /incident-more
// remind-snooze beside remind.
var verbRemindSnooze = &Verb{
	Name: "remind snooze", Sub: "remind-snooze", Scope: InIncident, Action: "incident remind (snooze, off, on)",
	Summary: "hold this incident's reminders for a while, at most a week (regulatory clocks go on)",
	Args:    remindSnoozeArgs,
	Run: func(c *call) error {
		st, err := c.nudgeState()
		if err != nil {
			return err
		}
		return c.snooze(st, c.args.Duration("duration"))
	},
}

// snooze holds every reminder of the incident until now+d (clocks and drill injects go on).
// Reminders planned later during the snooze respect it too, since it is part of the state.
func (c *call) snooze(st bot.NudgeState, d time.Duration) error {
	if st.Muted {
		return refuse("Reminders on %s are off (turned off by %s); there is nothing to snooze. Turn them on with /incident remind on.", c.inc.ID(), st.MutedBy)
	}
	st.SnoozedUntil = c.now.Add(d)
	if err := c.tx.SaveNudgeState(st); err != nil {
		return err
	}
	if err := c.record(bot.KindRemind, fmt.Sprintf("reminders snoozed for %s, until %s", duration.Format(d), bot.FormatTime(st.SnoozedUntil)),
		bot.Data{"action": "snooze", "until": st.SnoozedUntil}); err != nil {
		return err
	}
	if err := c.planReminders(st); err != nil {
		return err
	}
	if err := c.postNudge(bot.Textf("🔕 %s snoozed reminders on %s for %s, until %s. Regulatory clocks keep reminding.", c.who, c.inc.ID(), duration.Format(d), bot.ChatTime(st.SnoozedUntil))); err != nil {
		return err
	}
	c.say("Reminders on %s snoozed until %s.", c.inc.ID(), bot.ChatTime(st.SnoozedUntil))
	return nil
}

// setMuted turns the incident's reminders off or back on. On re-plans from the state, so
// whatever fell due while they were off comes once, at once.
func (c *call) setMuted(st bot.NudgeState, off bool) error {
	switch {
	case off && st.Muted:
		return refuse("Reminders on %s are already off (turned off by %s).", c.inc.ID(), st.MutedBy)
	case !off && !st.Muted && !st.SnoozedUntil.After(c.now):
		return refuse("Reminders on %s are already on.", c.inc.ID())
	}
	st.Muted, st.MutedBy, st.SnoozedUntil = off, "", zeroTime
	text, post := "reminders turned back on", bot.Textf("🔔 %s turned reminders on %s back on.", c.who, c.inc.ID())
	if off {
		st.MutedBy = c.who
		text = "reminders turned off"
		post = bot.Textf("🔕 %s turned reminders on %s off. Regulatory clocks keep reminding comms and legal; turn reminders back on with /incident remind on.", c.who, c.inc.ID())
	}
	if err := c.tx.SaveNudgeState(st); err != nil {
		return err
	}
	if err := c.record(bot.KindRemind, text, bot.Data{"action": map[bool]string{true: "off", false: "on"}[off]}); err != nil {
		return err
	}
	if err := c.planReminders(st); err != nil {
		return err
	}
	if err := c.postNudge(post); err != nil {
		return err
	}
	c.say("%s: %s.", c.inc.ID(), strings.ToUpper(text[:1])+text[1:])
	return nil
}

var reminderNames = map[string]string{
	kindNoCommander: "no commander yet", kindStatus: "status update", kindDwell: "phase taking long",
	kindTasks: "overdue tasks", kindReview: "lessons-learned review",
}

// remindStatus shows whether reminders are on and what is coming, clocks included.
func (c *call) remindStatus(st bot.NudgeState) error {
	switch {
	case st.Muted:
		c.say("Reminders on %s are off (turned off by %s). Turn them on with /incident remind on.", c.inc.ID(), st.MutedBy)
	case st.SnoozedUntil.After(c.now):
		c.say("Reminders on %s are snoozed until %s.", c.inc.ID(), bot.ChatTime(st.SnoozedUntil))
	default:
		c.say("Reminders on %s are on.", c.inc.ID())
	}
	for _, kind := range reminderKinds {
		t, err := c.tx.Timer(timerKey(kind, c.inc.Number))
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		c.say("• %s — next reminder %s", reminderNames[kind], bot.ChatTime(t.Due))
	}
	clocks, err := c.tx.Clocks(c.inc.Number)
	if err != nil {
		return err
	}
	for _, k := range clocks {
		c.say("• %s", clockLine(k, c.now))
	}
	c.say("Change it with /incident remind snooze <duration> | off | on (regulatory clocks are never muted).")
	return nil
}
