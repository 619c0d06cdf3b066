package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func TestSirenDeclaresOnce(t *testing.T) {
	h := newHarness(t)
	msg := &bot.ChatMessage{ID: "5", Channel: "general", Author: bot.User{ID: "carol", Name: "carol"},
		Text: "Users report a fake payroll mail\nIt asks for their bank details", At: t0.Add(-10 * time.Minute), Permalink: "console:#general/5"}
	h.flush()
	wantContains(t, "first", h.react("alice", "rotating_light", msg),
		"Declared INC-1 from that message: #inc-1-users-report-a-fake-payroll-mail is being opened. You are acting commander.")
	for _, who := range []string{"bob", "dave", "alice"} {
		if r := h.react(who, "rotating_light", msg); r != "" {
			t.Errorf("%s's 🚨 on the same message answered %q", who, r)
		}
	}
	if n := len(h.incidents()); n != 1 {
		t.Fatalf("%d incidents from one message", n)
	}
	inc := h.incident(1)
	if inc.Title != "Users report a fake payroll mail" || inc.DeclaredBy != "alice" || inc.OriginLink != "console:#general/5" || inc.OriginChannel != "general" {
		t.Errorf("incident %+v", inc)
	}
	es := h.entries(1)
	if len(es) != 3 {
		t.Fatalf("timeline %v", kinds(es))
	}
	if es[0].Kind != bot.KindDeclared || es[0].Text != "alice declared sev3 (medium) from console:#general/5: Users report a fake payroll mail" {
		t.Errorf("declared entry %+v", es[0])
	}
	pin := es[2]
	if pin.Kind != bot.KindPin || pin.Actor != "carol" || !pin.OccurredAt.Equal(msg.At) || !pin.At.Equal(t0) ||
		pin.Text != "carol: Users report a fake payroll mail\nIt asks for their bank details (console:#general/5)" {
		t.Errorf("pinned message entry %+v", pin)
	}
	wantContains(t, "welcome", h.flush(), "Declared from: console:#general/5", "[#inc-1-users-report-a-fake-payroll-mail] * private channel created")
	h.verify(1)

	// Another message is another incident.
	other := *msg
	other.ID, other.Text = "6", "Ransom note on the file server"
	wantContains(t, "second message", h.react("bob", "rotating_light", &other), "Declared INC-2 from that message")
}

func TestSirenEdges(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	base := bot.ChatMessage{ID: "1", Channel: "general", Author: bot.User{ID: "bob"}, At: t0}

	h.unchanged(1, func() {
		inChannel := base
		inChannel.Channel, inChannel.Text = ch, "this is bad"
		if r := h.react("alice", "rotating_light", &inChannel); r != "" {
			t.Errorf("🚨 in an incident channel answered %q", r)
		}
		r := h.eng.HandleReaction(h.ctx, bot.Reaction{Source: h.source("console", "alice", "general"), MessageID: "9", Emoji: "rotating_light"})
		wantContains(t, "unreadable message", r.Text.String(), "warroom could not read that message, so no incident was declared.")
		if r := h.react("alice", "eyes", &base); r != "" {
			t.Errorf("👀 answered %q", r)
		}
	})
	if n := len(h.incidents()); n != 1 {
		t.Fatalf("%d incidents", n)
	}

	cases := []struct{ id, text, permalink, title, origin string }{
		{"2", "", "", "Declared from a message", "message 2 in general"},
		{"3", "   \nsecond line", "https://chat/p3", "Declared from a message", "https://chat/p3"},
		{"4", strings.Repeat("ä", 100), "", strings.Repeat("ä", 79) + "…", "message 4 in general"},
	}
	for i, tc := range cases {
		m := base
		m.ID, m.Text, m.Permalink = tc.id, tc.text, tc.permalink
		wantContains(t, tc.id, h.react("carol", "rotating_light", &m), "Declared INC-")
		inc := h.incident(int64(i + 2))
		if inc.Title != tc.title || inc.OriginLink != tc.origin {
			t.Errorf("case %s: title %q origin %q", tc.id, inc.Title, inc.OriginLink)
		}
		if e := h.entries(inc.Number)[0]; !strings.Contains(e.Text, " from "+tc.origin+": ") {
			t.Errorf("case %s: declared entry %q", tc.id, e.Text)
		}
		h.verify(inc.Number)
	}
}

