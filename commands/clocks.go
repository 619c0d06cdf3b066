package commands

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/templates"
)

var verbClock = &Verb{
	Name: "clock", Scope: InIncident,
	Summary: "start a regulatory deadline clock (GDPR 72 h, NIS2 24 h + 72 h, SEC 4 business days); alone, list them",
	Args: []Arg{{Name: "clock", Kind: ArgWord, Placeholder: "<gdpr|nis2|sec|<name> <hours>>", Help: "gdpr, nis2, sec, or a name of your own with hours"},
		clockHours,
		{Name: "from", Kind: ArgTime, Keyword: "from", Help: "when the organisation became aware: 2026-03-01 14:00 or RFC 3339"}},
	Run: func(c *call) error {
		if !c.args.Has("clock") {
			if c.args.Has("from") {
				return c.usage()
			}
			return c.listClocks()
		}
		if err := c.authorize("incident clock (start)"); err != nil {
			return err
		}
		return c.startClock(strings.ToLower(c.args.Text("clock")), c.args.Duration("hours"), c.args.Time("from"))
	},
}

// clockHours: a clock of your own's deadline, in hours ("48", "36.5", "48h"), up to a
// year; whether it is taken depends on the clock (gdpr, nis2 and sec have theirs), which
// startClock says.
var clockHours = Arg{Name: "hours", Kind: ArgDuration, Unit: time.Hour, Max: int64(maxClockHours * time.Hour), InPrevious: true,
	Help: "for a clock of your own: its deadline in hours, e.g. 48", Fold: func(w string) string { return w },
	Refuse: func(raw string, _ []string) error {
		return refuse("%q is not a number of hours between 0 and %d (e.g. 48).", raw, maxClockHours)
	}}

// maxClockHours bounds a clock of your own: a leap year.
const maxClockHours = 24 * 366

// verbClockDone records a filing. On Discord it is /incident-more clock-done beside clock.
var verbClockDone = &Verb{
	Name: "clock done", Sub: "clock-done", Scope: InIncident, Action: "incident clock (done)",
	Summary: "record that a clock's notification was filed (nis2: the earliest NIS2 deadline still open)",
	Args: []Arg{{Name: "name", Kind: ArgWord, Required: true, Label: "clock", Help: "e.g. gdpr"},
		{Name: "reference", Kind: ArgText, Help: "the regulator's case number, e.g. ICO case 12345"}},
	Run: func(c *call) error {
		return c.clockDone(strings.ToLower(c.args.Text("name")), c.args.Text("reference"))
	},
}

func (c *call) listClocks() error {
	clocks, err := c.tx.Clocks(c.inc.Number)
	if err != nil {
		return err
	}
	if len(clocks) == 0 {
		c.say("%s has no regulatory clocks. Start one with /incident clock gdpr|nis2|sec [from <time>], or /incident clock <name> <hours> [from <time>].", c.inc.ID())
		return nil
	}
	c.say("Regulatory clocks on %s:", c.inc.ID())
	for _, k := range clocks {
		line := clockLine(k, c.now)
		if k.DoneAt == nil && c.now.Before(k.Deadline) {
			line = line.Append(bot.Textf(" — %s left", ago(k.Deadline.Sub(c.now)))...)
		}
		c.say("%s", line)
	}
	return nil
}

