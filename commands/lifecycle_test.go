package commands

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

func TestDeclare(t *testing.T) {
	h := newHarness(t)
	r := h.cmd("alice", "general", "declare Phishing wave")
	wantContains(t, "reply", r, "Declared INC-1 · sev3 (medium): #inc-1-phishing-wave is being opened for it. You are acting commander.")

	inc := h.incident(1)
	if inc.Title != "Phishing wave" || inc.Phase != bot.PhaseIdentification || inc.Status != bot.StatusOpen || inc.Severity != 3 ||
		inc.DeclaredBy != "alice" || !inc.DeclaredAt.Equal(t0) || inc.Platform != "console" || inc.OriginChannel != "general" ||
		inc.ReportVersion != 1 || inc.Type != "" || inc.Drill {
		t.Errorf("incident: %+v", inc)
	}
	if inc.ChannelName != "inc-1-phishing-wave" || inc.ChannelID != "inc-1-phishing-wave" {
		t.Errorf("channel %q (id %q)", inc.ChannelName, inc.ChannelID)
	}
	if inc.CardRef == "" {
		t.Error("the incident card was not posted")
	}
	if m := h.members(1); !slices.Equal(m, []string{"alice"}) {
		t.Errorf("members %v", m)
	}
	if r := h.roles(1); len(r) != 0 {
		t.Errorf("roles %v: the declarer is only acting commander", r)
	}
	items := h.checklist(1, bot.PhaseIdentification)
	if len(items) != 7 {
		t.Fatalf("identification checklist has %d items", len(items))
	}
	for _, it := range items {
		if it.CheckedAt != nil || it.Text == "" {
			t.Errorf("checklist item %+v", it)
		}
	}
	if sp := h.phases(1); len(sp) != 1 || sp[0].Phase != bot.PhaseIdentification || sp[0].Left != nil || sp[0].Forced {
		t.Errorf("phase spans %+v", sp)
	}

	es := h.entries(1)
	if got := kinds(es); !slices.Equal(got, []string{bot.KindDeclared, bot.KindPhase}) {
		t.Fatalf("timeline kinds %v", got)
	}
	if es[0].Seq != 1 || es[0].Actor != "alice" || es[0].Text != "alice declared sev3 (medium): Phishing wave" || !es[0].At.Equal(t0) || !es[0].OccurredAt.Equal(t0) {
		t.Errorf("entry 1 %+v", es[0])
	}
	if es[1].Seq != 2 || es[1].Text != "entered identification" {
		t.Errorf("entry 2 %+v", es[1])
	}
	h.verify(1)

	out := h.flush()
	wantContains(t, "console", out,
		"[#inc-1-phishing-wave] * private channel created · topic: Phishing wave · sev3 medium · identification · commander alice (acting)",
		"[#inc-1-phishing-wave] * alice added to the channel",
		"] warroom: 🚨 *INC-1: Phishing wave* — sev3 (medium), declared by alice at 2026-03-02 09:00 UTC.",
		"[I'm analyst] [I'm researcher] [I'm comms] [I'm legal]",
		"*Exit criteria for identification* (tick with /incident check <n>):",
		"[ ] 1. Incident confirmed",
		"* pinned",
		"[@alice 1] warroom: ", // the acting commander's duties for the phase
	)
	if h.pending() != 0 {
		t.Errorf("%d outbox operations still pending", h.pending())
	}
	if logs := h.logs.String(); logs != "" {
		t.Errorf("warnings logged:\n%s", logs)
	}

	// Numbering is per database.
	r = h.cmd("bob", "general", "declare Malware outbreak sev2")
	wantContains(t, "second declare", r, "Declared INC-2 · sev2 (high): #inc-2-malware-outbreak")
	if inc := h.incident(2); inc.DeclaredBy != "bob" || inc.ChannelID != "inc-2-malware-outbreak" {
		t.Errorf("INC-2 %+v", inc)
	}
	if m := h.members(2); !slices.Equal(m, []string{"bob"}) {
		t.Errorf("INC-2 members %v", m)
	}
}

