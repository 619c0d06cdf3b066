package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/actions"
	"github.com/warroom/warroom/internal/fakes/slackfake"
	"github.com/warroom/warroom/stdwebhook"
)

// Through the Slack fake with the real slack-go client: ransomware declared, playbook
// applied, block-ip requested by alice, her own approval refused, bob (commander) presses
// [Approve], the receiver gets one signed call, the result is on the timeline and in the
// channel.
func TestSlackRansomwareActionApprovedByButton(t *testing.T) {
	rc := newSignedReceiver(t)
	h := newSlackE2E(t, e2eOptions{transport: socketMode, extraYAML: actionConfig(rc.srv.URL)})
	key, _ := stdwebhook.ParseSecret(actionSecret)
	w := actions.NewWorker(h.engine, actions.NewClient(true), map[string]actions.Signer{"block-ip": key}, time.Now, slog.New(slog.DiscardHandler))
	inc := h.declare("Files encrypted on the file server")
	if ans := h.command(uAlice, inc, "type ransomware"); !strings.Contains(ans, "Playbook ransomware") {
		t.Fatalf("type: %s", ans)
	}
	h.command(uAlice, inc, "role commander <@"+uBob+">")
	if ans := h.command(uAlice, inc, "run block-ip 203.0.113.7"); !strings.Contains(ans, "waiting for approval") {
		t.Fatalf("run: %s", ans)
	}
	if ans := h.command(uAlice, inc, "approve 1"); !strings.Contains(ans, "someone else") {
		t.Fatalf("own approval: %s", ans)
	}
	h.deliver(time.Minute)
	var ask slackfake.Message
	for _, m := range h.botMessages(inc) {
		if strings.Contains(m.Text, "Run 1: block-ip") {
			ask = m
		}
	}
	if ask.TS == "" {
		t.Fatal("no approval request posted")
	}
	press := slackButton(t, ask, "Approve")
	press.UserID = uBob
	h.press(press)
	h.awaitHandled("press", 1)
	if n, err := w.Step(context.Background()); err != nil || n != 1 {
		t.Fatalf("worker: %d %v", n, err)
	}
	h.deliver(time.Minute)
	rc.mu.Lock()
	ids, unsigned := rc.ids["warroom-INC-1-run-1"], rc.unsigned
	rc.mu.Unlock()
	if ids != 1 || unsigned != 0 {
		t.Fatalf("receiver: %d calls, %d unsigned", ids, unsigned)
	}
	found := false
	for _, m := range h.botMessages(inc) {
		found = found || strings.Contains(m.Text, "Run 1 of block-ip (ip=203.0.113.7) done: HTTP 200")
	}
	if !found {
		t.Fatal("no result in the channel")
	}
	var texts []string
	for _, e := range h.timeline(1) {
		texts = append(texts, e.Text)
	}
	wantAll(t, strings.Join(texts, "\n"), "applied playbook ransomware", "approved by bob (1 of 1)", "result: HTTP 200")
}
