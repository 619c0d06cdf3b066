package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/internal/duration"
	"github.com/warroom/warroom/templates"
)

// The lessons-learned review. SANS: hold it no later than two weeks after the incident. It
// opens when recovery ends (entering lessons-learned, or the close if that comes first) and
// is reminded about — even after the close — until /incident review held.

// reviewRepeat is how often an unscheduled, or past but unconfirmed, review is reminded about.
const reviewRepeat = 24 * time.Hour

var verbReview = &Verb{
	Name: "review", Scope: InIncident,
	Summary: "schedule the lessons-learned review (3d, 2026-03-10 14:00) or record it held; SANS: within two weeks",
	Args:    []Arg{reviewWhen},
	Run: func(c *call) error {
		r, err := c.tx.Review(c.inc.Number)
		if err != nil && !isNotFound(err) {
			return err
		}
		r.Incident = c.inc.Number
		if !c.args.Has("when") {
			c.say("%s", c.reviewStatus(r))
			return nil
		}
		if err := c.authorize("incident review (schedule or held)"); err != nil {
			return err
		}
		switch c.args.Which("when") {
		case "held":
			return c.reviewHeld(r)
		case "in":
			return c.scheduleReview(r, c.now.Add(c.args.Duration("when")))
		}
		return c.scheduleReview(r, c.args.Time("when"))
	},
}

// reviewWhen: held, a duration from now ("3d", "in 2h") or a date and time, the rest of
// the line; anything else is refused naming the forms in the configured zone.
var reviewWhen = Arg{Name: "when", Kind: ArgText, Placeholder: "<when|held>", Help: "a duration (3d), a date and time (2026-03-10 14:00), or held",
	OneOf: []Arg{{Name: "held", Kind: ArgChoice, Choices: []string{"held"}},
		{Name: "in", Kind: ArgDuration, Fold: func(w string) string { return strings.TrimPrefix(w, "in ") }},
		{Name: "at", Kind: ArgTime}},
	RefuseOf: func(cfg *config.Config) func(string, []string) error {
		return func(raw string, _ []string) error {
			return refuse("%q is not a time warroom can read: use a duration (3d, 4h) or a date and time (2026-03-10 14:00 in %s, or RFC 3339).", strings.TrimSpace(raw), cfg.Location)
		}
	}}

// openReview starts the two-week window when recovery ends; a review already opened or held
// (a reopened incident closing again) is left as it is.
func (c *call) openReview() error {
	r, err := c.tx.Review(c.inc.Number)
	if err != nil && !isNotFound(err) {
		return err
	}
	if err == nil && (!r.Opened.IsZero() || r.HeldAt != nil) {
		return nil
	}
	r.Incident, r.Opened, r.Due = c.inc.Number, c.now, c.now.Add(c.e.cfg.Nudges.LessonsReviewWithin.Std())
	if err := c.tx.SaveReview(r); err != nil {
		return err
	}
	within := duration.Format(c.e.cfg.Nudges.LessonsReviewWithin.Std())
	if err := c.record(bot.KindReview, fmt.Sprintf("lessons-learned review due by %s (within %s)", bot.FormatTime(r.Due), within), bot.Data{"action": "opened", "due": r.Due}); err != nil {
		return err
	}
	text := bot.Textf("📅 *Lessons-learned review*: hold it by %s (SANS: within two weeks of the incident; configured: %s).", bot.ChatTime(r.Due), within)
	if r.MeetingAt != nil {
		text = text.Append(bot.Textf(" It is set for %s.", bot.ChatTime(*r.MeetingAt))...)
	} else {
		text = text.Append(bot.Textf(" Set the meeting with /incident review <when>, e.g. /incident review 3d.")...)
	}
	// Posted directly: at the close this goes out before the channel is archived.
	return c.post(bot.Message{Text: text})
}

// nextReviewReminder is when the review is next reminded about (zero: not at all).
func (c *call) nextReviewReminder() (time.Time, error) {
	r, err := c.tx.Review(c.inc.Number)
	if isNotFound(err) {
		return zeroTime, nil
	}
	if err != nil {
		return zeroTime, err
	}
	return reviewNext(r), nil
}

// reviewNext: unscheduled — daily once the window is open; scheduled — a day before, at the
// meeting time, then daily until it is recorded as held.
func reviewNext(r bot.Review) time.Time {
	if r.HeldAt != nil {
		return zeroTime
	}
	if r.MeetingAt == nil {
		if r.Opened.IsZero() {
			return zeroTime
		}
		return later(r.Opened, r.RemindedAt).Add(reviewRepeat)
	}
	m := *r.MeetingAt
	base := later(r.ScheduledAt, r.RemindedAt)
	for _, at := range []time.Time{m.Add(-24 * time.Hour), m} {
		if at.After(base) {
			return at
		}
	}
	return later(base, m).Add(reviewRepeat)
}

// fireReview reminds the commander about the review at its current stage.
func fireReview(c *call, _ bot.Timer) error {
	st, ok, err := c.reminderDue()
	if err != nil || !ok {
		return err
	}
	r, err := c.tx.Review(c.inc.Number)
	if isNotFound(err) {
		return c.planReminders(st)
	}
	if err != nil {
		return err
	}
	if next := reviewNext(r); next.IsZero() || next.After(c.now) {
		return c.planReminders(st)
	}
	to, err := c.holders("commander")
	if err != nil {
		return err
	}
	d := c.nudgeData(to)
	d.Review = c.reviewData(r)
	if err := c.sendNudge("review", d, to); err != nil {
		return err
	}
	r.RemindedAt = c.now
	if err := c.tx.SaveReview(r); err != nil {
		return err
	}
	return c.planReminders(st)
}

