package commands

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

const pasted = "login with password=hunter2 and key AKIAIOSFODNN7EXAMPLE"

func TestSecretsAreMaskedAtIngest(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	wantContains(t, "note", h.cmd("alice", ch, "note "+pasted), "warroom masked 2 secret(s) in what you wrote before storing it")
	wantContains(t, "task", h.cmd("alice", ch, "task add rotate token=ghp_abcdefghijklmnopqrstuvwxyz0123456789"), "masked 1 secret(s)")
	m := &bot.ChatMessage{ID: "console:#" + h.incident(1).ChannelName + "/1", Channel: ch, Author: bot.User{ID: "bob"}, Text: "found it: " + pasted}
	pin := h.react("alice", "pushpin", m)
	wantContains(t, "pin", pin, "masked 2 secret(s)")
	wantContains(t, "pin names its entry", pin, "Recorded on INC-1 as entry 5.")
	out := h.flush()
	for _, e := range h.entries(1) {
		for _, s := range []string{"hunter2", "AKIAIOSFODNN7EXAMPLE", "ghp_abcdefghij"} {
			if strings.Contains(e.Text, s) {
				t.Errorf("entry %d stores %q: %q", e.Seq, s, e.Text)
			}
		}
	}
	if strings.Contains(out, "hunter2") || !strings.Contains(out, "password=[REDACTED]") {
		t.Errorf("the channel got the secret or not the masked text:\n%s", out)
	}
	for _, task := range h.tasks(1) {
		if strings.Contains(task.Text, "ghp_abc") {
			t.Errorf("task stores the token: %q", task.Text)
		}
	}
	h.verify(1)
}

func TestKeepSecretsOffersARedactButton(t *testing.T) {
	h := newHarness(t, withYAML("keep_secrets: true"))
	ch := h.declare("alice", "Phishing wave")
	reply := h.cmd("alice", ch, "note "+pasted)
	wantContains(t, "kept", reply, "kept as written (keep_secrets is on). Redact entry 3")
	if e := h.last(1); e.Text != pasted {
		t.Fatalf("keep_secrets changed the text: %q", e.Text)
	}
	out := h.flush()
	// The console prints an ephemeral message without its buttons; Slack and Discord show them.
	wantContains(t, "button", out, "(to alice) warroom: Entry 3 of INC-1 may hold a secret.")
	// A plain member may not press it; the acting commander may.
	h.mustSay("alice", ch, "invite @bob", "added")
	h.unchanged(1, func() {
		wantContains(t, "member", h.press("bob", ch, actionRedactEntry, "1:3"), "Only")
	})
	wantContains(t, "press", h.press("alice", ch, actionRedactEntry, "1:3"), "Entry 3 of INC-1 redacted")
	if e := h.entries(1)[2]; !e.Redacted || e.Text != "" {
		t.Fatalf("entry 3 %+v", e)
	}
	h.verify(1)
}
