package slackfake_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

func TestRateLimit(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()
	ch := fake.AddChannel("ops", false, fake.BotUserID())

	fake.RateLimit("chat.postMessage", 2, 3)
	for range 2 {
		_, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("hi", false))
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
			t.Fatalf("want RateLimitedError{3s}, got %v", err)
		}
	}
	if _, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("hi", false)); err != nil {
		t.Fatalf("after budget: %v", err)
	}
	if n := len(fake.Messages(ch)); n != 1 {
		t.Fatalf("messages = %d, want 1", n)
	}
	var statuses []int
	for _, r := range fake.Requests() {
		if r.Method == "chat.postMessage" {
			statuses = append(statuses, r.Status)
		}
	}
	if len(statuses) != 3 || statuses[0] != 429 || statuses[1] != 429 || statuses[2] != 200 {
		t.Fatalf("statuses = %v", statuses)
	}

	// "*" covers every Web API method.
	fake.RateLimit("*", 1, 1)
	var rl *slack.RateLimitedError
	if _, err := api.AuthTestContext(ctx); !errors.As(err, &rl) {
		t.Fatalf("auth.test under *: %v", err)
	}
	if _, err := api.AuthTestContext(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestOutageRejectsWithoutEffect(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()
	fake.AddUser("U1", "alice")
	ch := fake.AddChannel("ops", false, fake.BotUserID())
	before := len(fake.Channels())

	fake.Outage(true)
	var saw500, sawDrop int
	for range 4 {
		_, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("lost?", false))
		var sce slack.StatusCodeError
		switch {
		case errors.As(err, &sce) && sce.Code == 500:
			saw500++
		case err != nil:
			sawDrop++
		default:
			t.Fatal("call succeeded during outage")
		}
	}
	if saw500 != 2 || sawDrop != 2 {
		t.Fatalf("alternate mode: %d x 500, %d dropped", saw500, sawDrop)
	}
	if _, err := api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: "inc-x"}); err == nil {
		t.Fatal("create succeeded during outage")
	}
	if _, err := api.InviteUsersToConversationContext(ctx, ch, "U1"); err == nil {
		t.Fatal("invite succeeded during outage")
	}
	if _, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Content: "x", FileSize: 1, Filename: "x", Channel: ch}); err == nil {
		t.Fatal("upload succeeded during outage")
	}
	if len(fake.Messages(ch)) != 0 || len(fake.Channels()) != before || len(fake.Members(ch)) != 1 {
		t.Fatal("state changed during outage")
	}
	for _, r := range fake.Requests() {
		if r.Err != "outage" {
			t.Fatalf("request during outage not rejected: %+v", r)
		}
	}

	fake.SetOutageMode(slackfake.Outage500)
	for range 2 {
		var sce slack.StatusCodeError
		if _, err := api.AuthTestContext(ctx); !errors.As(err, &sce) || sce.Code != 500 {
			t.Fatalf("Outage500: %v", err)
		}
	}
	fake.SetOutageMode(slackfake.OutageHijack)
	var sce slack.StatusCodeError
	if _, err := api.AuthTestContext(ctx); err == nil || errors.As(err, &sce) {
		t.Fatalf("OutageHijack: %v", err)
	}

	fake.Outage(false)
	if _, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("back", false)); err != nil {
		t.Fatal(err)
	}
	if m := fake.Messages(ch); len(m) != 1 || m[0].Text != "back" {
		t.Fatalf("messages after outage = %+v", m)
	}
}

func TestSlowAndClientGivingUp(t *testing.T) {
	fake, api := newFake(t)
	ch := fake.AddChannel("ops", false, fake.BotUserID())

	// A client that gives up while the answer is delayed leaves no trace.
	fake.Slow("chat.postMessage", 2*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	_, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("too slow", false))
	cancel()
	if err == nil {
		t.Fatal("expected a timeout")
	}
	gone := func() bool {
		for _, r := range fake.Requests() {
			if r.Method == "chat.postMessage" && r.Err == "client_gone" {
				return true
			}
		}
		return false
	}
	if !fake.WaitFor(gone, waitTimeout) {
		t.Fatalf("abandoned request not recorded: %+v", fake.Requests())
	}
	if len(fake.Messages(ch)) != 0 {
		t.Fatal("abandoned request took effect")
	}

	// A patient client gets its answer late.
	fake.Slow("chat.postMessage", 100*time.Millisecond)
	start := time.Now()
	if _, _, err := api.PostMessage(ch, slack.MsgOptionText("patient", false)); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 100*time.Millisecond {
		t.Fatal("Slow did not delay")
	}
	fake.Slow("chat.postMessage", 0)
	if len(fake.Messages(ch)) != 1 {
		t.Fatal("patient post missing")
	}
}

func TestInjectError(t *testing.T) {
	fake, api := newFake(t)
	ch := fake.AddChannel("ops", false, fake.BotUserID())
	fake.InjectError("chat.postMessage", "internal_error", 1)
	_, _, err := api.PostMessage(ch, slack.MsgOptionText("x", false))
	wantSlackErr(t, err, "internal_error")
	if _, _, err := api.PostMessage(ch, slack.MsgOptionText("x", false)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(fake.Messages(ch)[0].TS, "1") || len(fake.Messages(ch)) != 1 {
		t.Fatal("injected error took effect")
	}
}
