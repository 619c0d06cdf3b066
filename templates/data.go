package templates

// PhaseData is what phases/<phase>.md.tmpl and duties/<phase>/<role>.md.tmpl receive.
type PhaseData struct {
	ID           string            // "INC-3"
	Title        string            // the incident's title
	Severity     int               // 1..4
	SeverityName string            // "critical"
	Type         string            // "phishing", or "" when not yet classified
	Phase        string            // the phase being entered
	Drill        bool              // a practice incident
	Roles        map[string]string // role -> holder's display name
	Role         string            // for duties: the role the text is addressed to
	Person       string            // for duties: the holder's display name
}

// RoleData is what roles/<role>.md.tmpl receives when someone is given a role.
type RoleData struct {
	ID       string
	Title    string
	Severity int
	Phase    string
	Role     string
	Person   string
	Channel  string // the incident channel's name
	Drill    bool
}

// NudgeData is what nudges/<name>.md.tmpl receives: the incident, who the reminder is for,
// and the fields of the reminder's own kind (the others are zero).
type NudgeData struct {
	ID           string // "INC-3"
	Title        string
	Severity     int
	SeverityName string
	Phase        string
	Drill        bool
	Open         bool   // false once closed (the review and clock reminders outlive the close)
	For          string // whom it addresses: "alice (commander) and bob (comms)"
	Declarer     string // no-commander: who declared and is still only acting commander
	Since        string // a chat time: what the reminder counts from (last update, phase start …)
	Age          string // how long since then: "35m", "2h", "1d4h"
	Every        string // the configured interval for this severity: "30m", "2h"
	Tasks        []NudgeTask
	// Missing are the report's facts still to record, each with its verb ("summary
	// (/incident summary <text>)"); phase-dwell and status-update ask for them.
	Missing []string
	Review  NudgeReview
	Clock   NudgeClock
}

// NudgeTask is one overdue task in a reminder.
type NudgeTask struct {
	N     int64
	Text  string
	Owner string // "" when unassigned
	Due   string // a chat time
	Late  string // how long overdue: "2h"
}

// NudgeReview describes the lessons-learned review in its reminder.
type NudgeReview struct {
	// Stage is "schedule" (no meeting yet), "upcoming" (a day before), "now" (at the
	// meeting time) or "confirm" (the meeting time has passed and it is not marked held).
	Stage   string
	Due     string // a chat time: the latest SANS date; "" when the window has not opened
	Left    string // time left until Due, "" once it has passed
	Overdue bool   // Due has passed
	Meeting string // a chat time, "" when not scheduled
}

// NudgeClock describes a regulatory clock in its reminder.
type NudgeClock struct {
	Name     string // gdpr, nis2-early-warning, nis2-notification, sec, or a custom name
	Regime   string // gdpr | nis2 | sec | custom
	Label    string // what must be filed
	Percent  int    // 50, 75, 90 or 100
	Start    string // a chat time: when it started counting
	Deadline string // a chat time
	Span     string // the whole period: "72h", "4 business days"
	Left     string // time left, "" at or after the deadline
}