func TestDeclareQueuesPrivateChannelInTheSameTransaction(t *testing.T) {
	for _, private := range []bool{true, false} {
		t.Run(fmt.Sprint("private=", private), func(t *testing.T) {
			h := newHarness(t, withYAML(fmt.Sprintf("channels: {private: %v}", private)))
			h.send("console", "alice", "general", "declare Phishing wave")
			due, err := h.db.DueOutbound(h.ctx, t0, 100, true)
			if err != nil {
				t.Fatal(err)
			}
			var create *bot.Outbound
			for i := range due {
				if due[i].Lane == "inc:1" {
					create = &due[i]
				}
			}
			if create == nil || create.Op != bot.OpCreateChannel {
				t.Fatalf("the head of lane inc:1 is %+v, want create_channel", create)
			}
			if create.Payload.Name != "inc-1-phishing-wave" || create.Payload.Private != private || create.Payload.Notify != "alice" || create.Incident != 1 {
				t.Errorf("create_channel payload %+v", create)
			}
			kind := "private"
			if !private {
				kind = "public"
			}
			wantContains(t, "console", h.flush(), "[#inc-1-phishing-wave] * "+kind+" channel created")
		})
	}
}

func TestDeclareParsing(t *testing.T) {
	long := strings.Repeat("x", MaxTitleLen)
	cases := []struct {
		text, title, channel string
		sev                  int
	}{
		{"Ransomware on file servers sev1", "Ransomware on file servers", "inc-1-ransomware-on-file-servers", 1},
		{"Odd login SEV4", "Odd login", "inc-1-odd-login", 4},
		{"Lost laptop on floor 2", "Lost laptop on floor 2", "inc-1-lost-laptop-on-floor-2", 3},
		{"Server   room\tflood   sev2", "Server room flood", "inc-1-server-room-flood", 2},
		{"CEO fraud: wire of €50k!", "CEO fraud: wire of €50k!", "inc-1-ceo-fraud-wire-of-50k", 3},
		{"!!! ???", "!!! ???", "inc-1", 3},
		{"sev9 is a word in this title sev2", "sev9 is a word in this title", "inc-1-sev9-is-a-word-in-this-title", 2},
		{long, long, "inc-1-" + long[:74], 3},
	}
	for _, tc := range cases {
		t.Run(tc.title, func(t *testing.T) {
			h := newHarness(t)
			r := h.cmd("alice", "general", "declare "+tc.text)
			wantContains(t, "reply", r, "Declared INC-1")
			inc := h.incident(1)
			if inc.Title != tc.title || inc.Severity != tc.sev || inc.ChannelName != tc.channel {
				t.Errorf("title %q sev %d channel %q; want %q %d %q", inc.Title, inc.Severity, inc.ChannelName, tc.title, tc.sev, tc.channel)
			}
			if len(inc.ChannelName) > 80 {
				t.Errorf("channel name %d characters", len(inc.ChannelName))
			}
		})
	}
}

func TestDeclareRefusals(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"no title", "declare", "Usage: /incident declare <title> [sev1..sev4]"},
		{"blank title", "declare    ", "Usage: /incident declare <title> [sev1..sev4]"},
		{"only a severity", "declare sev2", "Usage: /incident declare <title> [sev1..sev4]"},
		{"title too long", "declare " + strings.Repeat("a", MaxTitleLen+1), "That title is 121 characters; keep it to 120"},
		{"title too long in runes", "declare " + strings.Repeat("é", MaxTitleLen+1) + " sev1", "That title is 121 characters"},
		{"control character", "declare Bad\x07bell", "control characters"},
		{"escape sequence", "declare \x1b[31mred", "control characters"},
		{"delete", "declare a\x7fb", "control characters"},
		{"invalid UTF-8", "declare \xff\xfe", "not valid UTF-8"},
		{"absurdly long", "declare " + strings.Repeat("a ", MaxTextLen), "too long for one command"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			r := h.cmd("alice", "general", tc.text)
			wantContains(t, "reply", r, tc.want)
			if got := h.incidents(); len(got) != 0 {
				t.Errorf("a refused declare created %d incidents", len(got))
			}
			if h.pending() != 0 || h.flush() != "" {
				t.Error("a refused declare queued or printed something")
			}
		})
	}
}

