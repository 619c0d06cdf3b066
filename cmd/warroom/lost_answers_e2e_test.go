package main

// Exactly once when answers are lost: the platform applies a call and the client never
// learns (a 5xx after the write, a dropped connection). The fakes' LoseAnswers does exactly
// that; these tests hold every message the bot shows against the outbox's delivered rows.

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/storage"
)

// checkOneToOne asserts that the messages the bot shows on a platform (message id →
// channel id) are exactly the outbox's delivered post, card and DM rows: each row's message
// exists in the row's channel, no two rows claim one message (except card edits, which
// re-deliver the card), and no bot message is left without a row.
// A "#name" target is turned into its id by resolve.
func checkOneToOne(t *testing.T, db *storage.DB, platform string, shown map[string]string, resolve func(name string) string) {
	t.Helper()
	rows, err := db.DeliveredMessages(context.Background(), platform)
	if err != nil {
		t.Fatal(err)
	}
	claimed := map[string]int64{}
	for _, r := range rows {
		if name, ok := strings.CutPrefix(r.Channel, "#"); ok {
			r.Channel = resolve(name)
		}
		ch, ok := shown[r.Message]
		switch {
		case !ok:
			t.Errorf("outbox row %d (%s) was delivered as message %q, which the platform does not show", r.ID, r.Op, r.Message)
		case r.Channel != "" && ch != r.Channel:
			t.Errorf("outbox row %d (%s): message %s is in channel %s, the row went to %s", r.ID, r.Op, r.Message, ch, r.Channel)
		}
		if prev, dup := claimed[r.Message]; dup && r.Op != "card" {
			t.Errorf("outbox rows %d and %d both claim message %s", prev, r.ID, r.Message)
		}
		claimed[r.Message] = r.ID
	}
	for id, ch := range shown {
		if _, ok := claimed[id]; !ok {
			t.Errorf("bot message %s in channel %s has no delivered outbox row: it was posted twice (or by something else)", id, ch)
		}
	}
	if len(rows) == 0 {
		t.Error("no delivered rows at all")
	}
}

// slackShown is every bot message in the fake workspace: ts → channel.
func (h *slackE2E) slackShown() map[string]string {
	out := map[string]string{}
	for _, c := range h.fake.Channels() {
		for _, m := range h.botMessages(c.ID) {
			out[m.TS] = c.ID
		}
	}
	return out
}

func (h *slackE2E) slackChannelID(name string) string {
	c, _ := h.fake.ChannelByName(name)
	return c.ID
}

// channelsNamed counts the fake's channels whose name starts with prefix.
func (h *slackE2E) channelsNamed(prefix string) []string {
	var out []string
	for _, c := range h.fake.Channels() {
		if strings.HasPrefix(c.Name, prefix) {
			out = append(out, c.Name)
		}
	}
	return out
}

func TestSlackLostAnswersPostAndCreateOnce(t *testing.T) {
	t.Parallel()
	h := newSlackE2E(t, e2eOptions{transport: httpMode})
	inc := h.declare("Lost answers sev2")

	// Three notes whose first posts land but whose answers are lost.
	h.fake.LoseAnswers("chat.postMessage", 3)
	for _, n := range []string{"one", "two", "three"} {
		if ans := h.command(uBob, inc, "note lost-"+n); !strings.Contains(ans, "Noted") {
			t.Fatalf("note answered %q", ans)
		}
	}
	h.deliver(5 * time.Minute)
	if lost := h.fake.LostAnswers("chat.postMessage"); lost != 3 {
		t.Fatalf("%d answers lost, want 3", lost)
	}
	var notes []string
	for _, m := range h.botMessages(inc) {
		if strings.Contains(m.Text, "lost-") {
			notes = append(notes, m.Text)
		}
	}
	if want := []string{"📝 bob: lost-one", "📝 bob: lost-two", "📝 bob: lost-three"}; !slices.Equal(notes, want) {
		t.Errorf("notes in the channel:\n got %q\nwant %q", notes, want)
	}

	// A declaration whose conversations.create lands but whose answer is lost.
	h.fake.LoseAnswers("conversations.create", 1)
	if ans := h.command(uAlice, h.general, "declare Second one sev3"); !strings.Contains(ans, "Declared INC-2") {
		t.Fatalf("declare answered %q", ans)
	}
	h.deliver(5 * time.Minute)
	if got := h.channelsNamed("inc-2-"); len(got) != 1 {
		t.Errorf("INC-2 has channels %q, want exactly one", got)
	}
	if ch := h.incident(2).ChannelID; ch == "" || len(h.fake.Pins(ch)) != 1 {
		t.Errorf("INC-2's channel %q has %d pinned cards", ch, len(h.fake.Pins(ch)))
	}

	// A third of all calls lost, of any kind, for a declaration and notes.
	h.fake.LoseSomeAnswers("*", 1.0/3, 21)
	h.command(uAlice, h.general, "declare Third one sev3")
	for _, n := range []string{"a", "b", "c", "d"} {
		h.command(uBob, inc, "note mixed-"+n)
	}
	h.deliver(30 * time.Minute)
	h.fake.ClearFaults()
	h.deliver(5 * time.Minute)
	if got := h.channelsNamed("inc-3-"); len(got) != 1 {
		t.Errorf("INC-3 has channels %q, want exactly one", got)
	}
	checkOneToOne(t, h.db, "slack", h.slackShown(), h.slackChannelID)
}

