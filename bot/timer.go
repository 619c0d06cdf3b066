package bot

import "time"

// Timer is a durable scheduled action: a nudge, a reminder, an escalation step. Key is its
// identity (e.g. "status-update:INC-3"): setting a timer with a key that exists moves it,
// which is also how several overdue reminders of one kind for one incident become one.
type Timer struct {
	ID       int64
	Key      string
	Kind     string
	Incident int64
	Due      time.Time
	Payload  string // JSON, kind-specific
}