// TestTopicStaysValidUTF8 pins a fix: a topic over 250 characters was cut by bytes, which
// could split a multi-byte character — invalid UTF-8 for the platform, or (after the outbox's
// JSON) a U+FFFD in the middle of the topic.
func TestTopicStaysValidUTF8(t *testing.T) {
	cfg := config.DefaultConfig()
	for _, r := range []string{"a", "é", "€", "🔥"} {
		inc := &bot.Incident{Number: 1, Title: strings.Repeat(r, MaxTitleLen), Severity: 3, Phase: bot.PhaseIdentification, Status: bot.StatusOpen}
		topic := renderTopic(cfg, inc, "alice", true)
		if !utf8.ValidString(topic) || strings.ContainsRune(topic, utf8.RuneError) {
			t.Errorf("%s: topic is not clean UTF-8: %q", r, topic[len(topic)-20:])
		}
		if n := utf8.RuneCountInString(topic); n > 250 {
			t.Errorf("%s: topic of %d characters", r, n)
		}
	}

	h := newHarness(t)
	h.declare("alice", strings.Repeat("€", MaxTitleLen))
	out := h.flush()
	if !utf8.ValidString(out) || strings.ContainsRune(out, utf8.RuneError) {
		t.Fatalf("console output is not clean UTF-8:\n%q", out)
	}
	topics := 0
	for _, l := range strings.Split(out, "\n") {
		if _, topic, ok := strings.Cut(l, "topic: "); ok {
			topics++
			if !strings.HasPrefix(topic, strings.Repeat("€", MaxTitleLen)+" · sev3 medium") || utf8.RuneCountInString(topic) > 250 {
				t.Errorf("topic %q", topic)
			}
		}
	}
	if topics == 0 {
		t.Error("no topic was set")
	}
}

func TestStatus(t *testing.T) {
	h := newHarness(t)
	ch1 := h.declare("alice", "Phishing wave")
	ch2 := h.declare("bob", "Malware outbreak")

	card := []string{"*INC-1 · Phishing wave*", "Severity: sev3 (medium) · Type: unclassified · Phase: identification", "Commander: alice (acting)",
		"Declared <t:", "Exit criteria: 0 of 7 done · open tasks: 0 · timeline: 2 entries"}
	wantContains(t, "in channel", h.mustSay("alice", ch1, "status", "INC-1"), card...)
	wantContains(t, "outside, named", h.mustSay("alice", "general", "status INC-1", "INC-1"), card...)
	wantContains(t, "outside, bare number", h.mustSay("alice", "general", "status 1", "INC-1"), card...)
	wantContains(t, "a lead, not a member", h.mustSay("dave", "general", "status inc-1", "INC-1"), card...)
	// An incident named explicitly wins over the channel's.
	wantContains(t, "named in another incident's channel", h.mustSay("dave", ch2, "status INC-1", "INC-1"), card...)
	wantNot(t, "named in another incident's channel", h.cmd("dave", ch2, "status INC-1"), "INC-2")

	h.unchanged(1, func() {
		wantContains(t, "outside, unnamed", h.cmd("dave", "general", "status"),
			"/incident status works in an incident's channel (or name one: /incident status INC-n). Open incidents: #inc-2-malware-outbreak, #inc-1-phishing-wave.")
		wantContains(t, "outside, unnamed, a member", h.cmd("alice", "general", "status"), "Open incidents: #inc-1-phishing-wave.")
		wantContains(t, "non-member", h.cmd("carol", "general", "status INC-1"),
			"You are not a member of INC-1. Ask to join with /incident join INC-1.")
		wantContains(t, "non-member in the channel", h.cmd("carol", ch1, "status"), "You are not a member of INC-1.")
		wantContains(t, "unknown", h.cmd("alice", "general", "status INC-9"), "There is no INC-9.")
	})

	h.mustSay("alice", ch1, "close true-positive", "INC-1 is closed")
	h.mustSay("bob", ch2, "close true-positive", "INC-2 is closed")
	inc := h.incident(1)
	wantContains(t, "closed", h.cmd("alice", ch1, "status"), "Phase: closed (true-positive)",
		fmt.Sprintf("Closed as true-positive. Timeline: %d entries, head %s", inc.HeadSeq, inc.HeadHash))
	wantContains(t, "none open", h.cmd("alice", "general", "status"), "There is no open incident that you are in; declare one with /incident declare <title>.")
}

