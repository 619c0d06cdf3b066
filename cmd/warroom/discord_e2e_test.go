package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/discordfake"
)

// TestDiscordEndToEnd drives warroom through the real discordgo client against the fake
// Discord. The subtests share one bot and run in order: each builds on the incidents the
// ones before it declared.
func TestDiscordEndToEnd(t *testing.T) {
	start := time.Now()
	h := newDiscordE2E(t)
	var inc1 discordfake.Channel

	t.Run("commands registered from the specs", func(t *testing.T) {
		h := h.with(t)
		ups := h.fake.CommandUploads()
		if len(ups) != 1 || ups[0].Method != "PUT" || ups[0].GuildID != dGuild {
			t.Fatalf("want one guild-scoped bulk overwrite, got %+v", ups)
		}
		cmds := map[string]json.RawMessage{}
		var names []string
		for _, c := range h.fake.Commands(dGuild) {
			cmds[c.Name] = c.Raw
			names = append(names, c.Name)
		}
		if want := []string{"incident", "incident-more", "page", "oncall"}; !slices.Equal(names, want) {
			t.Fatalf("commands %v, want %v", names, want)
		}
		var incident discordgo.ApplicationCommand
		if err := json.Unmarshal(cmds["incident"], &incident); err != nil {
			t.Fatal(err)
		}
		if n := len(incident.Options); n > 25 || n < 20 {
			t.Errorf("/incident holds %d entries", n)
		}
		if incident.Options[0].Name != "declare" {
			t.Errorf("declare is not first in /incident: %s", incident.Options[0].Name)
		}
		opt := func(sub string) *discordgo.ApplicationCommandOption {
			for _, o := range incident.Options {
				if o.Name == sub {
					return o
				}
			}
			t.Fatalf("/incident has no %s", sub)
			return nil
		}
		declare := opt("declare")
		if declare.Options[0].Name != "title" || declare.Options[0].Type != discordgo.ApplicationCommandOptionString || !declare.Options[0].Required {
			t.Errorf("declare title: %+v", declare.Options[0])
		}
		sev := declare.Options[1]
		if sev.Name != "severity" || len(sev.Choices) != 4 || sev.Choices[0].Value != "sev1" {
			t.Errorf("declare severity is not a choice of sev1..sev4: %+v", sev)
		}
		role := opt("role")
		if role.Options[1].Type != discordgo.ApplicationCommandOptionUser || len(role.Options[0].Choices) != 6 {
			t.Errorf("role options: %+v %+v", role.Options[0], role.Options[1])
		}
		task := opt("task")
		if task.Type != discordgo.ApplicationCommandOptionSubCommandGroup || len(task.Options) != 2 ||
			task.Options[0].Name != "add" || task.Options[1].Name != "done" {
			t.Fatalf("task group: %+v", task)
		}
		if n := task.Options[1].Options[0]; n.Type != discordgo.ApplicationCommandOptionInteger {
			t.Errorf("task done n is %v, want INTEGER", n.Type)
		}
		if due := task.Options[0].Options[2]; due.Name != "due" || due.Type != discordgo.ApplicationCommandOptionString {
			t.Errorf("task add due: %+v", due)
		}
		var more discordgo.ApplicationCommand
		_ = json.Unmarshal(cmds["incident-more"], &more)
		var moreNames []string
		for _, o := range more.Options {
			moreNames = append(moreNames, o.Name)
		}
		// The response-action verbs are beyond /incident's 25 and spill here, first.
		if !slices.Equal(moreNames, []string{"actions", "run", "approve", "deny", "undo", "redact-run", "review", "remind", "remind-snooze", "clock", "clock-done", "drill", "report", "summary", "impact", "rootcause", "detected", "assess", "delay", "tlp", "evidence"}) {
			t.Errorf("/incident-more holds %v", moreNames)
		}
	})

	t.Run("declare by slash command opens a private channel", func(t *testing.T) {
		h := h.with(t)
		ref, reply := h.slash(dAlice, dGuild, h.general, "incident", incidentCmd("declare",
			discordfake.StringOption("title", "Phishing wave"), discordfake.StringOption("severity", "sev2")))
		if !strings.Contains(reply, "Declared INC-1") {
			t.Fatalf("reply %q", reply)
		}
		acks := h.fake.InteractionResponses(ref.ID)
		if len(acks) != 1 || acks[0].Type != 5 || !acks[0].Ephemeral || acks[0].Elapsed >= 3*time.Second {
			t.Fatalf("acknowledgement %+v", acks)
		}
		t.Logf("interaction acknowledged after %v", acks[0].Elapsed)
		h.deliver(time.Minute)
		inc1 = h.channel("inc-1-phishing-wave")
		parent, _ := h.fake.Channel(inc1.ParentID)
		if parent.Name != dCategory || parent.Type != discordfake.ChannelCategory {
			t.Errorf("parent %+v", parent)
		}
		if !strings.Contains(inc1.Topic, "Phishing wave") {
			t.Errorf("topic %q", inc1.Topic)
		}
		everyone, botOW := false, false
		for _, o := range inc1.Overwrites {
			if o.ID == dGuild && o.Type == 0 && o.Deny&discordfake.PermViewChannel != 0 {
				everyone = true
			}
			if o.ID == h.fake.BotUserID() && o.Allow&discordfake.PermViewChannel != 0 && o.Allow&discordfake.PermManageMessages != 0 {
				botOW = true
			}
		}
		if !everyone || !botOW {
			t.Errorf("overwrites %+v", inc1.Overwrites)
		}
		if p := h.fake.Permissions(inc1.ID, dAlice); p&discordfake.PermViewChannel == 0 || p&discordfake.PermSendMessages == 0 {
			t.Errorf("the declarer cannot use the channel: %b", p)
		}
		if p := h.fake.Permissions(inc1.ID, dBob); p != 0 {
			t.Errorf("bob can see the channel: %b", p)
		}
		pins := h.fake.Pins(inc1.ID)
		if len(pins) != 1 {
			t.Fatalf("pins %v", pins)
		}
		card, _ := h.fake.Message(pins[0])
		if !strings.Contains(card.Content, "INC-1") {
			t.Errorf("pinned card %q", card.Content)
		}
		welcome := h.fake.Messages(inc1.ID)[0]
		if ids := buttons(t, welcome); len(ids) == 0 || !strings.HasPrefix(ids[0], "role.claim:1:") {
			t.Errorf("welcome buttons %v", ids)
		}
	})

	t.Run("role assignment grants access and remove revokes it", func(t *testing.T) {
		h := h.with(t)
		reply := h.incident(dAlice, inc1.ID, "role", discordfake.StringOption("role", "analyst"), discordfake.UserOption("user", dBob))
		if !strings.Contains(reply, "analyst") {
			t.Fatalf("reply %q", reply)
		}
		h.deliver(time.Minute)
		if p := h.fake.Permissions(inc1.ID, dBob); p&discordfake.PermViewChannel == 0 || p&discordfake.PermSendMessages == 0 {
			t.Fatalf("bob has no access after taking a role: %b", p)
		}
		reply = h.incident(dAlice, inc1.ID, "remove", discordfake.UserOption("user", dBob))
		h.deliver(time.Minute)
		if p := h.fake.Permissions(inc1.ID, dBob); p != 0 {
			t.Fatalf("bob keeps access after remove (%q): %b", reply, p)
		}
	})

	t.Run("a role claim button", func(t *testing.T) {
		h := h.with(t)
		welcome := h.fake.Messages(inc1.ID)[0]
		claim := ""
		for _, id := range buttons(t, welcome) {
			if strings.HasSuffix(id, ":legal") {
				claim = id
			}
		}
		ref := h.fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: dGuild, ChannelID: inc1.ID, UserID: dAlice,
			CustomID: claim, MessageID: welcome.ID})
		if reply := h.reply(ref); !strings.Contains(reply, "legal") {
			t.Fatalf("press reply %q", reply)
		}
		if acks := h.fake.InteractionResponses(ref.ID); len(acks) != 1 || acks[0].Type != 5 || !acks[0].Ephemeral {
			t.Fatalf("press acknowledgement %+v", acks)
		}
		h.deliver(time.Minute)
	})

	t.Run("join asks the commander, who approves with a button", func(t *testing.T) {
		h := h.with(t)
		reply := h.incident(dCarol, h.general, "join", discordfake.StringOption("incident", "INC-1"))
		if reply == "" {
			t.Fatal("no reply to join")
		}
		h.deliver(time.Minute)
		var ask discordfake.Message
		for _, m := range h.fake.Messages(inc1.ID) {
			if strings.Contains(m.Content, "carol asks to join") {
				ask = m
			}
		}
		approve := ""
		for _, id := range buttons(t, ask) {
			if strings.HasPrefix(id, "join.approve:") {
				approve = id
			}
		}
		if approve == "" {
			t.Fatalf("the commander's DM has no approve button: %q", ask.Content)
		}
		if p := h.fake.Permissions(inc1.ID, dCarol); p != 0 {
			t.Fatalf("carol is in before approval")
		}
		ref := h.fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: dGuild, ChannelID: inc1.ID, UserID: dAlice, CustomID: approve, MessageID: ask.ID})
		h.reply(ref)
		h.deliver(time.Minute)
		if p := h.fake.Permissions(inc1.ID, dCarol); p&discordfake.PermViewChannel == 0 {
			t.Fatalf("carol was not let in after approval")
		}
	})

	t.Run("pushpin adds a message to the timeline once", func(t *testing.T) {
		h := h.with(t)
		msg := h.fake.DispatchMessageCreate(inc1.ID, dCarol, "Sender was 203.0.113.7")
		before := h.adapter.Stats()
		for range 3 {
			h.fake.DispatchReactionAdd(dGuild, inc1.ID, msg, dAlice, "📌")
		}
		h.fake.DispatchReactionAdd(dGuild, inc1.ID, msg, dCarol, "📌")
		h.waitFor("four pushpins handled", func() bool {
			s := h.adapter.Stats()
			return s.Reactions-before.Reactions == 2 && s.Duplicates-before.Duplicates == 2
		})
		var pins []bot.Entry
		for _, e := range h.entries(1) {
			if e.Kind == bot.KindPin {
				pins = append(pins, e)
			}
		}
		link := "https://discord.com/channels/" + dGuild + "/" + inc1.ID + "/" + msg
		if len(pins) != 1 || !strings.Contains(pins[0].Text, "203.0.113.7") || !strings.Contains(pins[0].Text, link) ||
			pins[0].Actor != "carol" {
			t.Fatalf("pin entries %+v", pins)
		}
		m, _ := h.fake.Message(msg)
		if d := pins[0].OccurredAt.Sub(m.Timestamp); d > time.Millisecond || d < -time.Millisecond {
			t.Errorf("occurred_at %v, message time %v", pins[0].OccurredAt, m.Timestamp)
		}
		h.waitFor("the reactor told", func() bool {
			return slices.ContainsFunc(append(h.dmTexts(dAlice), h.dmTexts(dCarol)...), func(s string) bool {
				return strings.Contains(s, "Added to the INC-1 timeline")
			})
		})
	})

	t.Run("rotating light declares from a message", func(t *testing.T) {
		h := h.with(t)
		msg := h.fake.DispatchMessageCreate(h.general, dBob, "Ransom note on the file server\nfound at 09:12")
		h.fake.DispatchReactionAdd(dGuild, h.general, msg, dBob, "🚨")
		h.fake.DispatchReactionAdd(dGuild, h.general, msg, dCarol, "🚨")
		h.waitFor("the reactor told", func() bool {
			return slices.ContainsFunc(append(h.dmTexts(dBob), h.dmTexts(dCarol)...), func(s string) bool {
				return strings.Contains(s, "Declared INC-2")
			})
		})
		h.deliver(time.Minute)
		ch := h.channel("inc-2-ransom-note-on-the-file-server")
		declarer := map[string]string{"bob": dBob, "carol": dCarol}[h.entries(2)[0].Actor] // whoever's 🚨 came first
		if p := h.fake.Permissions(ch.ID, declarer); declarer == "" || p&discordfake.PermViewChannel == 0 {
			t.Errorf("the declarer cannot see #%s", ch.Name)
		}
		if _, ok := h.fake.ChannelByName(dGuild, "inc-3-ransom-note-on-the-file-server"); ok {
			t.Error("a second 🚨 declared a second incident")
		}
	})

	t.Run("events from a guild not served are ignored", func(t *testing.T) {
		h := h.with(t)
		_, reply := h.slash(dAlice, dOther, h.elsewhere, "incident", incidentCmd("declare", discordfake.StringOption("title", "Not here")))
		if !strings.Contains(reply, "does not serve") {
			t.Fatalf("reply %q", reply)
		}
		msg := h.fake.DispatchMessageCreate(h.elsewhere, dBob, "Elsewhere")
		before := h.adapter.Stats().Ignored
		h.fake.DispatchReactionAdd(dOther, h.elsewhere, msg, dBob, "🚨")
		h.waitFor("the reaction ignored", func() bool { return h.adapter.Stats().Ignored > before })
		h.deliver(time.Minute)
		for _, c := range h.fake.Channels(dGuild) {
			if strings.Contains(c.Name, "not-here") || strings.Contains(c.Name, "elsewhere") {
				t.Errorf("declared from another guild: #%s", c.Name)
			}
		}
	})

	t.Run("a slow Discord does not delay the acknowledgement", func(t *testing.T) {
		h := h.with(t)
		h.incident(dAlice, inc1.ID, "note", discordfake.StringOption("text", "waiting on the mail gateway"))
		h.fake.Slow(discordfake.RouteCreateMessage, 3500*time.Millisecond)
		h.fake.Slow(discordfake.RouteGetMessage, 3500*time.Millisecond)
		flushed := make(chan struct{})
		go func() { defer close(flushed); _ = h.deliverer.Flush(context.Background()) }()
		h.waitFor("the post held by the slow fake", func() bool { return h.fake.InFlight(discordfake.RouteCreateMessage) > 0 })
		msg := h.fake.DispatchMessageCreate(inc1.ID, dAlice, "slow day")
		reactions := h.adapter.Stats().Reactions
		h.fake.DispatchReactionAdd(dGuild, inc1.ID, msg, dAlice, "📌") // its GET is slow too
		ref, reply := h.slash(dAlice, dGuild, inc1.ID, "incident", incidentCmd("status"))
		acks := h.fake.InteractionResponses(ref.ID)
		if len(acks) != 1 || acks[0].Elapsed >= 3*time.Second {
			t.Fatalf("acknowledgement %+v", acks)
		}
		t.Logf("acknowledged after %v while Discord answered other routes in 3.5 s; reply %d chars", acks[0].Elapsed, len(reply))
		h.fake.Slow(discordfake.RouteCreateMessage, 0)
		h.fake.Slow(discordfake.RouteGetMessage, 0)
		h.waitFor("the slow reaction", func() bool { return h.adapter.Stats().Reactions > reactions })
		<-flushed
		h.deliver(time.Minute)
	})

	t.Run("a dropped gateway resumes without losing or repeating events", func(t *testing.T) {
		h := h.with(t)
		identifies, resumes := h.fake.IdentifyCount(), h.fake.ResumeCount()
		before := h.adapter.Stats()
		h.incident(dAlice, inc1.ID, "note", discordfake.StringOption("text", "drop check 1"))
		h.fake.DropConnection()
		ref := h.fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: dGuild, ChannelID: inc1.ID, UserID: dAlice,
			Command: "incident", Options: []discordfake.CommandOption{incidentCmd("note", discordfake.StringOption("text", "drop check 2"))}})
		msg := h.fake.DispatchMessageCreate(inc1.ID, dAlice, "evidence while disconnected")
		h.fake.DispatchReactionAdd(dGuild, inc1.ID, msg, dAlice, "📌")
		h.reply(ref)
		h.waitFor("the resume", func() bool { return h.fake.ResumeCount() == resumes+1 && h.adapter.Connected() })
		h.incident(dAlice, inc1.ID, "note", discordfake.StringOption("text", "drop check 3"))
		h.waitFor("every event handled", func() bool {
			s := h.adapter.Stats()
			return s.Interactions-before.Interactions == 3 && s.Reactions-before.Reactions == 1
		})
		if h.fake.IdentifyCount() != identifies {
			t.Errorf("re-identified instead of resuming")
		}
		h.deliver(time.Minute)
		notes := notesIn(h.contents(inc1.ID), "drop check")
		if want := []string{"drop check 1", "drop check 2", "drop check 3"}; !slices.Equal(notes, want) {
			t.Errorf("notes in the channel %v, want %v", notes, want)
		}
	})

	t.Run("op 7 reconnect resumes", func(t *testing.T) {
		h := h.with(t)
		resumes := h.fake.ResumeCount()
		before := h.adapter.Stats()
		if !h.fake.SendReconnect() {
			t.Fatal("no connection to send op 7 on")
		}
		ref := h.fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: dGuild, ChannelID: inc1.ID, UserID: dAlice,
			Command: "incident", Options: []discordfake.CommandOption{incidentCmd("note", discordfake.StringOption("text", "around op 7"))}})
		h.reply(ref)
		h.waitFor("the resume after op 7", func() bool { return h.fake.ResumeCount() == resumes+1 && h.adapter.Connected() })
		h.waitFor("the interaction handled", func() bool { return h.adapter.Stats().Interactions-before.Interactions >= 1 })
		h.deliver(time.Minute)
		if got := notesIn(h.contents(inc1.ID), "around op 7"); len(got) != 1 {
			t.Errorf("the note sent around op 7 is in the channel %d times", len(got))
		}
	})

	t.Run("op 9 makes a fresh identify and events after it are handled once", func(t *testing.T) {
		h := h.with(t)
		identifies := h.fake.IdentifyCount()
		before := h.adapter.Stats()
		if !h.fake.SendInvalidSession(false) {
			t.Fatal("no connection to send op 9 on")
		}
		ref := h.fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: dGuild, ChannelID: inc1.ID, UserID: dAlice,
			Command: "incident", Options: []discordfake.CommandOption{incidentCmd("note", discordfake.StringOption("text", "around op 9"))}})
		h.reply(ref)
		h.waitFor("the fresh identify", func() bool { return h.fake.IdentifyCount() == identifies+1 && h.adapter.Connected() })
		h.waitFor("the interaction handled", func() bool { return h.adapter.Stats().Interactions-before.Interactions >= 1 })
		h.deliver(time.Minute)
		if got := notesIn(h.contents(inc1.ID), "around op 9"); len(got) != 1 {
			t.Errorf("the note sent around op 9 is in the channel %d times", len(got))
		}
	})

	t.Run("429s and an outage lose nothing and double nothing", func(t *testing.T) {
		h := h.with(t)
		h.deliver(time.Minute)
		var want []string
		for i := 1; i <= 6; i++ {
			text := fmt.Sprintf("outage check %d", i)
			want = append(want, text)
			h.incident(dAlice, inc1.ID, "note", discordfake.StringOption("text", text))
		}
		h.fake.RateLimit(discordfake.RouteCreateMessage, 2, 0.05, false)
		h.deliver(time.Minute)
		h.fake.RateLimit(discordfake.RouteCreateMessage, 1, 0.05, true) // global
		for i := 7; i <= 9; i++ {
			text := fmt.Sprintf("outage check %d", i)
			want = append(want, text)
			h.incident(dAlice, inc1.ID, "note", discordfake.StringOption("text", text))
		}
		h.fake.Outage(true) // REST and gateway
		for range 3 {
			if err := h.deliverer.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			h.clock.Advance(5 * time.Second)
		}
		if got := notesIn(h.contents(inc1.ID), "outage check"); len(got) != 6 {
			t.Fatalf("delivered during the outage: %v", got)
		}
		h.fake.Outage(false)
		h.waitFor("the gateway back", func() bool { return h.fake.Connected() && h.adapter.Connected() })
		h.deliver(5 * time.Minute)
		if got := notesIn(h.contents(inc1.ID), "outage check"); !slices.Equal(got, want) {
			t.Fatalf("channel has %v\nwant %v", got, want)
		}
	})

	t.Run("a full category opens the next one", func(t *testing.T) {
		h := h.with(t)
		cat := inc1.ParentID
		n := 0
		for _, c := range h.fake.Channels(dGuild) {
			if c.ParentID == cat {
				n++
			}
		}
		for i := n; i < 50; i++ {
			h.fake.AddChannel(dGuild, fmt.Sprintf("filler-%d", i), discordfake.ChannelText, cat)
		}
		h.incident(dAlice, h.general, "declare", discordfake.StringOption("title", "Category overflow"))
		h.deliver(time.Minute)
		ch := h.channel("inc-3-category-overflow")
		parent, _ := h.fake.Channel(ch.ParentID)
		if parent.Name != dCategory+" 2" {
			t.Fatalf("placed in %q", parent.Name)
		}
	})

	t.Run("a full guild is refused with a clear message", func(t *testing.T) {
		h := h.with(t)
		for i := len(h.fake.Channels(dGuild)); i < 500; i++ {
			h.fake.AddChannel(dGuild, fmt.Sprintf("bulk-%d", i), discordfake.ChannelText, "")
		}
		h.incident(dAlice, h.general, "declare", discordfake.StringOption("title", "No room"))
		if err := h.deliverer.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		dm := h.waitDM(dAlice, "INC-4 is recorded")
		if !strings.Contains(dm.Content, "500 channels") {
			t.Errorf("the declarer's notice does not say why: %q", dm.Content)
		}
	})

	t.Logf("Discord end-to-end suite: %v, %d requests refused as invalid (401/403/429)", time.Since(start).Round(time.Millisecond), h.fake.InvalidRequestCount())
}

// notesIn keeps the channel messages that contain marker, as the note text alone.
func notesIn(msgs []string, marker string) []string {
	var out []string
	for _, m := range msgs {
		if i := strings.Index(m, marker); i >= 0 {
			line := m[strings.LastIndex(m[:i], "\n")+1:]
			if j := strings.IndexByte(line, '\n'); j >= 0 {
				line = line[:j]
			}
			if k := strings.Index(line, ": "); k >= 0 && !strings.HasPrefix(strings.TrimSpace(line), marker) {
				line = line[k+2:]
			}
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}
