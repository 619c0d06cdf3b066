package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Socket Mode: slack-go keeps the websocket up (apps.connections.open, reconnecting on
// "disconnect"/refresh_requested, on a missed PING and on network loss); the adapter
// drains its Events channel without ever blocking on Slack's API (the client stalls when
// the 50-event buffer fills) and acks every envelope.

func (a *Adapter) runSocketMode(ctx context.Context) error {
	opts := []socketmode.Option{socketmode.OptionLog(slogOutput{a.log})}
	if a.cfg.PingInterval > 0 {
		opts = append(opts, socketmode.OptionPingInterval(a.cfg.PingInterval))
	}
	sm := socketmode.New(a.api, opts...)
	ctx, cancel := context.WithCancel(ctx)
	// Requests in flight finish (their acks fail fast once ctx is cancelled) before Run
	// goes on to stop the tasks they may start.
	var inflight sync.WaitGroup
	defer inflight.Wait()
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- sm.RunContext(ctx) }()
	for {
		select {
		case err := <-errc:
			a.connected.Store(false)
			if ctx.Err() != nil {
				return nil
			}
			// RunContext gives up only on errors a reconnect cannot fix.
			if code := errorCode(err); code != "" {
				return fmt.Errorf("slack: Socket Mode: apps.connections.open refused SLACK_APP_TOKEN: %s", code)
			}
			return fmt.Errorf("slack: Socket Mode stopped: %w", err)
		case ev := <-sm.Events:
			a.onSocketEvent(ctx, sm, ev, &inflight)
		}
	}
}

// onSocketEvent handles one event from the client. Requests are handled in their own
// goroutine: a command may take up to the budget and the loop must keep draining.
func (a *Adapter) onSocketEvent(ctx context.Context, sm *socketmode.Client, ev socketmode.Event, inflight *sync.WaitGroup) {
	switch ev.Type {
	case socketmode.EventTypeConnecting:
		a.connected.Store(false)
	case socketmode.EventTypeConnected, socketmode.EventTypeHello:
		if !a.connected.Swap(true) {
			a.log.Info("slack: Socket Mode connected")
		}
	case socketmode.EventTypeConnectionError:
		a.connected.Store(false)
		var cause error
		if ce, ok := ev.Data.(*slack.ConnectionErrorEvent); ok {
			cause = ce.ErrorObj
		}
		a.log.Warn("slack: Socket Mode connection failed; retrying", "err", cause)
	case socketmode.EventTypeInvalidAuth:
		a.log.Error("slack: Socket Mode refused SLACK_APP_TOKEN")
	case socketmode.EventTypeDisconnect:
		a.connected.Store(false)
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		a.log.Warn("slack: Socket Mode read or write failed", "event", string(ev.Type))
	case socketmode.EventTypeErrorBadMessage:
		a.ackUnparsed(ctx, sm, ev)
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeEventsAPI, socketmode.EventTypeInteractive:
		if ev.Request == nil {
			return
		}
		// Not a task: during shutdown the envelope is left unacknowledged, so Slack
		// delivers it again to the next connection.
		if !a.tasks.accepting() {
			return
		}
		inflight.Add(1)
		go func() {
			defer inflight.Done()
			a.onSocketRequest(ctx, sm, ev)
		}()
	}
}

func (a *Adapter) onSocketRequest(ctx context.Context, sm *socketmode.Client, ev socketmode.Event) {
	req := *ev.Request
	ack := func(payload any) { _ = sm.AckCtx(ctx, req.EnvelopeID, payload) }
	switch data := ev.Data.(type) {
	case slack.SlashCommand:
		reply := a.command(data)
		switch {
		case reply.Text.Empty():
			ack(nil)
		case req.AcceptsResponsePayload:
			ack(ackPayload(reply.Text))
		default:
			// Slack said it would ignore an answer in the ack: send it the other way.
			ack(nil)
			a.tasks.goAsync(func(ctx context.Context) { a.respond(ctx, data.ResponseURL, data.ChannelID, data.UserID, reply) })
		}
	case slackevents.EventsAPIEvent:
		if req.RetryAttempt > 0 {
			a.log.Debug("slack: event redelivered", "retry", req.RetryAttempt, "reason", req.RetryReason)
		}
		var work func(context.Context)
		if cb, ok := data.Data.(*slackevents.EventsAPICallbackEvent); ok {
			if r, ok := data.InnerEvent.Data.(*slackevents.ReactionAddedEvent); ok {
				work = a.reaction(data.TeamID, cb.EventID, r)
			}
		}
		a.ackThen(ack, req.EnvelopeID, work)
	case slack.InteractionCallback:
		a.ackThen(ack, req.EnvelopeID, a.interaction(data))
	default:
		ack(nil)
	}
}

// ackThen acknowledges first and only then starts work that calls Slack's API, so a slow
// API can never delay the ack.
func (a *Adapter) ackThen(ack func(any), envelope string, work func(context.Context)) {
	if work != nil && !a.tasks.accepting() {
		return // shutting down: unacknowledged, so Slack redelivers it
	}
	ack(nil)
	if work != nil && !a.tasks.goAsync(work) {
		a.log.Warn("slack: shutting down; dropped an acknowledged event", "envelope", envelope)
	}
}

// ackUnparsed acknowledges an envelope slack-go could not parse (an event type it does
// not model), so Slack does not redeliver it over and over.
func (a *Adapter) ackUnparsed(ctx context.Context, sm *socketmode.Client, ev socketmode.Event) {
	bad, ok := ev.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	if json.Unmarshal(bad.Message, &env) != nil || env.EnvelopeID == "" {
		return
	}
	a.log.Debug("slack: acknowledging an envelope warroom does not handle", "type", env.Type, "err", bad.Cause)
	_ = sm.AckCtx(ctx, env.EnvelopeID, nil)
}

// slogOutput routes slack-go's own (debug) logging into slog.
type slogOutput struct{ log *slog.Logger }

func (s slogOutput) Output(_ int, msg string) error {
	s.log.Debug("slack-go", "detail", msg)
	return nil
}
