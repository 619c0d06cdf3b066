// Package alert is warroom's model of incoming alerts (from a SIEM, an EDR, Prometheus
// Alertmanager): the normalised Alert every body format is read into, the `alerts:` section
// of the configuration, and the routing rules that decide whether an alert declares an
// incident, is posted for triage or is dropped.
//
// The package is pure: nothing here reads the network, the clock or the database. The HTTP
// endpoint is package alerts; what an alert does to incidents is in commands.
package alert

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Formats of an alert source's body.
const (
	FormatGeneric      = "generic"      // warroom's own JSON body, Standard Webhooks signed
	FormatAlertmanager = "alertmanager" // Prometheus Alertmanager's webhook, version 4
)

// Statuses of an alert.
const (
	StatusFiring   = "firing"
	StatusResolved = "resolved"
)

// Route actions.
const (
	ActionDeclare = "declare"
	ActionTriage  = "triage"
	ActionDrop    = "drop"
)

// Alert is one alert as received, in every format's common shape.
type Alert struct {
	Source string // the configured source's name (the URL path segment)
	// DeliveryID is the sender's id for this delivery (webhook-id), "" when the source
	// authenticates with a token. A second delivery with the same id changes nothing.
	DeliveryID string
	// Key is the dedup key: alerts with one key (and source) are one group.
	Key      string
	Status   string // StatusFiring or StatusResolved
	Summary  string
	Details  string
	Severity int // 1–4; 0 when the alert named none
	// ObservedAt is when the alert says it happened (zero: when it arrived).
	ObservedAt time.Time
	SourceURL  string
	Labels     map[string]string
	// Members are an Alertmanager group's individual alerts, kept as received.
	Members []Member
}

// Member is one alert of an Alertmanager group.
type Member struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	StartsAt     string            `json:"startsAt,omitempty"`
	EndsAt       string            `json:"endsAt,omitempty"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
	Fingerprint  string            `json:"fingerprint,omitempty"`
}

// Result is what became of an alert, answered to its sender.
type Result struct {
	Incident string `json:"incident,omitempty"` // "INC-3"
	Triage   string `json:"triage,omitempty"`   // "TRI-4"
	New      bool   `json:"new"`
	Dropped  bool   `json:"dropped,omitempty"`
	// Replayed is set when the delivery id was seen before: the first answer is repeated
	// and nothing changes.
	Replayed bool `json:"replayed,omitempty"`
}

// severityNames are the words alert senders use, by level. Alertmanager rules commonly
// say critical / warning / info.
var severityNames = map[string]int{
	"critical": 1, "crit": 1, "fatal": 1, "emergency": 1,
	"high": 2, "error": 2, "major": 2,
	"medium": 3, "warning": 3, "warn": 3, "moderate": 3,
	"low": 4, "info": 4, "informational": 4, "minor": 4,
}

// ParseSeverity reads a severity: a name above, 1–4, or sev1–sev4. ok is false for
// anything else.
func ParseSeverity(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if n, ok := severityNames[s]; ok {
		return n, true
	}
	n, err := strconv.Atoi(strings.TrimPrefix(s, "sev"))
	return n, err == nil && n >= 1 && n <= 4
}

// SeverityName is the canonical name of a level ("" for 0).
func SeverityName(n int) string {
	switch n {
	case 1:
		return "critical"
	case 2:
		return "high"
	case 3:
		return "medium"
	case 4:
		return "low"
	}
	return ""
}

// TriageID formats a triage post's id.
func TriageID(n int64) string { return "TRI-" + strconv.FormatInt(n, 10) }

// ParseTriageID reads "TRI-4" or "4".
func ParseTriageID(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "TRI-"), 10, 64)
	return n, err == nil && n > 0
}

// Outcome names a result for metrics: declared, triaged, appended, dropped or replayed.
func (r Result) Outcome() string {
	switch {
	case r.Replayed:
		return "replayed"
	case r.Dropped:
		return "dropped"
	case !r.New:
		return "appended"
	case r.Incident != "":
		return "declared"
	}
	return "triaged"
}

// MarshalJSON writes the answer the sender gets: {"incident":"INC-3","new":true},
// {"triage":"TRI-4","new":false} or {"dropped":true} (with "replayed":true on a replay).
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	if r.Dropped {
		return json.Marshal(struct {
			Dropped  bool `json:"dropped"`
			Replayed bool `json:"replayed,omitempty"`
		}{true, r.Replayed})
	}
	return json.Marshal(plain(r))
}

// Refused is an alert the engine will not take, for a reason the sender can fix (the
// endpoint answers 400 with Reason).
type Refused struct{ Reason string }

func (r *Refused) Error() string { return r.Reason }
