package main

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/storage"
)

// close's duplicate is a declared incident argument, so Discord registers it as an option
// of its own and the parser reads it: a duplicate names the incident it duplicates there,
// and only a duplicate takes it. Through the real discordgo client and the fake.
func TestDiscordTypedCloseDuplicate(t *testing.T) {
	h := newDiscordE2E(t)
	h.declarePhishing()
	if r := h.incident(dAlice, h.general, "declare", discordfake.StringOption("title", "Phishing wave again")); !strings.Contains(r, "Declared INC-2") {
		t.Fatalf("declare: %q", r)
	}
	h.deliver(time.Minute)
	ch2 := h.channel("inc-2-phishing-wave-again").ID

	if r := h.incident(dAlice, ch2, "close", discordfake.StringOption("class", "benign"), discordfake.StringOption("duplicate", "INC-1")); !strings.Contains(r, "Duplicate of is not taken") {
		t.Fatalf("benign with a duplicate: %q", r)
	}
	if r := h.incident(dAlice, ch2, "close", discordfake.StringOption("class", "duplicate")); !strings.Contains(r, "Usage: /incident close duplicate INC-n") {
		t.Fatalf("duplicate of nothing: %q", r)
	}
	if r := h.incident(dAlice, ch2, "close", discordfake.StringOption("class", "duplicate"), discordfake.StringOption("duplicate", "INC-1"),
		discordfake.StringOption("resolution", "same mail")); !strings.Contains(r, "INC-2 is closed (duplicate)") {
		t.Fatalf("close duplicate: %q", r)
	}
	var inc *bot.Incident
	if err := h.db.View(t.Context(), func(tx *storage.Tx) (err error) { inc, err = tx.Incident(2); return }); err != nil {
		t.Fatal(err)
	}
	if inc.DuplicateOf != 1 || inc.Resolution != "same mail" {
		t.Fatalf("INC-2 duplicate of %d, resolution %q", inc.DuplicateOf, inc.Resolution)
	}
}