// discordShown is every bot message in the fake guilds and DMs: id → channel.
func (h *discordE2E) discordShown() map[string]string {
	out := map[string]string{}
	var chans []discordfake.Channel
	chans = append(chans, h.fake.Channels(dGuild)...)
	for _, u := range []string{dAlice, dBob, dCarol} {
		if c, ok := h.fake.DMChannel(u); ok {
			chans = append(chans, c)
		}
	}
	for _, c := range chans {
		for _, m := range h.fake.Messages(c.ID) {
			if m.AuthorID == h.fake.BotUserID() && m.InteractionID == "" && m.WebhookID == "" {
				out[m.ID] = c.ID
			}
		}
	}
	return out
}

func (h *discordE2E) channelsNamed(prefix string) []string {
	var out []string
	for _, c := range h.fake.Channels(dGuild) {
		if strings.HasPrefix(c.Name, prefix) {
			out = append(out, c.Name)
		}
	}
	return out
}

func TestDiscordLostAnswersPostAndCreateOnce(t *testing.T) {
	t.Parallel()
	h := newDiscordE2E(t)
	if r := h.incident(dAlice, h.general, "declare", discordfake.StringOption("title", "Lost answers"), discordfake.StringOption("severity", "sev2")); !strings.Contains(r, "Declared INC-1") {
		t.Fatalf("declare answered %q", r)
	}
	h.deliver(time.Minute)
	inc := h.channel("inc-1-lost-answers")

	// Notes whose create-message requests land but whose answers are lost (a 500, a 502
	// that discordgo retries by itself, a dropped connection).
	h.fake.LoseAnswers(discordfake.RouteCreateMessage, 3)
	for _, n := range []string{"one", "two", "three"} {
		h.incident(dBob, inc.ID, "note", discordfake.StringOption("text", "lost-"+n))
	}
	h.deliver(5 * time.Minute)
	if lost := h.fake.LostAnswers(discordfake.RouteCreateMessage); lost != 3 {
		t.Fatalf("%d answers lost, want 3", lost)
	}
	var notes []string
	for _, c := range h.contents(inc.ID) {
		if strings.Contains(c, "lost-") {
			notes = append(notes, c)
		}
	}
	if len(notes) != 3 || !strings.HasSuffix(notes[0], "lost-one") || !strings.HasSuffix(notes[2], "lost-three") {
		t.Errorf("notes in the channel: %q", notes)
	}

	// A declaration whose channel creation lands but whose answer is lost.
	h.fake.LoseAnswers(discordfake.RouteCreateChannel, 1)
	h.incident(dAlice, h.general, "declare", discordfake.StringOption("title", "Second one"), discordfake.StringOption("severity", "sev3"))
	h.deliver(5 * time.Minute)
	if got := h.channelsNamed("inc-2-"); len(got) != 1 {
		t.Errorf("INC-2 has channels %q, want exactly one", got)
	}

	// A third of all requests lost, of any kind.
	h.fake.LoseSomeAnswers("*", 1.0/3, 21)
	h.fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: dGuild, ChannelID: h.general, UserID: dAlice, Command: "incident",
		Options: []discordfake.CommandOption{incidentCmd("declare", discordfake.StringOption("title", "Third one"), discordfake.StringOption("severity", "sev3"))}})
	for _, n := range []string{"a", "b", "c", "d"} {
		h.fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: dGuild, ChannelID: inc.ID, UserID: dBob, Command: "incident",
			Options: []discordfake.CommandOption{incidentCmd("note", discordfake.StringOption("text", "mixed-"+n))}})
	}
	h.waitFor("the declaration and notes handled", func() bool {
		n := 0
		for _, e := range readTimeline(t, h.db, 1) {
			if strings.Contains(e.Text, "mixed-") {
				n++
			}
		}
		return n == 4 && h.incidentCount() == 3
	})
	h.deliver(30 * time.Minute)
	h.fake.ClearFaults()
	h.deliver(5 * time.Minute)
	if got := h.channelsNamed("inc-3-"); len(got) != 1 {
		t.Errorf("INC-3 has channels %q, want exactly one", got)
	}
	checkOneToOne(t, h.db, "discord", h.discordShown(), func(name string) string { return h.channel(name).ID })
}

func (h *discordE2E) incidentCount() int { return countIncidents(h.t, h.db) }
