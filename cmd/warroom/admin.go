package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
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
	leader   atomic.Pointer[func() bool] // whether this process leads (leader.go); nil: always
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
	r.Gauge("warroom_leader", "1 while this process is the leader (runs timers, the outbox deliverer and the Discord gateway), else 0.", func() float64 {
		if t.isLeader() {
			return 1
		}
		return 0
	})
	return t
}

// leading tells the telemetry how to know whether this process leads.
func (t *telemetry) leading(fn func() bool) { t.leader.Store(&fn) }

func (t *telemetry) isLeader() bool {
	if fn := t.leader.Load(); fn != nil {
		return (*fn)()
	}
	return true // one process per database (SQLite, the console): it leads
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

// readiness is /readyz's answer.
type readiness struct {
	Ready    bool     `json:"ready"`
	Leader   bool     `json:"leader"`
	Problems []string `json:"problems"`
}

// adminHandler serves /healthz (the process is up), /readyz and /metrics. /readyz answers
// JSON: 200 when the database takes writes and every platform this process connects is
// connected, else 503 with the problems; "leader" says whether this process leads (a
// follower is ready too: it serves Slack). status gives the platforms connected now and
// whether this process leads.
func adminHandler(db *storage.DB, status func() ([]*adapter, bool), t *telemetry) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		adapters, leader := status()
		res := readiness{Leader: leader, Problems: []string{}}
		if err := db.Writable(r.Context(), time.Now()); err != nil {
			res.Problems = append(res.Problems, "database: "+err.Error())
		}
		for _, a := range adapters {
			if a.connected != nil && !a.connected() {
				res.Problems = append(res.Problems, a.name+": not connected")
			}
		}
		res.Ready = len(res.Problems) == 0
		w.Header().Set("Content-Type", "application/json")
		if !res.Ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(res)
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_ = t.reg.WriteText(w)
	})
	return mux
}