// startClock runs "clock <regime> [from <time>]" and "clock <name> <hours> [from <time>]"
// (from is zero when not given). Starting a clock that exists (and is not filed) moves it,
// e.g. when awareness turns out to have come earlier.
func (c *call) startClock(name string, hours time.Duration, from time.Time) error {
	rules, builtin := regimeRules[name]
	switch {
	case builtin && hours != 0:
		return refuse("The %s clock has a fixed deadline (%s); write /incident clock %s [from <time>]. For a deadline of your own, pick another name: /incident clock <name> <hours>.", name, rules[len(rules)-1].span, name)
	case !builtin && hours == 0:
		return refuse("Usage: /incident clock gdpr|nis2|sec [from <time>], or /incident clock <name> <hours> [from <time>] for a deadline of your own.")
	case !builtin:
		if !clockNameRe.MatchString(name) || slices.Contains(reservedClockNames, name) {
			return refuse("%q cannot name a clock: use lowercase letters, digits and -, up to 30, and none of %s.", name, strings.Join(reservedClockNames, ", "))
		}
		rules = []clockRule{{name: name, label: name + " deadline", due: hoursAfter(hours.Hours())}}
	}
	start, what := c.inc.DeclaredAt, "awareness, i.e. the declaration"
	if name == "sec" {
		start, what = c.now, "the materiality decision, i.e. now"
	}
	if t := from; !t.IsZero() {
		if t.After(c.now) {
			return refuse("%s is in the future: a clock counts from when the organisation became aware.", bot.PlainTime(t, c.e.cfg.Location))
		}
		start, what = t, bot.FormatTime(t)
	}
	existing, err := c.tx.Clocks(c.inc.Number)
	if err != nil {
		return err
	}
	for _, r := range rules {
		if k, ok := findClock(existing, r.name); ok && k.DoneAt != nil {
			return refuse("The %s clock of %s was already filed (%s by %s).", r.name, c.inc.ID(), bot.FormatTime(*k.DoneAt), k.DoneBy)
		}
	}
	for _, r := range rules {
		k := bot.Clock{Incident: c.inc.Number, Name: r.name, Label: r.label, Start: start, Deadline: r.due(start, c.e.cfg.Location), SetBy: c.who, SetAt: c.now}
		verb := "started"
		if _, ok := findClock(existing, r.name); ok {
			verb = "moved"
		}
		if err := c.tx.SetClock(k); err != nil {
			return err
		}
		if err := c.record(bot.KindClock, fmt.Sprintf("%s clock %s: %s, counting from %s, deadline %s", k.Name, verb, k.Label, bot.FormatTime(k.Start), bot.FormatTime(k.Deadline)),
			bot.Data{"clock": k.Name, "action": "set", "start": k.Start, "deadline": k.Deadline}); err != nil {
			return err
		}
		if err := c.postNudge(bot.Textf("⏱ %s %s the *%s* clock — %s: %s from %s, deadline %s. Comms and legal are reminded at 50%%, 75%%, 90%% and at the deadline until /incident clock done %s.",
			c.who, verb, k.Name, k.Label, clockSpan(k), bot.ChatTime(k.Start), bot.ChatTime(k.Deadline), k.Name)); err != nil {
			return err
		}
		if err := c.planClock(k); err != nil {
			return err
		}
		c.say("%s clock %s on %s: deadline %s (counting from %s).", k.Name, verb, c.inc.ID(), bot.ChatTime(k.Deadline), what)
	}
	c.dirty = c.inc.Open()
	return nil
}

// planClock arms the clock's next reminder; a filed or fully reminded clock has none.
// Clocks ignore remind off, snoozes and quiet hours: a legal deadline does not move.
func (c *call) planClock(k bot.Clock) error {
	due := zeroTime
	if k.DoneAt == nil && k.Reminded < len(clockPercents) {
		due = clockStage(k, k.Reminded)
	}
	return c.armTimer(kindClock, clockKey(k), due, k.Name)
}

func clockKey(k bot.Clock) string { return timerKey(kindClock, k.Incident) + ":" + k.Name }

