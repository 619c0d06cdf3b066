package commands

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/warroom/warroom/bot"
)

// A 🧾 has the adapter download the files only once the reactor may record evidence there:
// nobody outside the incident, and nothing outside an incident channel, makes warroom fetch a
// byte; an allowed reaction reads them once and records what was read.
func TestReceiptReadsFilesOnlyWhenAllowed(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Ransomware")
	h.mustSay("alice", ch, "invite @bob", "")
	var reads atomic.Int32
	sum := strings.Repeat("ef", 32)
	msg := func(id, channel string) *bot.ChatMessage {
		return &bot.ChatMessage{ID: id, Channel: channel, Author: bot.User{ID: "bob"}, At: t0,
			ReadFiles: func(context.Context) []bot.FileReceipt {
				reads.Add(1)
				return []bot.FileReceipt{{ID: "F" + id, Name: "note.txt", Size: 7, SHA256: sum}}
			}}
	}
	h.unchanged(1, func() {
		if r := h.react("carol", "receipt", msg("m1", ch)); !strings.Contains(r, "You are not a member of INC-1") {
			t.Errorf("a non-member's 🧾 answered %q", r)
		}
		if r := h.react("alice", "receipt", msg("m2", "general")); r != "" {
			t.Errorf("🧾 outside an incident channel answered %q", r)
		}
	})
	if n := reads.Load(); n != 0 {
		t.Fatalf("the files were read %d times for reactions that may not record them", n)
	}
	wantContains(t, "member", h.react("bob", "receipt", msg("m3", ch)), "evidence 1: note.txt, 7 bytes, sha256 "+sum)
	if n := reads.Load(); n != 1 {
		t.Errorf("an allowed 🧾 read the files %d times, want once", n)
	}

	// Over the limit, or unreadable: nothing recorded, and the reply says why and what to do.
	h.unchanged(1, func() {
		big := &bot.ChatMessage{ID: "m4", Channel: ch, Author: bot.User{ID: "bob"}, At: t0, ReadFiles: func(context.Context) []bot.FileReceipt {
			return []bot.FileReceipt{{ID: "F4", Name: "disk.img", Size: 300 << 20, TooLarge: true, Limit: bot.MaxEvidenceFile}}
		}}
		wantContains(t, "too large", h.react("bob", "receipt", big),
			"disk.img is 300.0 MiB; warroom hashes files of at most 100.0 MiB, so it was not recorded", "/incident evidence add <description> <sha256> <location>")
		none := &bot.ChatMessage{ID: "m5", Channel: ch, Author: bot.User{ID: "bob"}, At: t0,
			ReadFiles: func(context.Context) []bot.FileReceipt { return nil }}
		wantContains(t, "no file", h.react("bob", "receipt", none), "That message has no file warroom can read")
	})
	h.mustSay("alice", ch, "close true-positive contained", "closed")
	h.unchanged(1, func() {
		before := reads.Load()
		wantContains(t, "closed", h.react("bob", "receipt", msg("m6", ch)), "INC-1 is closed")
		if reads.Load() != before {
			t.Error("a 🧾 on a closed incident read the files")
		}
	})
}