func TestPhase(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "invite @bob", "bob added")

	wantContains(t, "show", h.cmd("bob", ch, "phase"), "INC-1 is in *identification*.", "*Exit criteria for identification*", "[ ] 1. Incident confirmed")

	h.unchanged(1, func() {
		r := h.cmd("alice", ch, "phase next")
		wantContains(t, "next with open criteria", r, "INC-1 cannot leave identification yet: 7 exit criteria are open:",
			"1. Incident confirmed", "7. Notification duties", "/incident phase next --force (recorded on the timeline)")
		wantContains(t, "named, forward, skipping a phase", h.cmd("alice", ch, "phase eradication"),
			"Moving INC-1 from identification to eradication skips containment", "/incident phase eradication --force")
		wantContains(t, "unknown", h.cmd("alice", ch, "phase nonsense"),
			`Unknown phase "nonsense". Phases: identification, containment, eradication, recovery, lessons-learned.`)
		wantContains(t, "closed is not a phase to move to", h.cmd("alice", ch, "phase closed"), `Unknown phase "closed"`)
		wantContains(t, "same phase", h.cmd("alice", ch, "phase identification"), "INC-1 is already in identification.")
		wantContains(t, "two targets", h.cmd("alice", ch, "phase next containment"), "Usage: /incident phase [next [--force] | <name> [--force]]")
		wantContains(t, "only --force", h.cmd("alice", ch, "phase --force"), "Usage: /incident phase")
		wantContains(t, "non-member", h.cmd("carol", ch, "phase next --force"), "You are not a member of INC-1. Ask to join with /incident join INC-1.")
		wantContains(t, "plain member", h.cmd("bob", ch, "phase next --force"),
			"Only the commander (alice, acting), the scribe (none yet) or a lead (dave) can run /incident phase on INC-1.")
	})

	// Forced: goes on, and the timeline names what was skipped.
	h.flush()
	wantContains(t, "forced", h.cmd("alice", ch, "phase next --force"), "INC-1 moved from identification to containment.")
	es := h.entries(1)
	ov, ok := findEntry(es, bot.KindOverride, "")
	if !ok {
		t.Fatalf("no override entry: %v", kinds(es))
	}
	wantContains(t, "override entry", ov.Text, "forced identification → containment with 7 open exit criteria:", "1. Incident confirmed", "; 7. Notification duties")
	if ov.Actor != "alice" || es[len(es)-1].Kind != bot.KindPhase || es[len(es)-1].Text != "identification → containment" {
		t.Errorf("timeline tail %+v / %+v", ov, es[len(es)-1])
	}
	if sp := h.phases(1); len(sp) != 2 || sp[0].Left == nil || sp[1].Phase != bot.PhaseContainment || !sp[1].Forced {
		t.Errorf("phase spans %+v", sp)
	}
	if n := len(h.checklist(1, bot.PhaseContainment)); n != 6 {
		t.Errorf("containment checklist has %d items", n)
	}
	inc := h.incident(1)
	if inc.Phase != bot.PhaseContainment {
		t.Errorf("phase %s", inc.Phase)
	}
	out := channelLines(h.flush(), ch)
	wantContains(t, "channel after phase change", out,
		fmt.Sprintf("Phase changed to containment. Timeline head: entry %d, sha256 %s", inc.HeadSeq, inc.HeadHash),
		"*Exit criteria for containment*", "(edited) warroom: *INC-1 · Phishing wave*", "Phase: containment", "topic: Phishing wave · sev3 medium · containment")

	// With every criterion ticked, next needs no force and leaves no override.
	h.tickAll("bob", ch, 1)
	before := len(h.entries(1))
	wantContains(t, "next, all ticked", h.cmd("alice", ch, "phase next"), "INC-1 moved from containment to eradication.")
	if got := kinds(h.entries(1)[before:]); !slices.Equal(got, []string{bot.KindPhase}) {
		t.Errorf("entries added by an unforced move: %v", got)
	}
	if sp := h.phases(1); sp[len(sp)-1].Forced {
		t.Error("an unforced move is recorded as forced")
	}

	// Backwards needs no criteria; a named phase and the short form work.
	wantContains(t, "backwards", h.cmd("alice", ch, "phase containment"), "INC-1 moved from eradication to containment.")
	wantContains(t, "named forward, criteria ticked", h.cmd("alice", ch, "phase eradication"), "moved from containment to eradication")

	// A lead may move any incident without being a member.
	if slices.Contains(h.members(1), "dave") {
		t.Fatal("dave should not be a member yet")
	}
	wantContains(t, "lead", h.cmd("dave", ch, "phase lessons --force"), "INC-1 moved from eradication to lessons-learned.")
	if ov, ok := findEntry(h.entries(1), bot.KindOverride, "eradication → lessons-learned, skipping recovery"); !ok || ov.Actor != "dave" {
		t.Errorf("override by the lead: %+v %v", ov, ok)
	}

	// The scribe may too.
	h.mustSay("alice", ch, "role scribe @bob", "bob is scribe")
	h.unchanged(1, func() {
		wantContains(t, "next from the last phase", h.cmd("bob", ch, "phase next"),
			"INC-1 is in lessons-learned, the last phase: close it with /incident close")
	})
	wantContains(t, "scribe", h.cmd("bob", ch, "phase recovery"), "moved from lessons-learned to recovery")
	h.verify(1)
}

