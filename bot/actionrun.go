package bot

import (
	"strconv"
	"time"
)

// Run states.
const (
	RunPending = "pending" // waiting for approval
	RunQueued  = "queued"  // approved (or needing none): the deliverer sends it
	RunSending = "sending" // an attempt is under way or was cut short; resent with the same id
	RunDone    = "done"
	RunFailed  = "failed"
	RunDenied  = "denied"
	RunExpired = "expired"
	RunDrill   = "drill" // approved in a drill: shown, never sent
)

// Run is one request to run a response action on an incident, numbered per incident.
type Run struct {
	Incident    int64
	N           int64
	Action      string
	Params      map[string]string
	Requester   string
	Approvers   []string
	State       string
	UndoOf      int64 // the run this one undoes (0: none)
	RequestedAt time.Time
	ExpiresAt   *time.Time
	Deadline    *time.Time
	NextAt      *time.Time
	Attempts    int
	Status      int // the receiver's last HTTP status
}

// ID is the run's id: the webhook-id of every attempt, unique per incident and run.
func (r Run) ID() string {
	return "warroom-" + FormatID(r.Incident) + "-run-" + strconv.FormatInt(r.N, 10)
}

// Final says whether the run has ended.
func (r Run) Final() bool {
	switch r.State {
	case RunDone, RunFailed, RunDenied, RunExpired, RunDrill:
		return true
	}
	return false
}
