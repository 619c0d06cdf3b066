package alert

import "time"

// Group states.
const (
	StateIncident  = "incident"  // on an incident (declared by a route or from triage)
	StateTriage    = "triage"    // posted for triage, undecided
	StateDismissed = "dismissed" // dismissed from triage
)

// Group is the alerts of one dedup key (and source) that went to one place: an incident,
// or a triage post (whose id is TriageID(ID)).
type Group struct {
	ID     int64
	Source string
	// Route is the fingerprint (Route.ID) of the route that placed the group: only alerts
	// that route the same way join it.
	Route    string
	Key      string
	State    string
	Incident int64 // when State is StateIncident
	// Platform and Channel are where the triage post is.
	Platform, Channel string
	Summary           string
	Severity          int
	Status            string // the latest alert's
	SourceURL         string
	FirstAt           time.Time // the first alert's own time
	LastAt            time.Time // when the latest alert arrived
	Count             int
	DecidedBy         string // who pressed Declare or Dismiss
	DecidedAt         *time.Time
}

// GroupKey names the open group an alert may join: its source, its route's fingerprint
// (Route.ID) and its dedup key.
type GroupKey struct{ Source, Route, Key string }

// GroupKey is the group's key.
func (g *Group) GroupKey() GroupKey { return GroupKey{g.Source, g.Route, g.Key} }

// Record is one received alert as stored.
type Record struct {
	ID         int64
	Group      int64
	Alert      Alert
	ReceivedAt time.Time
	Seq        int64 // its timeline entry on the group's incident; 0 before it has one
}

// Delivery is one delivery id of a source (a Standard Webhooks webhook-id). A second
// delivery with the id gets the first one's answer and changes nothing.
type Delivery struct{ Source, ID string }
