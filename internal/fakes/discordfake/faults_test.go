package discordfake

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func TestRateLimitThenSuccess(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := restSession(t, f)
	ch := f.AddChannel(guildID, "general", ChannelText, "")

	// discordgo sleeps retry_after and retries on its own: one call, two requests, one message.
	f.RateLimit(RouteCreateMessage, 1, 0.05, false)
	if _, err := s.ChannelMessageSend(ch, "status update"); err != nil {
		t.Fatal(err)
	}
	if n := f.RouteCount(RouteCreateMessage); n != 2 {
		t.Fatalf("requests = %d, want 2", n)
	}
	if n := len(f.Messages(ch)); n != 1 {
		t.Fatalf("messages = %d, want exactly 1", n)
	}
	log := f.RequestLog()
	first := log[len(log)-2]
	if first.Status != http.StatusTooManyRequests || !strings.Contains(string(first.Response), `"retry_after":0.05`) {
		t.Fatalf("429 entry = %d %s", first.Status, first.Response)
	}

	// Global limit, and a caller that opts out of retries gets *RateLimitError.
	f.RateLimit("*", 1, 0.05, true)
	_, err := s.ChannelMessageSend(ch, "again", discordgo.WithRetryOnRatelimit(false))
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 50*time.Millisecond {
		t.Fatalf("want RateLimitError 50ms, got %v", err)
	}
	if n := len(f.Messages(ch)); n != 1 {
		t.Fatalf("messages = %d after rejected call", n)
	}
	if n := f.InvalidRequestCount(); n != 2 {
		t.Fatalf("InvalidRequestCount = %d, want 2", n)
	}
}

func TestOutageRejectsBeforeState(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := restSession(t, f)
	ch := f.AddChannel(guildID, "general", ChannelText, "")

	f.Outage(true)
	// Default 502: discordgo silently retries MaxRestRetries (3) times, then gives a plain error.
	_, err := s.ChannelMessageSend(ch, "during outage")
	if err == nil || !strings.Contains(err.Error(), "Exceeded Max retries HTTP 502") {
		t.Fatalf("err = %v", err)
	}
	if n := f.RouteCount(RouteCreateMessage); n != 4 {
		t.Fatalf("requests = %d, want 4 (1 + 3 retries)", n)
	}
	f.SetOutageStatus(http.StatusInternalServerError)
	_, err = s.GuildChannelCreate(guildID, "inc-1", discordgo.ChannelTypeGuildText)
	restErr(t, err, http.StatusInternalServerError, 0)
	if len(f.Messages(ch)) != 0 || len(f.Channels(guildID)) != 1 {
		t.Fatal("an outage must not change state")
	}

	f.Outage(false)
	if _, err := s.ChannelMessageSend(ch, "after outage"); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Messages(ch)); n != 1 {
		t.Fatalf("messages = %d, want exactly 1", n)
	}
}

func TestSlowAndAbandoned(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := restSession(t, f)
	ch := f.AddChannel(guildID, "general", ChannelText, "")

	// The client gives up while the fake holds the request (a fixed client timeout would be
	// flaky: under load it can expire before the request even arrives).
	f.Slow(RouteCreateMessage, 10*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		f.WaitFor(func() bool { return f.InFlight(RouteCreateMessage) == 1 }, waitLong)
		cancel()
	}()
	if _, err := s.ChannelMessageSend(ch, "too slow", discordgo.WithContext(ctx)); err == nil {
		t.Fatal("expected the call to be cancelled")
	}
	abandoned := func() bool {
		for _, e := range f.RequestLog() {
			if e.Route == RouteCreateMessage && e.Status == StatusAbandoned {
				return true
			}
		}
		return false
	}
	if !f.WaitFor(abandoned, waitLong) {
		t.Fatal("abandoned request not logged")
	}
	if len(f.Messages(ch)) != 0 {
		t.Fatal("a request the client gave up on must not be applied")
	}

	f.Slow(RouteCreateMessage, 20*time.Millisecond)
	start := time.Now()
	if _, err := s.ChannelMessageSend(ch, "slow but fine"); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 20*time.Millisecond || len(f.Messages(ch)) != 1 {
		t.Fatal("slow request not delayed or not applied")
	}
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := restSession(t, f)
	f.FailNext(RouteCreateChannel, 1, http.StatusForbidden, CodeMissingPermissions, "Missing Permissions")
	_, err := s.GuildChannelCreate(guildID, "inc-1", discordgo.ChannelTypeGuildText)
	restErr(t, err, http.StatusForbidden, CodeMissingPermissions)
	if len(f.Channels(guildID)) != 0 {
		t.Fatal("failed create must not create")
	}
	if _, err := s.GuildChannelCreate(guildID, "inc-1", discordgo.ChannelTypeGuildText); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a fault pattern matching no route must panic")
		}
	}()
	f.RateLimit("POST /channel/{typo}", 1, 1, false)
}