func TestPhasePostsTheHeadOnEveryChange(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	for _, p := range bot.IncidentPhases[1:] {
		h.tickAll("alice", ch, 1)
		h.flush()
		h.mustSay("alice", ch, "phase next", "moved")
		inc := h.incident(1)
		if inc.Phase != p {
			t.Fatalf("phase %s, want %s", inc.Phase, p)
		}
		wantContains(t, string(p), h.flush(), fmt.Sprintf("Phase changed to %s. Timeline head: entry %d, sha256 %s", p, inc.HeadSeq, inc.HeadHash))
	}
}

func TestSev(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "invite @bob", "added")
	h.flush()

	wantContains(t, "ok", h.cmd("alice", ch, "sev 1"), "INC-1 is now sev1 (critical).")
	if inc := h.incident(1); inc.Severity != 1 {
		t.Errorf("severity %d", inc.Severity)
	}
	if e := h.last(1); e.Kind != bot.KindSeverity || e.Text != "sev3 → sev1 (critical)" || e.Actor != "alice" {
		t.Errorf("entry %+v", e)
	}
	wantContains(t, "channel", channelLines(h.flush(), ch), "alice changed severity from sev3 (medium) to sev1 (critical).", "topic: Phishing wave · sev1 critical")
	wantContains(t, "sevN form", h.cmd("dave", ch, "sev sev2"), "INC-1 is now sev2 (high).")

	h.unchanged(1, func() {
		wantContains(t, "bad value", h.cmd("alice", ch, "sev 5"), `Unknown severity "5". Severities: 1 (critical), 2 (high), 3 (medium), 4 (low).`)
		wantContains(t, "words", h.cmd("alice", ch, "sev high"), `Unknown severity "high"`)
		wantContains(t, "missing", h.cmd("alice", ch, "sev"), "Usage: /incident sev <1-4>")
		wantContains(t, "two values", h.cmd("alice", ch, "sev 1 2"), "Usage: /incident sev <1-4>")
		wantContains(t, "same", h.cmd("alice", ch, "sev 2"), "INC-1 is already sev2 (high).")
		wantContains(t, "plain member", h.cmd("bob", ch, "sev 1"), "Only the commander (alice, acting), the scribe (none yet) or a lead (dave) can run /incident sev on INC-1.")
		wantContains(t, "outside", h.cmd("alice", "general", "sev 1"), "/incident sev works in an incident's channel. Open incidents: #inc-1-phishing-wave.")
	})
}

func TestType(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "invite @bob", "added")

	wantContains(t, "ok by a plain member", h.cmd("bob", ch, "type phishing"), "INC-1 classified as phishing.")
	if e := h.last(1); e.Kind != bot.KindType || e.Text != "classified as phishing" || e.Actor != "bob" {
		t.Errorf("entry %+v", e)
	}
	wantContains(t, "reclassify", h.cmd("alice", ch, "type Account-Compromise"), "INC-1 reclassified from phishing to account-compromise.")
	if inc := h.incident(1); inc.Type != "account-compromise" {
		t.Errorf("type %q", inc.Type)
	}
	wantContains(t, "card", h.flush(), "Type: account-compromise")

	types := "Types: phishing, malware, ransomware, account-compromise, data-breach, ddos, insider, other."
	h.unchanged(1, func() {
		wantContains(t, "unknown", h.cmd("alice", ch, "type banana"), `Unknown type "banana". `+types)
		wantContains(t, "missing", h.cmd("alice", ch, "type"), "Usage: /incident type <type>. "+types)
		wantContains(t, "same", h.cmd("alice", ch, "type account-compromise"), "INC-1 is already classified as account-compromise.")
		wantContains(t, "non-member", h.cmd("carol", ch, "type malware"), "You are not a member of INC-1.")
	})
}

