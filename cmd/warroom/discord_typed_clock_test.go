package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/storage"
)

// clock, clock done and detected are read by the one parser from Discord's typed options
// too (they used to have their options joined back into text): a clock's start comes from
// the from option, its filing is its own sub-command with the reference as typed, and a
// detection's tlp option labels its entry. Through the real discordgo client and the fake.
func TestDiscordTypedClockAndDetected(t *testing.T) {
	h := newDiscordE2E(t)
	ch := h.declarePhishing()

	aware := h.clock.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	if r := h.more(dAlice, ch, "clock", discordfake.StringOption("clock", "gdpr"), discordfake.StringOption("from", aware.Format(time.RFC3339))); !strings.Contains(r, "gdpr clock started") {
		t.Fatalf("clock: %q", r)
	}
	if r := h.more(dAlice, ch, "clock", discordfake.StringOption("clock", "gdpr"), discordfake.StringOption("from", "later")); !strings.Contains(r, `"later" is not a time warroom can read`) {
		t.Fatalf("clock from later: %q", r)
	}
	if r := h.more(dAlice, ch, "clock-done", discordfake.StringOption("name", "gdpr"), discordfake.StringOption("reference", "ICO case 12345 @bob")); !strings.Contains(r, "gdpr filed") {
		t.Fatalf("clock done: %q", r)
	}
	if r := h.more(dAlice, ch, "detected", discordfake.StringOption("time", "10m ago"), discordfake.StringOption("source", "EDR alert on FS01"),
		discordfake.StringOption("tlp", "red")); !strings.Contains(r, "Detection time") {
		t.Fatalf("detected: %q", r)
	}

	var clocks []bot.Clock
	if err := h.db.View(context.Background(), func(tx *storage.Tx) error {
		var err error
		clocks, err = tx.Clocks(1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(clocks) != 1 || !clocks[0].Start.Equal(aware) || clocks[0].DoneAt == nil || clocks[0].DoneNote != "ICO case 12345 @bob" {
		t.Fatalf("clocks %+v, want gdpr from %v filed with its reference", clocks, aware)
	}
	var detected *bot.Entry
	for _, e := range h.entries(1) {
		if e.Kind == bot.KindDetected {
			detected = &e
		}
	}
	if detected == nil || bot.FreeText(detected.Text) != "EDR alert on FS01" || !strings.Contains(string(detected.Data), `"tlp":"red"`) {
		t.Fatalf("detected entry %+v", detected)
	}
}

// declarePhishing declares INC-1 by slash command and returns its channel.
func (h *discordE2E) declarePhishing() string {
	h.t.Helper()
	if r := h.incident(dAlice, h.general, "declare", discordfake.StringOption("title", "Phishing wave")); !strings.Contains(r, "Declared INC-1") {
		h.t.Fatalf("declare: %q", r)
	}
	h.deliver(time.Minute)
	return h.channel("inc-1-phishing-wave").ID
}
