package discord

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

func TestGuardPausesBeforeTheBan(t *testing.T) {
	clock := clockwork.NewFakeClock()
	g := newGuard(clock, slog.New(slog.DiscardHandler), 10)
	for range 9 {
		g.observe("/api/v9/channels/1/messages", http.StatusForbidden, http.Header{})
	}
	if h := g.hold("/api/v9/channels/2/messages"); h != nil {
		t.Fatalf("held after 9 refusals: %v", h)
	}
	g.observe("/api/v9/channels/1/messages", http.StatusForbidden, http.Header{})
	h := g.hold("/api/v9/channels/2/messages")
	if h == nil || h.wait != 30*time.Second {
		t.Fatalf("not paused 30 s after 10 refusals: %v", h)
	}
	clock.Advance(31 * time.Second)
	if h := g.hold("/x"); h != nil {
		t.Fatalf("still held after the pause: %v", h)
	}
	// Still over the limit within the window: the next refusal trips again, for longer.
	g.observe("/x", http.StatusUnauthorized, http.Header{})
	if h := g.hold("/x"); h == nil || h.wait != time.Minute {
		t.Fatalf("second trip: %v", h)
	}
	// Ten minutes on, the window is empty again.
	clock.Advance(11 * time.Minute)
	g.observe("/x", http.StatusTooManyRequests, http.Header{})
	if h := g.hold("/x"); h != nil {
		t.Fatalf("held with one refusal in the window: %v", h)
	}
	if g.InvalidRequests() != 12 {
		t.Errorf("counted %d", g.InvalidRequests())
	}
	// Other failures do not count toward Discord's ban.
	for range 20 {
		g.observe("/x", http.StatusBadGateway, http.Header{})
		g.observe("/x", http.StatusNotFound, http.Header{})
	}
	if g.InvalidRequests() != 12 {
		t.Errorf("5xx/404 counted: %d", g.InvalidRequests())
	}
}

func TestGuardParksExhaustedRoutes(t *testing.T) {
	clock := clockwork.NewFakeClock()
	g := newGuard(clock, slog.New(slog.DiscardHandler), 0)
	h := http.Header{}
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset-After", "0.4")
	g.observe("/api/v9/channels/1", http.StatusOK, h)
	if held := g.hold("/api/v9/channels/1"); held != nil {
		t.Fatalf("a short wait is discordgo's to sleep: %v", held)
	}
	h.Set("X-RateLimit-Reset-After", "600")
	g.observe("/api/v9/channels/1", http.StatusOK, h)
	if held := g.hold("/api/v9/channels/1"); held == nil || held.wait < 9*time.Minute {
		t.Fatalf("a ten-minute bucket not parked: %v", held)
	}
	if held := g.hold("/api/v9/channels/2"); held != nil {
		t.Fatalf("another route held: %v", held)
	}
	clock.Advance(601 * time.Second)
	if held := g.hold("/api/v9/channels/1"); held != nil {
		t.Fatalf("held after reset: %v", held)
	}
	gl := http.Header{}
	gl.Set("X-RateLimit-Global", "true")
	gl.Set("Retry-After", "5")
	g.observe("/api/v9/channels/3/messages", http.StatusTooManyRequests, gl)
	if held := g.hold("/api/v9/users/@me/channels"); held == nil {
		t.Fatal("a global limit did not hold every route")
	}
}