func TestClose(t *testing.T) {
	t.Run("default true-positive", func(t *testing.T) {
		h := newHarness(t)
		ch := h.declare("alice", "Phishing wave")
		h.mustSay("alice", ch, "phase next --force", "moved")
		h.flush()
		wantContains(t, "reply", h.cmd("alice", ch, "close true-positive"), "INC-1 is closed (true-positive).")
		inc := h.incident(1)
		if inc.Status != bot.StatusClosed || inc.Phase != bot.PhaseClosed || inc.ClosedFrom != bot.PhaseContainment ||
			inc.CloseClass != bot.ClassTruePositive || inc.Resolution != "" || inc.ClosedAt == nil || !inc.ClosedAt.Equal(t0) || inc.DuplicateOf != 0 {
			t.Errorf("closed incident %+v", inc)
		}
		if e := h.lastOf(1, bot.KindClose); e.Text != "closed as true-positive from containment" {
			t.Errorf("entry %+v", e)
		}
		if sp := h.phases(1); sp[len(sp)-1].Left == nil {
			t.Error("the last phase span was not ended")
		}
		out := channelLines(h.flush(), ch)
		wantContains(t, "channel", out, "✅ INC-1 closed as true-positive from containment.",
			fmt.Sprintf("INC-1 closed. Timeline head: entry %d, sha256 %s", inc.HeadSeq, inc.HeadHash),
			"Phase: closed (true-positive)", "topic: Phishing wave · sev3 medium · closed")
		wantNot(t, "channel", out, "channel archived")
		h.verify(1)
	})

	classes := []struct{ text, class, resolution string }{
		{"false-positive Test alert from the red team", bot.ClassFalsePositive, "Test alert from the red team"},
		{"fp", bot.ClassFalsePositive, ""},
		{"tp Passwords reset", bot.ClassTruePositive, "Passwords reset"},
		{"benign Scheduled scan", bot.ClassBenign, "Scheduled scan"},
	}
	for _, tc := range classes {
		t.Run(tc.text, func(t *testing.T) {
			h := newHarness(t)
			ch := h.declare("alice", "Phishing wave")
			wantContains(t, "reply", h.cmd("alice", ch, "close "+tc.text), "INC-1 is closed ("+tc.class+").")
			inc := h.incident(1)
			if inc.CloseClass != tc.class || inc.Resolution != tc.resolution {
				t.Errorf("class %q resolution %q", inc.CloseClass, inc.Resolution)
			}
			want := "closed as " + tc.class + " from identification"
			if tc.resolution != "" {
				want += ": " + tc.resolution
			}
			if e := h.lastOf(1, bot.KindClose); e.Text != want {
				t.Errorf("entry %q, want %q", e.Text, want)
			}
		})
	}

	t.Run("duplicate", func(t *testing.T) {
		h := newHarness(t)
		h.declare("alice", "Phishing wave")
		ch2 := h.declare("alice", "Phishing wave again")
		h.unchanged(2, func() {
			wantContains(t, "no id", h.cmd("alice", ch2, "close duplicate"), "Usage: /incident close duplicate INC-n [resolution]")
			wantContains(t, "bad id", h.cmd("alice", ch2, "close duplicate banana"), `"banana" is not an incident id`)
			wantContains(t, "unknown", h.cmd("alice", ch2, "close duplicate INC-9"), "There is no INC-9.")
			wantContains(t, "self", h.cmd("alice", ch2, "close duplicate INC-2"), "An incident cannot be a duplicate of itself.")
		})
		wantContains(t, "ok", h.cmd("alice", ch2, "close duplicate INC-1 same campaign"), "INC-2 is closed (duplicate).")
		inc := h.incident(2)
		if inc.DuplicateOf != 1 || inc.CloseClass != bot.ClassDuplicate || inc.Resolution != "same campaign" {
			t.Errorf("INC-2 %+v", inc)
		}
		if !slices.Equal(h.links(2), []int64{1}) || !slices.Equal(h.links(1), []int64{2}) {
			t.Errorf("links %v / %v", h.links(2), h.links(1))
		}
		if e := h.lastOf(2, bot.KindClose); e.Text != "closed as duplicate from identification (duplicate of INC-1): same campaign" {
			t.Errorf("entry %q", e.Text)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		h := newHarness(t)
		ch := h.declare("alice", "Phishing wave")
		h.mustSay("alice", ch, "invite @bob", "added")
		h.unchanged(1, func() {
			wantContains(t, "plain member", h.cmd("bob", ch, "close"), "Only the commander (alice, acting), the scribe (none yet) or a lead (dave) can run /incident close on INC-1.")
			wantContains(t, "outside", h.cmd("alice", "general", "close"), "/incident close works in an incident's channel.")
		})
	})

	t.Run("archive on close", func(t *testing.T) {
		h := newHarness(t, withYAML("channels: {archive_on_close: true}"))
		ch := h.declare("alice", "Phishing wave")
		h.flush()
		h.mustSay("alice", ch, "close true-positive", "closed")
		wantContains(t, "console", h.flush(), "[#inc-1-phishing-wave] * channel archived")
	})
}

func TestClosedIncidentRefusesChanges(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "task add Reset passwords", "Task 1 added")
	h.mustSay("alice", ch, "close true-positive", "closed")

	hint := "INC-1 is closed; reopen it first with /incident reopen (commander, scribe or a lead)."
	h.unchanged(1, func() {
		for _, verb := range []string{"note hello", "update all fine", "phase next", "phase", "sev 1", "type malware", "close",
			"role analyst me", "invite @bob", "task add more", "task done 1", "check 1"} {
			wantContains(t, verb, h.cmd("alice", ch, verb), hint)
		}
	})
	// Reading and reflecting still work on a closed incident.
	for verb, want := range map[string]string{
		"status": "Closed as true-positive", "roles": "Roles on INC-1:", "tasks": "1. Reset passwords",
		"checklist": "*Exit criteria for identification*", "lesson good Fast triage": "Lesson (good) recorded on INC-1",
	} {
		wantContains(t, verb, h.cmd("alice", ch, verb), want)
	}
	h.verify(1)
}