func (c *call) reviewData(r bot.Review) templates.NudgeReview {
	var d templates.NudgeReview
	switch {
	case r.MeetingAt == nil:
		d.Stage = "schedule"
	case c.now.Before(*r.MeetingAt):
		d.Stage = "upcoming"
	case c.now.Before(r.MeetingAt.Add(time.Hour)):
		d.Stage = "now"
	default:
		d.Stage = "confirm"
	}
	if r.MeetingAt != nil {
		d.Meeting = c.timeSlot(*r.MeetingAt)
	}
	if !r.Due.IsZero() {
		d.Due = c.timeSlot(r.Due)
		if r.Due.After(c.now) {
			d.Left = ago(r.Due.Sub(c.now))
		} else {
			d.Overdue = true
		}
	}
	return d
}

func (c *call) reviewStatus(r bot.Review) bot.Text {
	var b textBuf
	b.printf("Lessons-learned review of %s: ", c.inc.ID())
	switch {
	case r.HeldAt != nil:
		b.printf("held (recorded %s by %s).", bot.ChatTime(*r.HeldAt), bot.Who(r.HeldBy))
	case r.MeetingAt != nil:
		b.printf("set for %s by %s.", bot.ChatTime(*r.MeetingAt), bot.Who(r.ScheduledBy))
	case !r.Opened.IsZero():
		b.printf("not scheduled yet.")
	default:
		b.printf("not due yet: the two-week window opens when recovery ends. You may schedule it already with /incident review <when>.")
	}
	if !r.Due.IsZero() && r.HeldAt == nil {
		b.printf(" SANS: hold it by %s.", bot.ChatTime(r.Due))
	}
	return b.t
}

func (c *call) reviewHeld(r bot.Review) error {
	if r.HeldAt != nil {
		return refuse("The lessons-learned review of %s was already recorded as held (%s, by %s).", c.inc.ID(), bot.FormatTime(*r.HeldAt), r.HeldBy)
	}
	d := bot.Data{"action": "held"}
	late, err := c.afterClose(d)
	if err != nil {
		return err
	}
	held := c.now
	r.HeldAt, r.HeldBy = &held, c.who
	if err := c.tx.SaveReview(r); err != nil {
		return err
	}
	when := ""
	if !r.Due.IsZero() {
		if c.now.After(r.Due) {
			when = fmt.Sprintf(", %s after the SANS two-week mark", ago(c.now.Sub(r.Due)))
		} else {
			when = ", within the SANS two weeks"
		}
	}
	if err := c.record(bot.KindReview, "lessons-learned review held"+when, d); err != nil {
		return err
	}
	if err := c.postNudge(bot.Textf("📅 %s recorded the lessons-learned review of %s as held%s. Its reminders stop.", c.who, c.inc.ID(), when)); err != nil {
		return err
	}
	if err := c.replan(); err != nil {
		return err
	}
	c.say("Recorded: the lessons-learned review of %s was held%s%s. Follow-ups belong in /incident task add … @owner due <duration>.", c.inc.ID(), when, late)
	return nil
}

func (c *call) scheduleReview(r bot.Review, at time.Time) error {
	if r.HeldAt != nil {
		return refuse("The lessons-learned review of %s was already held (%s).", c.inc.ID(), bot.FormatTime(*r.HeldAt))
	}
	if !at.After(c.now) {
		return refuse("%s is in the past. If the review took place, record it with /incident review held.", bot.PlainTime(at, c.e.cfg.Location))
	}
	text := "lessons-learned review scheduled for " + bot.FormatTime(at)
	if r.MeetingAt != nil {
		text = "lessons-learned review moved from " + bot.FormatTime(*r.MeetingAt) + " to " + bot.FormatTime(at)
	}
	d := bot.Data{"action": "scheduled", "at": at}
	after, err := c.afterClose(d)
	if err != nil {
		return err
	}
	r.MeetingAt, r.ScheduledBy, r.ScheduledAt = &at, c.who, c.now
	if err := c.tx.SaveReview(r); err != nil {
		return err
	}
	if err := c.record(bot.KindReview, text, d); err != nil {
		return err
	}
	var late bot.Text
	if !r.Due.IsZero() && at.After(r.Due) {
		late = bot.Textf(" That is after %s, the SANS two-week mark: hold it sooner if you can.", bot.ChatTime(r.Due))
	}
	if err := c.postNudge(bot.Textf("📅 %s set the lessons-learned review of %s for %s.%s", bot.Who(c.who), c.inc.ID(), bot.ChatTime(at), late)); err != nil {
		return err
	}
	if err := c.replan(); err != nil {
		return err
	}
	c.say("Lessons-learned review of %s set for %s%s; the commander is reminded a day before and at the time.%s", c.inc.ID(), bot.ChatTime(at), after, late)
	return nil
}

// replan re-plans the incident's reminders from its stored state.
func (c *call) replan() error {
	st, err := c.nudgeState()
	if err != nil {
		return err
	}
	return c.planReminders(st)
}

// parseClockTime reads RFC 3339, or "2026-03-01 14:00" (also with a T) in loc.
func parseClockTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	if loc == nil {
		loc = time.UTC
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return zeroTime, false
}
