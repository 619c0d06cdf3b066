package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/metrics"
	"github.com/warroom/warroom/storage"
)

// telemetry is the bot's Prometheus series.
type telemetry struct {
	reg      *metrics.Registry
	commands *metrics.CounterVec
	latency  *metrics.Histogram
	outbox   *metrics.CounterVec
	limited  *metrics.CounterVec
	platErrs *metrics.CounterVec
	timers   *metrics.CounterVec
	alerts   *metrics.CounterVec
}

func newTelemetry(db *storage.DB) *telemetry {
	r := metrics.New()
	t := &telemetry{
		reg:      r,
		commands: r.Counter("warroom_commands_total", "Commands, reactions, button presses and timers handled, by what and outcome.", "what", "outcome"),
		latency:  r.Histogram("warroom_command_duration_seconds", "Time to handle a command (one transaction).", 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
		outbox:   r.Counter("warroom_outbox_attempts_total", "Outgoing operations attempted, by operation and result (ok, retry).", "op", "result"),
		limited:  r.Counter("warroom_platform_rate_limited_total", "Platform answers of 429 (rate limited).", "platform"),
		platErrs: r.Counter("warroom_platform_errors_total", "Platform calls that failed.", "platform"),
		timers:   r.Counter("warroom_timers_fired_total", "Nudges, reminders and escalation steps fired.", "outcome"),
		alerts: r.Counter("warroom_alerts_received_total", "Alerts received on /hooks/alerts, by source and outcome (declared, triaged, appended, dropped, replayed, "+
			"unauthorized, rate_limited, malformed, too_large, unknown_source, refused, error).", "source", "outcome"),
	}
	gauge := func(name, help string, fn func(context.Context) (int, error)) {
		r.Gauge(name, help, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := fn(ctx)
			if err != nil {
				return -1
			}
			return float64(n)
		})
	}
	gauge("warroom_open_incidents", "Incidents not closed.", db.OpenIncidents)
	gauge("warroom_outbox_depth", "Outgoing operations waiting to be delivered.", db.OutboxDepth)
	gauge("warroom_pages_open", "Pages not yet acknowledged.", db.OpenPages)
	return t
}

// observe is the engine's Observe hook.
func (t *telemetry) observe(what, outcome string, took time.Duration) {
	if what == "timer" {
		t.timers.Inc(outcome)
		return
	}
	t.commands.Inc(what, outcome)
	t.latency.Observe(took.Seconds())
}

// alertReceived is the alert endpoint's hook.
func (t *telemetry) alertReceived(source, outcome string) { t.alerts.Inc(source, outcome) }

// delivered is the outbox deliverer's hook.
func (t *telemetry) delivered(platform, op string, err error) {
	if err == nil {
		t.outbox.Inc(op, "ok")
		return
	}
	t.outbox.Inc(op, "retry")
	t.platErrs.Inc(platform)
	var rl *bot.RetryAfterError
	if errors.As(err, &rl) {
		t.limited.Inc(platform)
	}
}

// adminHandler serves /healthz (the process is up), /readyz (the database takes writes and
// every platform is connected) and /metrics.
func adminHandler(db *storage.DB, adapters []*adapter, t *telemetry) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		var problems []string
		if err := db.Writable(r.Context(), time.Now()); err != nil {
			problems = append(problems, "database: "+err.Error())
		}
		for _, a := range adapters {
			if a.connected != nil && !a.connected() {
				problems = append(problems, a.name+": not connected")
			}
		}
		if len(problems) > 0 {
			http.Error(w, strings.Join(problems, "\n"), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_ = t.reg.WriteText(w)
	})
	return mux
}
