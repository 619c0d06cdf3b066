package bot

import (
	"time"

	"github.com/warroom/warroom/oncall"
)

// KindPage is the timeline kind of everything about a page: sent, a responder notified, an
// escalation step, acknowledged, unanswered.
const KindPage = "page"

// Page states. A page is open while it escalates; it ends acknowledged, unanswered (every
// step of every round ran and nobody acknowledged — a late acknowledgement is still
// accepted) or cancelled (its incident closed).
const (
	PageOpen       = "open"
	PageAcked      = "acked"
	PageUnanswered = "unanswered"
	PageCancelled  = "cancelled"
)

// Page is a request for someone to respond: a team (its on-call, then its escalation
// policy) or one person.
type Page struct {
	ID       int64
	Target   string // "secops" or "@bob", as the pager wrote it after resolution
	Team     string // the team paged; "" for a direct page
	Person   string // the person paged directly; "" for a team page
	Message  string
	PagedBy  string
	Platform string // where the page was sent from; its DMs go out on this platform
	Channel  string // the channel it was sent from
	Incident int64  // the incident it was sent from, 0 if none
	// Policy is the escalation as it stood when the page was sent, so a page in flight
	// keeps its steps across a config change or restart.
	Policy    oncall.Policy
	CreatedAt time.Time
	State     string
	Step      int // index of the last escalation step run (see oncall.Policy.StepAt)
	AckedBy   string
	AckedAt   *time.Time
	EndedAt   *time.Time // when it was acknowledged, went unanswered or was cancelled
}

// Open reports whether the page is still escalating.
func (p *Page) Open() bool { return p.State == PageOpen }

// TimeToAck is how long the page waited for its acknowledgement; false if it has none.
func (p *Page) TimeToAck() (time.Duration, bool) {
	if p.AckedAt == nil {
		return 0, false
	}
	return p.AckedAt.Sub(p.CreatedAt), true
}

// PageNotification records that a person was sent a page at an escalation step.
type PageNotification struct {
	Page   int64
	Person string
	Step   int // escalation step index
	Round  int // 1 … repeat
	At     time.Time
}

// Override is an on-call override as stored: who covers a team when, who set it, and
// whether it was cancelled (which ends it early; Until is then the cancellation time).
type Override struct {
	oncall.Override
	CreatedBy   string
	CreatedAt   time.Time
	CancelledBy string
	CancelledAt *time.Time
}
