package bot

import "time"

// Timeline entry kinds of the nudges feature.
const (
	KindRemind = "remind" // reminders snoozed, turned off or back on (with who did it)
	KindClock  = "clock"  // a regulatory clock set, moved, reminded about or its filing recorded
	KindReview = "review" // the lessons-learned review opened, scheduled or held
	KindDrill  = "drill"  // a drill's scenario started
	KindInject = "inject" // a drill inject arrived
)

// Clock is a regulatory deadline on an incident (GDPR, NIS2, SEC or a custom one). It is
// kept after the filing so the report can show whether the deadline was met.
type Clock struct {
	Incident int64
	Name     string    // gdpr, nis2-early-warning, nis2-notification, sec, or a custom name
	Label    string    // what must be filed, for people
	Start    time.Time // when it started counting: awareness, or SEC's materiality decision
	Deadline time.Time
	SetBy    string
	SetAt    time.Time
	// Reminded is how many of the 50 %, 75 %, 90 % and 100 % reminders have gone out (0–4).
	Reminded int
	DoneAt   *time.Time // when the filing was recorded
	DoneBy   string
	DoneNote string // e.g. the authority's reference number
}

// Met reports whether the filing was recorded by the deadline; decided is false while the
// clock is still running.
func (c Clock) Met() (met, decided bool) {
	if c.DoneAt == nil {
		return false, false
	}
	return !c.DoneAt.After(c.Deadline), true
}

// NudgeState is an incident's reminder settings and the anchors its reminders count from.
// Zero times mean "never" (or, for the anchors, the declaration).
type NudgeState struct {
	Incident     int64
	Muted        bool // remind off: no reminders (regulatory clocks excepted)
	MutedBy      string
	SnoozedUntil time.Time // no reminder before this
	LastUpdate   time.Time // the last status update (or the declaration)
	PhaseEntered time.Time // when the current phase began
	// When each recurring reminder last went out, so a reminder repeats one interval after
	// it was sent rather than at once after a restart or a re-plan.
	CommanderReminded time.Time
	StatusReminded    time.Time
	DwellReminded     time.Time
	TasksReminded     time.Time
}

// Review is an incident's lessons-learned review: SANS asks for it no later than two weeks
// after the incident, so it is tracked (and reminded about) even after the incident closes.
type Review struct {
	Incident    int64
	Opened      time.Time  // when recovery ended (lessons-learned entered, or the close); zero before
	Due         time.Time  // the latest it should be held: Opened + nudges.lessons_review_within
	MeetingAt   *time.Time // when it is scheduled, if it is
	ScheduledBy string
	ScheduledAt time.Time
	RemindedAt  time.Time // the last reminder about it
	HeldAt      *time.Time
	HeldBy      string
}
