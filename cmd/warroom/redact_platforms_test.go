package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// Redaction on the real platforms' wire formats, against the fakes: warroom's own posts are
// edited, the original is deleted on Discord, and the fakes' message history no longer
// holds the secret (on Slack, the author's own message stays: the reply says so).

func TestDiscordRedactionEditsAndDeletes(t *testing.T) {
	h := newDiscordE2E(t)
	h.incident(dAlice, h.general, "declare", discordfake.StringOption("title", "Vault leak"))
	h.deliver(time.Minute)
	ch := h.channel("inc-1-vault-leak")
	if r := h.incident(dAlice, ch.ID, "note", discordfake.StringOption("text", secretNote)); !strings.Contains(r, "as entry") {
		t.Fatalf("note: %q", r)
	}
	msg := h.fake.DispatchMessageCreate(ch.ID, dBob, secretThird)
	before := h.adapter.Stats()
	h.fake.DispatchReactionAdd(dGuild, ch.ID, msg, dAlice, "📌")
	h.waitFor("the pin", func() bool { return h.adapter.Stats().Reactions-before.Reactions == 1 })
	h.deliver(time.Minute)
	if !discordHolds(h, secretNote) || !discordHolds(h, secretThird) {
		t.Fatal("the secrets never reached the fake: the test would prove nothing")
	}

	note := entryWith(t, h.entries(1), secretNote)
	reply := h.incident(dAlice, ch.ID, "redact", discordfake.StringOption("entry", strconv.FormatInt(note, 10)), discordfake.StringOption("reason", "pasted by mistake"))
	if !strings.Contains(reply, "redacted") || !strings.Contains(reply, "being edited to [redacted by alice: pasted by mistake]") {
		t.Fatalf("redact: %q", reply)
	}
	// ❌ by the acting commander on bob's pinned message: its entry is redacted and the
	// message deleted (the bot has Manage Messages in its incident channels).
	before = h.adapter.Stats()
	h.fake.DispatchReactionAdd(dGuild, ch.ID, msg, dAlice, "❌")
	h.waitFor("the ❌", func() bool { return h.adapter.Stats().Reactions-before.Reactions == 1 })
	h.deliver(time.Minute)

	if _, ok := h.fake.Message(msg); ok {
		t.Error("bob's original message was not deleted")
	}
	for _, s := range []string{secretNote, secretThird} {
		if discordHolds(h, s) {
			t.Errorf("the fake Discord still holds %q", s)
		}
	}
	edited := false
	for _, c := range h.contents(ch.ID) {
		edited = edited || c == "[redacted by alice: pasted by mistake]"
	}
	if !edited {
		t.Errorf("warroom's post was not edited: %q", h.contents(ch.ID))
	}
	if v, err := h.db.Verify(context.Background(), 1); err != nil || !v.OK {
		t.Fatalf("verify: %+v %v", v, err)
	}
}

// discordHolds reports whether any message in any channel of the fake holds s.
func discordHolds(h *discordE2E, s string) bool {
	chans := h.fake.Channels(dGuild)
	for _, u := range []string{dAlice, dBob, dCarol} {
		if c, ok := h.fake.DMChannel(u); ok {
			chans = append(chans, c)
		}
	}
	for _, c := range chans {
		for _, m := range h.fake.Messages(c.ID) {
			if strings.Contains(m.Content, s) || strings.Contains(string(m.Embeds), s) || strings.Contains(string(m.Components), s) {
				return true
			}
		}
	}
	return false
}

func entryWith(t *testing.T, es []bot.Entry, text string) int64 {
	t.Helper()
	for _, e := range es {
		if strings.Contains(e.Text, text) {
			return e.Seq
		}
	}
	t.Fatalf("no entry holds %q", text)
	return 0
}

func TestSlackRedactionEditsAndTellsTheAuthor(t *testing.T) {
	h := newSlackE2E(t, e2eOptions{transport: socketMode})
	ch := h.declare("Vault leak")
	if r := h.command(uAlice, ch, "note "+secretNote); !strings.Contains(r, "as entry") {
		t.Fatalf("note: %q", r)
	}
	ts := h.fake.PostAsUser(ch, uBob, secretThird)
	h.react(slackfake.ReactionAdded{User: uAlice, Reaction: "pushpin", Channel: ch, TS: ts})
	h.awaitHandled("reaction", 1)
	h.deliver(time.Minute)
	if !slackBotHolds(h, secretNote) {
		t.Fatal("the note never reached the fake: the test would prove nothing")
	}

	note := entryWith(t, h.timeline(1), secretNote)
	if r := h.command(uAlice, ch, "redact "+strconv.FormatInt(note, 10)+" pasted by mistake"); !strings.Contains(r, "being edited to [redacted by alice: pasted by mistake]") {
		t.Fatalf("redact: %q", r)
	}
	link := "https://fake.slack.com/archives/" + ch + "/p" + strings.Replace(ts, ".", "", 1)
	if r := h.command(uAlice, ch, "redact "+link+" a customer's backup code"); !strings.Contains(r, "Slack lets only its author delete it") {
		t.Fatalf("redact by link: %q", r)
	}
	h.deliver(time.Minute)
	for _, s := range []string{secretNote, secretThird} {
		if slackBotHolds(h, s) {
			t.Errorf("a message warroom posted still holds %q", s)
		}
	}
	edited := false
	for _, m := range h.botMessages(ch) {
		edited = edited || m.Text == "[redacted by alice: pasted by mistake]" && m.Edited
	}
	if !edited {
		t.Error("warroom's post of the note was not edited")
	}
	if _, ok := h.fake.Message(ch, ts); !ok {
		t.Error("the author's own message is gone, though Slack does not let the bot delete it")
	}
	// While the bot runs (a closing process would checkpoint the WAL anyway): the database
	// file and its WAL hold neither secret, as bytes.
	if found := countSecrets(t, []string{secretNote, secretThird}, h.dbPath, h.dbPath+"-wal"); len(found) != 0 {
		t.Errorf("the running bot's database still holds: %v", found)
	}
	if v, err := h.db.Verify(context.Background(), 1); err != nil || !v.OK {
		t.Fatalf("verify: %+v %v", v, err)
	}
}

// slackBotHolds reports whether a message warroom posted, anywhere in the fake, holds s.
func slackBotHolds(h *slackE2E, s string) bool {
	for _, c := range h.fake.Channels() {
		for _, m := range h.botMessages(c.ID) {
			if strings.Contains(m.Text, s) || strings.Contains(string(m.Blocks), s) || strings.Contains(string(m.Attachments), s) {
				return true
			}
		}
	}
	return false
}
