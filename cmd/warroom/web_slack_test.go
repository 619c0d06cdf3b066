package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/web/webauth"
)

// /incident web over Slack: the link arrives as a DM through the real slack-go client
// (never in the channel or the ephemeral reply), and it signs that person in.
func TestSlackWebLinkArrivesByDM(t *testing.T) {
	h := newSlackE2E(t, e2eOptions{transport: httpMode, webURL: "https://warroom.example"})
	reply := h.command(uAlice, h.general, "web")
	if !strings.Contains(reply, "direct message") || strings.Contains(reply, "token=") {
		t.Fatalf("reply: %s", reply)
	}
	h.deliver(time.Minute)
	link := regexp.MustCompile(`https://warroom\.example/login\?token=([A-Za-z0-9_-]{43})`)
	var token string
	for _, m := range h.dms(uAlice) {
		if g := link.FindStringSubmatch(m.Text); g != nil {
			token = g[1]
		}
	}
	if token == "" {
		t.Fatalf("no link in alice's DMs: %+v", h.dms(uAlice))
	}
	for _, m := range h.botMessages(h.general) {
		if strings.Contains(m.Text, token) {
			t.Errorf("the link was posted in #general")
		}
	}
	if err := h.db.Update(t.Context(), func(tx *storage.Tx) error {
		person, err := tx.RedeemWebToken(webauth.Hash(token), h.clock.Now())
		if person != "alice" {
			t.Errorf("the link is for %q", person)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