func TestReopen(t *testing.T) {
	h := newHarness(t)
	h.declare("alice", "Phishing wave")
	ch := h.declare("alice", "Phishing wave again")
	h.mustSay("alice", ch, "invite @bob", "added")
	h.mustSay("alice", ch, "phase next --force", "moved")
	h.mustSay("alice", ch, "check 2", "Ticked 2.")

	h.unchanged(2, func() {
		wantContains(t, "open", h.cmd("alice", ch, "reopen"), "INC-2 is open.")
	})
	h.mustSay("alice", ch, "close duplicate INC-1", "closed (duplicate)")
	h.unchanged(2, func() {
		wantContains(t, "plain member", h.cmd("bob", ch, "reopen"), "Only the commander (alice, acting)")
	})
	h.flush()
	wantContains(t, "reopen", h.cmd("alice", ch, "reopen"), "INC-2 is open again, in containment.")
	inc := h.incident(2)
	if inc.Status != bot.StatusOpen || inc.Phase != bot.PhaseContainment || inc.ReportVersion != 2 || inc.ClosedAt != nil {
		t.Errorf("reopened %+v", inc)
	}
	if e := h.lastOf(2, bot.KindReopen); e.Text != "reopened in containment (report version 2)" {
		t.Errorf("entry %+v", e)
	}
	wantContains(t, "channel", channelLines(h.flush(), ch), "alice reopened INC-2; it is back in containment.", "Phase: containment")
	// The ticks survive the round trip.
	if items := h.checklist(2, bot.PhaseContainment); items[1].CheckedAt == nil {
		t.Error("criterion 2 lost its tick")
	}
	if sp := h.phases(2); sp[len(sp)-1].Phase != bot.PhaseContainment || sp[len(sp)-1].Left != nil {
		t.Errorf("phase spans %+v", sp)
	}
	h.mustSay("alice", ch, "note back at it", "Noted")

	// Closed again, not as a duplicate: the old duplicate mark must not stick.
	h.mustSay("alice", ch, "close tp", "closed (true-positive)")
	inc = h.incident(2)
	if inc.DuplicateOf != 0 || inc.CloseClass != bot.ClassTruePositive {
		t.Errorf("re-closed as true-positive but duplicate_of=%d class=%s", inc.DuplicateOf, inc.CloseClass)
	}
	if e := h.lastOf(2, bot.KindClose); e.Text != "closed as true-positive from containment" {
		t.Errorf("close entry %q", e.Text)
	}
	h.mustSay("dave", ch, "reopen", "open again, in containment")
	if v := h.incident(2).ReportVersion; v != 3 {
		t.Errorf("report version %d after the second reopen", v)
	}
	h.verify(2)
}

