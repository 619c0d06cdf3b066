package commands

import (
	"strconv"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
)

// Triage: an alert routed to `triage` is posted in the route's channel with [Declare] and
// [Dismiss]. Declare opens an incident with the presser as declarer and every alert of the
// group on its timeline (the first as entry 1); Dismiss closes the post, and alerts of its
// key keep being counted on it, silently, until group_window passes without one.

const (
	actionAlertDeclare = "alert.declare" // value: the group id
	actionAlertDismiss = "alert.dismiss"
)

func registerAlerts(e *Engine) {
	e.alertQ = newAlertQueue(e.cfg.Alerts.Routes)
	e.buttons[actionAlertDeclare] = declareFromTriage
	e.buttons[actionAlertDismiss] = dismissTriage
}

// triageAlert opens a triage post for a; routeID is route's fingerprint.
func (c *call) triageAlert(a alert.Alert, route alert.Route, routeID string) (alert.Result, error) {
	g := &alert.Group{Source: a.Source, Route: routeID, Key: a.Key, State: alert.StateTriage, Platform: c.src.Platform, Channel: route.Channel,
		Summary: alertTitle(a.Summary), Severity: a.Severity, Status: a.Status, SourceURL: a.SourceURL, FirstAt: a.ObservedAt, LastAt: c.now}
	if err := c.tx.CreateAlertGroup(g); err != nil {
		return alert.Result{}, err
	}
	if err := c.tx.AddAlert(&alert.Record{Group: g.ID, Alert: a, ReceivedAt: c.now}); err != nil {
		return alert.Result{}, err
	}
	id := strconv.FormatInt(g.ID, 10)
	m := bot.Message{Text: triageText(g, a), Buttons: []bot.Button{
		{Action: actionAlertDeclare, Label: "Declare", Value: id},
		{Action: actionAlertDismiss, Label: "Dismiss", Value: id},
	}}
	err := c.tx.Enqueue(bot.Outbound{Lane: "ch:" + g.Platform + ":" + g.Channel, Platform: g.Platform, Op: bot.OpPost, Target: g.Channel,
		Payload: bot.Payload{Message: m}, Ref: "alert:" + id}, c.now)
	if err != nil {
		return alert.Result{}, err
	}
	return alert.Result{Triage: alert.TriageID(g.ID), New: true}, nil
}

// triageGroup loads the undecided group a triage button names, once the policy let the
// presser press it.
func (c *call) triageGroup(action, value string) (*alert.Group, error) {
	if err := c.authorize("press " + action); err != nil {
		return nil, err
	}
	id, ok := alert.ParseTriageID(value)
	if !ok {
		return nil, refuse("That button is malformed.")
	}
	g, err := c.tx.AlertGroup(id)
	if isNotFound(err) {
		return nil, refuse("That triage post no longer exists.")
	}
	if err != nil {
		return nil, err
	}
	switch g.State {
	case alert.StateIncident:
		return nil, refuse("%s was already declared as %s by %s.", alert.TriageID(g.ID), bot.FormatID(g.Incident), g.DecidedBy)
	case alert.StateDismissed:
		return nil, refuse("%s was already dismissed by %s.", alert.TriageID(g.ID), g.DecidedBy)
	}
	return g, nil
}

// declareFromTriage is the [Declare] button.
func declareFromTriage(c *call, value string) error {
	g, err := c.triageGroup(actionAlertDeclare, value)
	if err != nil {
		return err
	}
	recs, err := c.tx.Alerts(g.ID)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return refuse("%s has no alerts.", alert.TriageID(g.ID))
	}
	route, _ := c.e.cfg.Alerts.Route(recs[0].Alert)
	origin := g.SourceURL
	if origin == "" {
		origin = alert.TriageID(g.ID)
	}
	inc, err := c.declare(declaration{title: g.Summary, severity: alertSeverity(c.e.cfg, route, g.Severity), typ: route.Type,
		origin: origin, before: func(inc *bot.Incident) error {
			for i := range recs {
				if err := c.recordAlert(inc.Number, &recs[i], alertEntryText(recs[i].Alert), nil); err != nil {
					return err
				}
			}
			return nil
		}})
	if err != nil {
		return err
	}
	if _, err := c.tx.DecideAlertGroup(g.ID, alert.StateIncident, inc.Number, c.who, c.now); err != nil {
		return err
	}
	if err := c.inviteForAlerts(route); err != nil {
		return err
	}
	if err := c.post(bot.Message{Text: alertCardText(recs[len(recs)-1].Alert)}); err != nil {
		return err
	}
	if err := c.postTo(g.Platform, g.Channel, bot.Message{Text: bot.Textf("%s declared %s from %s.", bot.Who(c.who), inc.ID(), alert.TriageID(g.ID))}); err != nil {
		return err
	}
	c.say("Declared %s from %s: #%s is being opened. You are acting commander.", inc.ID(), alert.TriageID(g.ID), inc.ChannelName)
	return nil
}

// dismissTriage is the [Dismiss] button.
func dismissTriage(c *call, value string) error {
	g, err := c.triageGroup(actionAlertDismiss, value)
	if err != nil {
		return err
	}
	if _, err := c.tx.DecideAlertGroup(g.ID, alert.StateDismissed, 0, c.who, c.now); err != nil {
		return err
	}
	if err := c.postTo(g.Platform, g.Channel, bot.Message{Text: bot.Textf("%s dismissed by %s.", alert.TriageID(g.ID), bot.Who(c.who))}); err != nil {
		return err
	}
	c.say("Dismissed %s. Alerts with its key are counted on it without a post until %s passes without one.", alert.TriageID(g.ID), c.e.cfg.Alerts.GroupWindow.Std())
	return nil
}