// fireClock reminds comms and legal (the commander when neither is assigned) of a clock at
// the latest point reached; points passed together — after downtime, or a clock started
// late — merge into one reminder.
func fireClock(c *call, t bot.Timer) error {
	if c.inc == nil {
		return nil
	}
	clocks, err := c.tx.Clocks(c.inc.Number)
	if err != nil {
		return err
	}
	k, ok := findClock(clocks, t.Payload)
	if !ok || k.DoneAt != nil {
		return nil
	}
	reached := clockReached(k, c.now)
	if reached <= k.Reminded {
		return c.planClock(k)
	}
	to, err := c.holders("comms", "legal")
	if err != nil {
		return err
	}
	if len(to) == 0 {
		if to, err = c.holders("commander"); err != nil {
			return err
		}
	}
	pct := clockPercents[reached-1]
	d := c.nudgeData(to)
	d.Clock = templates.NudgeClock{Name: k.Name, Regime: clockRegime(k.Name), Label: k.Label, Percent: pct,
		Start: c.timeSlot(k.Start), Deadline: c.timeSlot(k.Deadline), Span: clockSpan(k)}
	if k.Deadline.After(c.now) {
		d.Clock.Left = ago(k.Deadline.Sub(c.now))
	}
	if err := c.sendNudge("clock", d, to); err != nil {
		return err
	}
	// On the timeline: that comms and legal were told is part of the regulatory record.
	if err := c.record(bot.KindClock, fmt.Sprintf("%s clock at %d%%: reminded %s (deadline %s)", k.Name, pct, forLine(to), bot.FormatTime(k.Deadline)),
		bot.Data{"clock": k.Name, "action": "reminded", "percent": pct, "to": addresseeNames(to)}); err != nil {
		return err
	}
	k.Reminded = reached
	if err := c.tx.SetClock(k); err != nil {
		return err
	}
	if pct == 100 {
		c.dirty = c.inc.Open() // the card now shows it missed
	}
	return c.planClock(k)
}

// clockDone records a filing: "clock done gdpr [reference]". "nis2" names the earliest
// NIS2 deadline still open.
func (c *call) clockDone(name, note string) error {
	clocks, err := c.tx.Clocks(c.inc.Number)
	if err != nil {
		return err
	}
	if name == "nis2" {
		for _, k := range clocks {
			if clockRegime(k.Name) == "nis2" && k.DoneAt == nil {
				name = k.Name
				break
			}
		}
	}
	k, ok := findClock(clocks, name)
	if !ok {
		var names []string
		for _, k := range clocks {
			names = append(names, k.Name)
		}
		if len(names) == 0 {
			return refuse("%s has no regulatory clocks.", c.inc.ID())
		}
		return refuse("%s has no clock %q. Clocks: %s.", c.inc.ID(), name, strings.Join(names, ", "))
	}
	if k.DoneAt != nil {
		return refuse("The %s clock of %s was already filed (%s by %s).", k.Name, c.inc.ID(), bot.FormatTime(*k.DoneAt), k.DoneBy)
	}
	d := bot.Data{"clock": k.Name, "action": "done", "late": c.now.After(k.Deadline)}
	late, err := c.afterClose(d)
	if err != nil {
		return err
	}
	done := c.now
	k.DoneAt, k.DoneBy, k.DoneNote = &done, c.who, note
	if err := c.tx.SetClock(k); err != nil {
		return err
	}
	verdict := "on time, " + ago(k.Deadline.Sub(c.now)) + " before the deadline"
	if c.now.After(k.Deadline) {
		verdict = "LATE, " + ago(c.now.Sub(k.Deadline)) + " after the deadline"
	}
	text := fmt.Sprintf("%s filed (%s): %s", k.Name, k.Label, verdict)
	if note != "" {
		text += "; reference: " + note
	}
	if err := c.record(bot.KindClock, text, d); err != nil {
		return err
	}
	if err := c.planClock(k); err != nil {
		return err
	}
	if err := c.postNudge(bot.Textf("✅ %s recorded the %s filing for %s — %s. Its reminders stop.", c.who, k.Name, c.inc.ID(), verdict)); err != nil {
		return err
	}
	c.dirty = c.inc.Open()
	c.say("Recorded: %s%s.", text, late)
	for _, other := range clocks {
		if other.DoneAt == nil && other.Name != k.Name {
			c.say("Still running: %s, due %s.", other.Name, bot.ChatTime(other.Deadline))
		}
	}
	return nil
}