func TestLink(t *testing.T) {
	h := newHarness(t)
	ch1 := h.declare("alice", "Phishing wave")
	ch2 := h.declare("alice", "Odd logins")

	wantContains(t, "ok", h.cmd("alice", ch2, "link INC-1"), "INC-2 is now linked to INC-1 (Phishing wave).")
	if e := h.last(2); e.Kind != bot.KindLink || e.Text != "linked to INC-1" || e.Actor != "alice" {
		t.Errorf("INC-2 entry %+v", e)
	}
	if e := h.last(1); e.Kind != bot.KindLink || e.Text != "linked to INC-2" || e.Actor != "alice" {
		t.Errorf("INC-1 entry %+v", e)
	}
	if !slices.Equal(h.links(1), []int64{2}) || !slices.Equal(h.links(2), []int64{1}) {
		t.Errorf("links %v %v", h.links(1), h.links(2))
	}
	h.unchanged(1, func() {
		h.unchanged(2, func() {
			wantContains(t, "self", h.cmd("alice", ch2, "link INC-2"), "An incident cannot be linked to itself.")
			wantContains(t, "unknown", h.cmd("alice", ch2, "link INC-9"), "There is no INC-9.")
			wantContains(t, "bad id", h.cmd("alice", ch2, "link banana"), `"banana" is not an incident id`)
			wantContains(t, "missing", h.cmd("alice", ch2, "link"), "Usage: /incident link INC-n")
			wantContains(t, "already", h.cmd("alice", ch2, "link 1"), "INC-2 and INC-1 are already linked.")
			wantContains(t, "already, other way", h.cmd("alice", ch1, "link #2"), "INC-1 and INC-2 are already linked.")
			wantContains(t, "non-member", h.cmd("bob", ch2, "link INC-1"), "You are not a member of INC-2.")
		})
	})
	h.verify(1)
	h.verify(2)
}

func TestList(t *testing.T) {
	h := newHarness(t)
	wantContains(t, "empty", h.cmd("carol", "general", "list"), "No open incidents that you are in.")
	h.declare("alice", "Phishing wave")
	ch2 := h.declare("bob", "Odd logins sev2")
	ch3 := h.declare("alice", "Printer on fire")
	h.mustSay("bob", ch2, "role commander @carol", "carol is commander")
	h.mustSay("alice", ch3, "close benign", "closed")

	// Each sees the incidents they are in; a lead sees all.
	r := h.cmd("dave", "general", "list")
	wantContains(t, "list", r, "Open incidents:",
		"• INC-1 Phishing wave · sev3 · identification · commander alice (acting) · #inc-1-phishing-wave",
		"• INC-2 Odd logins · sev2 · identification · commander carol · #inc-2-odd-logins")
	wantNot(t, "list", r, "INC-3")
	r = h.cmd("carol", "general", "list")
	wantContains(t, "a member's list", r, "• INC-2 Odd logins")
	wantNot(t, "a member's list", r, "INC-1", "Phishing")
	wantContains(t, "in an incident channel", h.cmd("bob", ch2, "list"), "• INC-2")
	wantNot(t, "in an incident channel", h.cmd("bob", ch2, "list"), "• INC-1")
}

func TestHelp(t *testing.T) {
	h := newHarness(t)
	full := h.cmd("carol", "general", "help")
	if !strings.HasPrefix(full, "Usage: /incident <verb> …") {
		t.Errorf("help starts %q", full[:min(len(full), 40)])
	}
	for _, v := range h.eng.Verbs() {
		wantContains(t, "help", full, v.usage())
	}
	wantContains(t, "help", full, "close <true-positive|false-positive|benign|duplicate INC-n> [resolution] † —", "/page and /oncall", "React 🚨")
	if r := h.cmd("carol", "general", ""); r != full {
		t.Errorf("/incident alone:\n%s", r)
	}
	if r := h.do("console", "carol", "general", "/inc help"); r != full {
		t.Errorf("/inc help:\n%s", r)
	}

	cases := []struct{ text, want, not string }{
		{"help close", "/incident close <true-positive|false-positive|benign|duplicate INC-n> [resolution] — close the incident with its class and resolution\n(commander, acting commander, scribe or a lead only)", ""},
		{"help note", "/incident note [--tlp <level>] <text> — add a note to the timeline", "commander"},
		{"HELP Declare", "/incident declare <title> [sev1..sev4] — declare an incident", ""},
		{"help task", "/incident task add <text> [@owner] [due <duration>] — add an action item", ""},
		{"help task done", "/incident task done <n> — mark a task done", ""},
		{"help nope", `No verb "nope". Try /incident help.`, ""},
		{"frobnicate now", `Unknown verb "frobnicate". Usage: /incident <verb> …`, ""},
		{"task", "Usage: /incident task add <text> [@owner] [due <duration>] · /incident task done <n> · /incident tasks", ""},
		{"task frob", "Usage: /incident task add <text> [@owner] [due <duration>] · /incident task done <n>", ""},
	}
	for _, tc := range cases {
		r := h.cmd("carol", "general", tc.text)
		wantContains(t, tc.text, r, tc.want)
		if tc.not != "" {
			wantNot(t, tc.text, r, tc.not)
		}
	}
	wantContains(t, "unknown command", h.do("console", "carol", "general", "/foo bar"), "warroom knows /incident, /page and /oncall, not /foo.")
}