func TestPushpin(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "invite @bob", "added")
	h.clock.Advance(time.Hour)
	msg := &bot.ChatMessage{ID: "7", Channel: ch, Author: bot.User{ID: "bob", Name: "bob"}, Text: "Mail gateway logs show 312 recipients",
		At: t0.Add(20 * time.Minute), Permalink: "console:#" + ch + "/7"}

	before := len(h.entries(1))
	wantContains(t, "first pin", h.react("alice", "pushpin", msg), "Added to the INC-1 timeline (pinned by alice).")
	for _, who := range []string{"bob", "dave", "alice"} {
		if r := h.react(who, "pushpin", msg); r != "" {
			t.Errorf("%s's 📌 on the same message answered %q", who, r)
		}
	}
	es := h.entries(1)
	if len(es) != before+1 {
		t.Fatalf("%d entries added by four 📌, want 1", len(es)-before)
	}
	e := es[len(es)-1]
	if e.Kind != bot.KindPin || e.Actor != "bob" || !e.OccurredAt.Equal(msg.At) || !e.At.Equal(t0.Add(time.Hour)) ||
		e.Text != "bob: Mail gateway logs show 312 recipients (console:#"+ch+"/7)" {
		t.Errorf("pin entry %+v", e)
	}

	// A message without a time is recorded at now; without a permalink, without one.
	bare := &bot.ChatMessage{ID: "8", Channel: ch, Author: bot.User{ID: "alice"}, Text: "blocked the sender"}
	wantContains(t, "no time", h.react("bob", "pushpin", bare), "Added to the INC-1 timeline (pinned by bob).")
	if e := h.last(1); !e.OccurredAt.Equal(t0.Add(time.Hour)) || e.Text != "alice: blocked the sender" || e.Actor != "alice" {
		t.Errorf("entry %+v", e)
	}

	h.unchanged(1, func() {
		other := &bot.ChatMessage{ID: "9", Channel: ch, Author: bot.User{ID: "carol"}, Text: "x", At: t0}
		wantContains(t, "non-member", h.react("carol", "pushpin", other), "You are not a member of INC-1.")
		r := h.eng.HandleReaction(h.ctx, bot.Reaction{Source: h.source("console", "alice", ch), MessageID: "9", Emoji: "pushpin"})
		wantContains(t, "unreadable", r.Text.String(), "warroom could not read that message, so it was not added to the timeline.")
		outside := &bot.ChatMessage{ID: "3", Channel: "general", Author: bot.User{ID: "bob"}, Text: "lunch?", At: t0}
		if r := h.react("alice", "pushpin", outside); r != "" {
			t.Errorf("📌 outside an incident channel answered %q", r)
		}
	})
	h.verify(1)
}

// TestDedupKey: a platform redelivering an event (same Source.DedupKey) changes nothing.
func TestDedupKey(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "invite @bob", "added")
	cmd := func(user, channel, key, text string) string {
		src := h.source("console", user, channel)
		src.DedupKey = key
		r := h.eng.HandleCommand(h.ctx, bot.Command{Source: src, Name: "incident", Text: text}).Text
		h.deliver()
		return r.String()
	}

	wantContains(t, "first delivery", cmd("alice", ch, "Ev1", "note seen once"), "Noted on INC-1")
	h.unchanged(1, func() {
		if r := cmd("alice", ch, "Ev1", "note seen once"); r != "" {
			t.Errorf("redelivery answered %q", r)
		}
	})
	notes := 0
	for _, e := range h.entries(1) {
		if e.Kind == bot.KindNote {
			notes++
		}
	}
	if notes != 1 {
		t.Errorf("%d notes from one event", notes)
	}

	// Declares too: one incident per event, keys are per platform.
	wantContains(t, "declare", cmd("alice", "general", "Ev2", "declare Odd logins"), "Declared INC-2")
	if r := cmd("alice", "general", "Ev2", "declare Odd logins"); r != "" {
		t.Errorf("redelivered declare answered %q", r)
	}
	if n := len(h.incidents()); n != 2 {
		t.Errorf("%d incidents", n)
	}
	src := h.source("slack", "alice", "C0GENERAL")
	src.DedupKey = "Ev2"
	wantContains(t, "same key on another platform", h.eng.HandleCommand(h.ctx, bot.Command{Source: src, Name: "incident", Text: "declare Odd logins"}).Text.String(), "Declared INC-3")

	// A refused event is not marked seen: its retry is processed afresh.
	wantContains(t, "refused", cmd("bob", ch, "Ev3", "sev 1"), "Only the commander")
	h.mustSay("alice", ch, "role scribe @bob", "bob is scribe")
	wantContains(t, "retry after the refusal", cmd("bob", ch, "Ev3", "sev 1"), "INC-1 is now sev1 (critical).")

	// Buttons and reactions carry keys too.
	press := func(key string) string {
		src := h.source("console", "bob", ch)
		src.DedupKey = key
		r := h.eng.HandlePress(h.ctx, bot.Press{Source: src, Action: "role.claim", Value: "1:comms"}).Text
		h.deliver()
		return r.String()
	}
	wantContains(t, "press", press("Int1"), "bob is comms.")
	if r := press("Int1"); r != "" {
		t.Errorf("redelivered press answered %q (not the already-holder refusal, nor anything)", r)
	}
	react := func(key, id string) string {
		src := h.source("console", "alice", "general")
		src.DedupKey = key
		m := &bot.ChatMessage{ID: id, Channel: "general", Author: bot.User{ID: "carol"}, Text: "printer on fire", At: t0}
		r := h.eng.HandleReaction(h.ctx, bot.Reaction{Source: src, MessageID: id, Emoji: "rotating_light", Message: m}).Text
		h.deliver()
		return r.String()
	}
	wantContains(t, "reaction", react("Rx1", "40"), "Declared INC-4")
	if r := react("Rx1", "41"); r != "" {
		t.Errorf("redelivered reaction answered %q", r)
	}
	if n := len(h.incidents()); n != 4 {
		t.Errorf("%d incidents after a redelivered reaction", n)
	}
	h.verify(1)
}

func TestPlainTextCleansControlCharacters(t *testing.T) {
	got := plainText("evil\x1b[31m red\x00 bell\x07\nnext\tline\xff")
	if got != "evil [31m red  bell \nnext\tline\uFFFD" {
		t.Fatalf("%q", got)
	}
}
