package commands

import (
	"fmt"
	"slices"
	"strings"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

// Alerts in (issue 15). An alert arrives from the HTTP endpoint (package alerts), already
// authenticated and parsed; IngestAlert decides in one transaction what it does:
//
//   - its source and key match an open group → appended there (a timeline entry on an
//     incident; counted on a triage post), never a second incident;
//   - otherwise the first matching route declares an incident (declarer alerts:<source>,
//     entry 1 the alert with its own time), posts it for triage with [Declare] [Dismiss]
//     buttons (alert_triage.go), or drops it.
//
// `resolved` is recorded and shown, never closes anything. The answer is returned only
// after the transaction committed, so a 202 means the alert is in the database.

// alertActor is how an alert source is named on the timeline.
func alertActor(source string) string { return "alerts:" + source }

// routedAlert is an alert with what can be worked out before its transaction: masked,
// routed, and its timeline text written. The batch's transaction is the one part of taking
// an alert that runs one at a time, so this is done by each sender beforehand, in parallel.
type routedAlert struct {
	a alert.Alert // masked
	// route is the first matching route (ok false: none); routeID is its fingerprint.
	route   alert.Route
	ok      bool
	routeID string
	// text is the alert's timeline entry text.
	text string
}

// routeAlert masks a and routes it. Route first, then group within the route (ingestAlert):
// a group belongs to the route that placed it, so an alert never joins a group (a triage
// post, an incident) its own route would not reach because another team's alert had the
// same key.
func (e *Engine) routeAlert(a alert.Alert) *routedAlert {
	r := &routedAlert{a: e.maskAlert(a)}
	i := e.cfg.Alerts.RouteIndex(r.a)
	if r.ok = i >= 0; r.ok {
		r.route = e.cfg.Alerts.Routes[i]
	}
	if r.ok && r.route.Action != alert.ActionDrop {
		r.routeID, r.text = e.alertQ.routeIDs[i], alertEntryText(r.a)
	}
	return r
}

// ingestAlert joins r's open group or routes it.
func (c *call) ingestAlert(r *routedAlert, b *alertBatch) (alert.Result, error) {
	cfg := c.e.cfg.Alerts
	a, route := r.a, r.route
	if a.ObservedAt.IsZero() {
		a.ObservedAt = c.now
	}
	if !r.ok || route.Action == alert.ActionDrop {
		return alert.Result{Dropped: true}, nil
	}
	g, err := b.openGroup(c, a.Source, r.routeID, a.Key, c.now.Add(-cfg.GroupWindow.Std()))
	if err == nil {
		return c.joinGroup(g, a, r.text, b)
	}
	if !isNotFound(err) {
		return alert.Result{}, err
	}
	if a.Status == alert.StatusResolved {
		// Nothing open to resolve: a resolution never opens anything.
		return alert.Result{Dropped: true}, nil
	}
	platform := route.Platform
	if platform == "" {
		platform = c.e.platforms[0]
	}
	if !slices.Contains(c.e.platforms, platform) {
		return alert.Result{}, fmt.Errorf("an alerts route names platform %s, which this warroom is not connected to", platform)
	}
	c.src = bot.Source{Platform: platform}
	if route.Action == alert.ActionTriage {
		return c.triageAlert(a, route, r.routeID)
	}
	return c.declareAlert(a, route, r.routeID, r.text)
}

// joinGroup appends a (whose entry text is text) to the group its key already has.
func (c *call) joinGroup(g *alert.Group, a alert.Alert, text string, b *alertBatch) (alert.Result, error) {
	rec := &alert.Record{Group: g.ID, Alert: a, ReceivedAt: c.now}
	changed := g.Status != a.Status
	if g.State != alert.StateIncident {
		if err := c.tx.InsertAlert(rec); err != nil {
			return alert.Result{}, err
		}
		b.arrived(g, rec)
		if changed && g.State == alert.StateTriage {
			if err := c.postTo(g.Platform, g.Channel, bot.Message{Text: triageStatusText(g, a)}); err != nil {
				return alert.Result{}, err
			}
		}
		return alert.Result{Triage: alert.TriageID(g.ID)}, nil
	}
	// The group's incident is open and no drill (OpenAlertGroup's conditions): the entry
	// needs its number alone, and the incident itself is read only to post in its channel.
	if err := c.recordAlert(g.Incident, rec, text, c.tx.InsertAlert); err != nil {
		return alert.Result{}, err
	}
	b.arrived(g, rec)
	// A repeat of the same state is on the timeline only; a change is said in the channel.
	if changed {
		inc, err := b.incident(c, g.Incident)
		if err != nil {
			return alert.Result{}, err
		}
		c.inc = inc
		if err := c.post(bot.Message{Text: alertStatusText(a, g.Count)}); err != nil {
			return alert.Result{}, err
		}
	}
	return alert.Result{Incident: bot.FormatID(g.Incident)}, nil
}

// declareAlert opens an incident for a, exactly as /incident declare would, with the alert
// as entry 1 (text); routeID is route's fingerprint.
func (c *call) declareAlert(a alert.Alert, route alert.Route, routeID, text string) (alert.Result, error) {
	inc, err := c.declare(declaration{title: alertTitle(a.Summary), severity: alertSeverity(c.e.cfg, route, a.Severity),
		typ: route.Type, origin: a.SourceURL, before: func(inc *bot.Incident) error {
			g := &alert.Group{Source: a.Source, Route: routeID, Key: a.Key, State: alert.StateIncident, Incident: inc.Number, Summary: alertTitle(a.Summary),
				Severity: a.Severity, Status: a.Status, SourceURL: a.SourceURL, FirstAt: a.ObservedAt, LastAt: c.now}
			if err := c.tx.CreateAlertGroup(g); err != nil {
				return err
			}
			return c.recordAlert(inc.Number, &alert.Record{Group: g.ID, Alert: a, ReceivedAt: c.now}, text, c.tx.AddAlert)
		}})
	if err != nil {
		return alert.Result{}, err
	}
	if err := c.inviteForAlerts(route); err != nil {
		return alert.Result{}, err
	}
	if err := c.post(bot.Message{Text: alertCardText(a)}); err != nil {
		return alert.Result{}, err
	}
	return alert.Result{Incident: inc.ID(), New: true}, nil
}

// recordAlert puts rec on incident n's timeline — by its source, at its own time, with text
// (alertEntryText), its ids and state as the entry's data — and stores it. A new alert (no
// ID yet) is given its id first, so its row is written once, by store (AddAlert or
// InsertAlert), with the entry's seq; an alert stored before (a triage post's, now
// declared) has its seq set.
func (c *call) recordAlert(n int64, rec *alert.Record, text string, store func(*alert.Record) error) error {
	stored := rec.ID != 0
	if !stored {
		id, err := c.tx.NewAlertID()
		if err != nil {
			return err
		}
		rec.ID = id
	}
	a := rec.Alert
	e := &bot.Entry{At: c.now, OccurredAt: a.ObservedAt, Actor: alertActor(a.Source), Kind: bot.KindAlert, Text: text}
	// The data names the group, not the key: data is in the entry's digest and stays after
	// a redaction, while the key is text (in the entry text and alert_groups) that a
	// redaction must be able to remove.
	d := bot.Data{"alert": rec.ID, "group": rec.Group, "source": a.Source, "status": a.Status, "severity": a.Severity}
	if _, err := c.appendEntry(n, e, d, ""); err != nil {
		return err
	}
	rec.Seq = e.Seq
	if stored {
		return c.tx.SetAlertSeq(rec.ID, e.Seq)
	}
	return store(rec)
}

// alertSeverity is the route's severity, else the alert's, else the default.
func alertSeverity(cfg *config.Config, route alert.Route, own int) int {
	switch {
	case route.Severity != 0:
		return route.Severity
	case own != 0:
		return own
	}
	return cfg.DefaultSeverity
}

// inviteForAlerts brings in who a declared incident needs — the route's people, else the
// leads — each recorded on the timeline.
func (c *call) inviteForAlerts(route alert.Route) error {
	people := route.Invite
	if len(people) == 0 {
		people = c.e.cfg.Leads
	}
	for _, p := range people {
		in, err := c.tx.IsMember(c.inc.Number, p)
		if err != nil {
			return err
		}
		if in {
			continue
		}
		if err := c.record(bot.KindMember, p+" was brought in for the alert", bot.Data{"person": p, "action": "add", "by": c.who}); err != nil {
			return err
		}
		if err := c.invite(p); err != nil {
			return err
		}
	}
	return nil
}

// alertTitle makes an alert's summary an incident title: one line, within MaxTitleLen.
func alertTitle(summary string) string {
	t := strings.Join(strings.Fields(plainText(summary)), " ")
	if t == "" {
		t = "Alert"
	}
	if rs := []rune(t); len(rs) > MaxTitleLen {
		t = string(rs[:MaxTitleLen-1]) + "…"
	}
	return t
}

// maskAlert masks what looks like a credential in the alert's text, labels and
// annotations before anything of it is stored (unless keep_secrets is set): an alert
// cannot be refused for carrying one, only recorded without it. The dedup key is masked
// too (it is shown and stored like the text); masking is deterministic, so alerts of one
// key still group.
func (e *Engine) maskAlert(a alert.Alert) alert.Alert {
	mask := func(s string) string { out, _ := e.maskSecrets(s); return out }
	maskMap := func(m map[string]string) map[string]string {
		if m == nil {
			return nil
		}
		out := make(map[string]string, len(m))
		for k, v := range m {
			out[k] = mask(v)
		}
		return out
	}
	a.Key, a.Summary, a.Details, a.SourceURL = mask(a.Key), mask(a.Summary), mask(a.Details), mask(a.SourceURL)
	a.Labels = maskMap(a.Labels)
	members := make([]alert.Member, len(a.Members))
	for i, m := range a.Members {
		m.Labels, m.Annotations = maskMap(m.Labels), maskMap(m.Annotations)
		members[i] = m
	}
	if len(members) > 0 {
		a.Members = members
	}
	return a
}
