package report

import "time"

// AlertGroup is one dedup key's alerts on the incident (from a declare route, a triage
// post that was declared, or alerts that joined the incident later).
type AlertGroup struct {
	Source    string
	Key       string
	Summary   string
	Status    string // the latest alert's: firing | resolved
	Count     int
	FirstSeen time.Time // the first alert's own time
	LastSeen  time.Time // when the latest arrived
	SourceURL string
}

// AlertResult is an alert group as the report gives it.
type AlertResult struct {
	Source    string `json:"source"`
	Key       string `json:"key"`
	Summary   string `json:"summary"`
	Status    string `json:"status"`
	Count     int    `json:"count"`
	FirstSeen Time   `json:"first_seen"`
	LastSeen  Time   `json:"last_seen"`
	SourceURL string `json:"source_url"`
}

type viewAlert struct {
	Source, Key, Summary, Status, First, Last, Link string
	Count                                           int
}

func buildAlerts(groups []AlertGroup) []AlertResult {
	out := make([]AlertResult, 0, len(groups))
	for _, g := range groups {
		out = append(out, AlertResult{Source: g.Source, Key: g.Key, Summary: g.Summary, Status: g.Status, Count: g.Count,
			FirstSeen: Time{g.FirstSeen.UTC()}, LastSeen: Time{g.LastSeen.UTC()}, SourceURL: g.SourceURL})
	}
	return out
}

func (r *Report) viewAlerts(f textFormat) []viewAlert {
	var out []viewAlert
	for _, a := range r.Alerts {
		out = append(out, viewAlert{Source: f.text(a.Source), Key: f.code(a.Key), Summary: f.text(a.Summary), Status: a.Status,
			First: r.when(a.FirstSeen.Time), Last: r.when(a.LastSeen.Time), Link: f.text(a.SourceURL), Count: a.Count})
	}
	return out
}
