package discord

import (
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Two things keep warroom a polite Discord client beyond what discordgo does itself.
//
// Discord bans an IP for a while after 10,000 invalid requests (401, 403, 429) in 10
// minutes. A bot stuck retrying a forbidden call could get there, and then every guild
// loses it. The guard counts those answers in a sliding 10-minute window and, when they
// reach InvalidLimit (a tenth of Discord's), stops all REST traffic for a while — 30 s,
// doubling on each new trip up to 10 minutes — telling the outbox to retry later.
//
// discordgo sleeps, in real time and ignoring the context, whenever a bucket is exhausted.
// For a channel edit (two per ten minutes on Discord) that is minutes with an outbox lane
// and worker blocked. The guard remembers exhausted routes from the rate-limit headers and
// answers "retry after" itself when the wait is longer than a moment.

// invalidWindow is Discord's counting window for invalid requests.
const invalidWindow = 10 * time.Minute

// DefaultInvalidLimit is where the guard stops sending: 10% of Discord's ban threshold.
const DefaultInvalidLimit = 1000

// shortWait is how long discordgo may sleep on a bucket by itself.
const shortWait = time.Second

type guard struct {
	mu          sync.Mutex
	clock       clockwork.Clock
	log         *slog.Logger
	limit       int
	invalid     []time.Time
	total       int
	pausedUntil time.Time
	trips       int
	globalUntil time.Time
	routes      map[string]time.Time // URL path → when its bucket refills
}

func newGuard(clock clockwork.Clock, log *slog.Logger, limit int) *guard {
	if limit <= 0 {
		limit = DefaultInvalidLimit
	}
	return &guard{clock: clock, log: log, limit: limit, routes: map[string]time.Time{}}
}

// heldError is the guard declining to send; classify turns it into a RetryAfterError.
type heldError struct {
	wait   time.Duration
	reason string
}

func (e *heldError) Error() string {
	return "not sent: " + e.reason + ", retry in " + e.wait.Round(time.Millisecond).String()
}

// hold says whether a request to path must wait, and for how long.
func (g *guard) hold(path string) *heldError {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.clock.Now()
	if now.Before(g.pausedUntil) {
		return &heldError{wait: g.pausedUntil.Sub(now), reason: "paused after too many refused Discord requests"}
	}
	if now.Before(g.globalUntil) {
		if w := g.globalUntil.Sub(now); w > shortWait {
			return &heldError{wait: w, reason: "Discord's global rate limit"}
		}
	}
	if until, ok := g.routes[path]; ok {
		if w := until.Sub(now); w > shortWait {
			return &heldError{wait: w, reason: "rate limit on " + path}
		} else if w <= 0 {
			delete(g.routes, path)
		}
	}
	return nil
}

// observe records one answer from Discord.
func (g *guard) observe(path string, status int, h http.Header) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.clock.Now()
	if h.Get("X-RateLimit-Remaining") == "0" {
		if secs, err := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64); err == nil && secs > 0 {
			g.routes[path] = now.Add(time.Duration(secs * float64(time.Second)))
		}
	}
	if status == http.StatusTooManyRequests && h.Get("X-RateLimit-Global") != "" {
		if secs, err := strconv.ParseFloat(h.Get("Retry-After"), 64); err == nil && secs > 0 {
			g.globalUntil = now.Add(time.Duration(secs * float64(time.Second)))
		}
	}
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
	default:
		return
	}
	g.total++
	g.invalid = append(g.invalid, now)
	cut := 0
	for cut < len(g.invalid) && now.Sub(g.invalid[cut]) > invalidWindow {
		cut++
	}
	g.invalid = g.invalid[cut:]
	if len(g.invalid) < g.limit/2 {
		g.trips = 0
	}
	if len(g.invalid) >= g.limit && !now.Before(g.pausedUntil) {
		pause := min(30*time.Second<<min(g.trips, 5), invalidWindow)
		g.trips++
		g.pausedUntil = now.Add(pause)
		g.log.Error("discord: too many refused requests (401/403/429); pausing all Discord calls to stay clear of Discord's ban",
			"refused_in_window", len(g.invalid), "limit", g.limit, "pause", pause)
	}
}

// InvalidRequests is how many 401, 403 and 429 answers the guard has seen in all.
func (g *guard) InvalidRequests() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.total
}
