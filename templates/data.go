package templates

// What the commands put in these structs is text that a template prints and warroom then
// reads for markup (*bold*, `code`, "/incident …" hints: the templates are warroom's or the
// operator's words). A field tagged `slot` holds no value but a placeholder for typed
// segments (commands/text.go, bot.Slots): a time, a person, or what people wrote — a title,
// a task — which must stay words. A template may print a slot and test it with if or with
// ("" is still empty), but must not compare, measure or transform it: {{if eq .Title "x"}}
// is never true and {{printf "%.10s" .Title}} cuts the placeholder. On a map or a slice the
// tag is about its values. TestTemplatesOnlyPrintSlots checks the built-in templates.

// PhaseData is what phases/<phase>.md.tmpl and duties/<phase>/<role>.md.tmpl receive.
type PhaseData struct {
	ID           string            // "INC-3"
	Title        string            `slot:"words"` // the incident's title
	Severity     int               // 1..4
	SeverityName string            // "critical"
	Type         string            // "phishing", or "" when not yet classified
	Phase        string            // the phase being entered
	Drill        bool              // a practice incident
	Roles        map[string]string `slot:"person"` // role -> holder
	Role         string            // for duties: the role the text is addressed to
	Person       string            `slot:"person"` // for duties: the holder
}

// RoleData is what roles/<role>.md.tmpl receives when someone is given a role.
type RoleData struct {
	ID       string
	Title    string `slot:"words"`
	Severity int
	Phase    string
	Role     string
	Person   string `slot:"person"`
	Channel  string // the incident channel's name: inc-<n>-<letters, digits and dashes>
	Drill    bool
}

// NudgeData is what nudges/<name>.md.tmpl receives: the incident, who the reminder is for,
// and the fields of the reminder's own kind (the others are zero).
type NudgeData struct {
	ID           string // "INC-3"
	Title        string `slot:"words"`
	Severity     int
	SeverityName string
	Phase        string
	Drill        bool
	Open         bool   // false once closed (the review and clock reminders outlive the close)
	For          string `slot:"people"` // whom it addresses: "alice (commander) and bob (comms)"
	Declarer     string `slot:"person"` // no-commander: who declared and is still only acting commander
	Since        string `slot:"time"`   // what the reminder counts from (last update, phase start …)
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
	Text  string `slot:"words"`
	Owner string `slot:"person"` // "" when unassigned
	Due   string `slot:"time"`
	Late  string // how long overdue: "2h"
}

// NudgeReview describes the lessons-learned review in its reminder.
type NudgeReview struct {
	// Stage is "schedule" (no meeting yet), "upcoming" (a day before), "now" (at the
	// meeting time) or "confirm" (the meeting time has passed and it is not marked held).
	Stage   string
	Due     string `slot:"time"` // the latest SANS date; "" when the window has not opened
	Left    string // time left until Due, "" once it has passed
	Overdue bool   // Due has passed
	Meeting string `slot:"time"` // "" when not scheduled
}

// NudgeClock describes a regulatory clock in its reminder. Name and Label are warroom's or
// the clock's name, which is lowercase letters, digits and dashes.
type NudgeClock struct {
	Name     string // gdpr, nis2-early-warning, nis2-notification, sec, or a custom name
	Regime   string // gdpr | nis2 | sec | custom
	Label    string // what must be filed
	Percent  int    // 50, 75, 90 or 100
	Start    string `slot:"time"` // when it started counting
	Deadline string `slot:"time"`
	Span     string // the whole period: "72h", "4 business days"
	Left     string // time left, "" at or after the deadline
}
