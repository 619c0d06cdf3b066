package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/actions"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/stdwebhook"
)

// Through the Discord fake with the real discordgo client: the same flow as on Slack, with
// typed application-command options.
func TestDiscordRansomwareActionApproved(t *testing.T) {
	rc := newSignedReceiver(t)
	h := newDiscordE2EWith(t, discordOptions{extraYAML: actionConfig(rc.srv.URL)})
	key, _ := stdwebhook.ParseSecret(actionSecret)
	w := actions.NewWorker(h.engine, actions.NewClient(true), map[string]actions.Signer{"block-ip": key}, time.Now, slog.New(slog.DiscardHandler))
	if r := h.incident(dAlice, h.general, "declare", discordfake.StringOption("title", "Files encrypted"), discordfake.StringOption("severity", "sev1")); !strings.Contains(r, "Declared INC-1") {
		t.Fatalf("declare: %s", r)
	}
	h.deliver(time.Minute)
	ch := h.channel("inc-1-files-encrypted").ID
	if r := h.incident(dAlice, ch, "type", discordfake.StringOption("type", "ransomware")); !strings.Contains(r, "Playbook ransomware") {
		t.Fatalf("type: %s", r)
	}
	h.incident(dAlice, ch, "role", discordfake.StringOption("role", "commander"), discordfake.UserOption("user", dBob))
	if r := h.more(dAlice, ch, "run", discordfake.StringOption("action", "block-ip"), discordfake.StringOption("params", "203.0.113.7")); !strings.Contains(r, "waiting for approval") {
		t.Fatalf("run: %s", r)
	}
	if r := h.more(dAlice, ch, "approve", discordfake.IntegerOption("run", 1)); !strings.Contains(r, "someone else") {
		t.Fatalf("own approval: %s", r)
	}
	if r := h.more(dBob, ch, "approve", discordfake.IntegerOption("run", 1)); !strings.Contains(r, "queued") {
		t.Fatalf("commander's approval: %s", r)
	}
	if n, err := w.Step(context.Background()); err != nil || n != 1 {
		t.Fatalf("worker: %d %v", n, err)
	}
	h.deliver(time.Minute)
	rc.mu.Lock()
	calls, unsigned := rc.ids["warroom-INC-1-run-1"], rc.unsigned
	rc.mu.Unlock()
	if calls != 1 || unsigned != 0 {
		t.Fatalf("receiver: %d calls, %d unsigned", calls, unsigned)
	}
	wantAll(t, strings.Join(h.contents(ch), "\n"), "Run 1: block-ip ip=203.0.113.7", "Run 1 of block-ip (ip=203.0.113.7) done: HTTP 200")
	var texts []string
	for _, e := range h.entries(1) {
		texts = append(texts, e.Text)
	}
	wantAll(t, strings.Join(texts, "\n"), "applied playbook ransomware", "approved by bob (1 of 1)", "result: HTTP 200")
}

// more runs /incident-more, where the verbs beyond Discord's 25 sub-commands are.
func (h *discordE2E) more(user, channel, sub string, opts ...discordfake.CommandOption) string {
	h.t.Helper()
	_, r := h.slash(user, dGuild, channel, "incident-more", incidentCmd(sub, opts...))
	return r
}
