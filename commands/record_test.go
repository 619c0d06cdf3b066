package commands

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func TestNote(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.flush()
	wantContains(t, "ok", h.cmd("alice", ch, "note Saw the mail at 08:40 <b>&"), "Noted on INC-1")
	if e := h.last(1); e.Kind != bot.KindNote || e.Actor != "alice" || e.Text != "Saw the mail at 08:40 <b>&" || e.Seq != 3 {
		t.Errorf("entry %+v", e)
	}
	wantContains(t, "channel", h.flush(), "[#inc-1-phishing-wave 4] warroom: 📝 alice: Saw the mail at 08:40 <b>&")

	h.mustSay("alice", ch, "note first line\nsecond line", "Noted")
	if e := h.last(1); e.Text != "first line\nsecond line" {
		t.Errorf("multi-line note %q", e.Text)
	}
	wantContains(t, "continuation", h.flush(), "📝 alice: first line\n  second line\n")

	h.unchanged(1, func() {
		wantContains(t, "empty", h.cmd("alice", ch, "note"), "Usage: /incident note [--tlp <level>] <text>")
		wantContains(t, "blank", h.cmd("alice", ch, "note    "), "Usage: /incident note [--tlp <level>] <text>")
		wantContains(t, "non-member", h.cmd("bob", ch, "note hi"), "You are not a member of INC-1.")
		wantContains(t, "outside", h.cmd("alice", "general", "note hi"), "/incident note works in an incident's channel. Open incidents: #inc-1-phishing-wave.")
		wantContains(t, "control characters", h.cmd("alice", ch, "note \x1b]0;owned\x07"), "control characters")
	})
	h.verify(1)
}

func TestUpdate(t *testing.T) {
	t.Run("announce channel gets a sanitised line", func(t *testing.T) {
		h := newHarness(t, withYAML(`channels: {announce: "#security-status"}`))
		ch := h.declare("alice", "Phishing wave at ACME payroll")
		h.flush()
		wantContains(t, "ok", h.cmd("alice", ch, "update Contained: payroll mailbox purged"), "Status update posted on INC-1")
		if e := h.last(1); e.Kind != bot.KindUpdate || e.Text != "Contained: payroll mailbox purged" {
			t.Errorf("entry %+v", e)
		}
		out := h.flush()
		wantContains(t, "incident channel", channelLines(out, ch), "warroom: *Status update* from alice: Contained: payroll mailbox purged")
		announce := channelLines(out, "security-status")
		want := "[#security-status 1] warroom: TLP:GREEN · INC-1 · sev3 (medium) · phase identification · updated 2026-03-02 09:00 UTC · next update by 2026-03-02 13:00 UTC\n"
		if announce != want {
			t.Errorf("announce channel:\n%s\nwant:\n%s", announce, want)
		}
		wantNot(t, "announce", announce, "Phishing", "payroll", "ACME", "Contained", "phishing-wave", "alice")
	})

	t.Run("codename naming", func(t *testing.T) {
		h := newHarness(t, withYAML(`channels: {announce: "#security-status", naming: codename}`))
		ch := h.declare("alice", "Phishing wave at ACME payroll")
		if strings.Contains(ch, "phishing") || !strings.HasPrefix(ch, "inc-1-") {
			t.Errorf("codename channel %q", ch)
		}
		h.flush()
		h.mustSay("alice", ch, "update sev raised", "Status update posted")
		announce := channelLines(h.flush(), "security-status")
		wantContains(t, "announce", announce, "warroom: TLP:GREEN · "+ch+" · sev3 (medium) · phase identification")
		wantNot(t, "announce", announce, "INC-1", "Phishing", "payroll")
	})

	t.Run("no announce channel", func(t *testing.T) {
		h := newHarness(t)
		ch := h.declare("alice", "Phishing wave")
		h.flush()
		h.mustSay("alice", ch, "update all quiet", "Status update posted")
		out := h.flush()
		wantNot(t, "console", out, "security-status")
		wantContains(t, "console", out, "*Status update* from alice: all quiet")
		h.unchanged(1, func() {
			wantContains(t, "empty", h.cmd("alice", ch, "update"), "Usage: /incident update [--tlp <level>] <text>")
		})
	})
}

func TestTaskAdd(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.flush()

	wantContains(t, "owner then due", h.cmd("alice", ch, "task add Reset passwords @bob due 2h"), "Task 1 added to INC-1")
	wantContains(t, "due then owner", h.cmd("alice", ch, "task add Block the sender due 30m @Carol"), "Task 2 added to INC-1")
	wantContains(t, "plain", h.cmd("alice", ch, "task add Write the summary"), "Task 3 added to INC-1")
	wantContains(t, "ends in me", h.cmd("alice", ch, "task add Send the headers to me"), "Task 4 added to INC-1")
	wantContains(t, "days", h.cmd("alice", ch, "TASK ADD Review mail rules due 1d"), "Task 5 added to INC-1")

	tasks := h.tasks(1)
	want := []struct {
		text, owner string
		due         time.Duration
	}{
		{"Reset passwords", "bob", 2 * time.Hour},
		{"Block the sender", "carol", 30 * time.Minute},
		{"Write the summary", "", 0},
		{"Send the headers to me", "", 0},
		{"Review mail rules", "", 24 * time.Hour},
	}
	if len(tasks) != len(want) {
		t.Fatalf("%d tasks", len(tasks))
	}
	for i, w := range want {
		tk := tasks[i]
		if tk.N != int64(i+1) || tk.Text != w.text || tk.Owner != w.owner || tk.CreatedBy != "alice" || !tk.CreatedAt.Equal(t0) || tk.DoneAt != nil {
			t.Errorf("task %d: %+v", i+1, tk)
		}
		switch {
		case w.due == 0 && tk.Due != nil:
			t.Errorf("task %d has a due date", i+1)
		case w.due != 0 && (tk.Due == nil || !tk.Due.Equal(t0.Add(w.due))):
			t.Errorf("task %d due %v, want %v", i+1, tk.Due, t0.Add(w.due))
		}
	}
	// Owners are brought into the incident.
	if m := h.members(1); !slices.Equal(m, []string{"alice", "bob", "carol"}) {
		t.Errorf("members %v", m)
	}
	es := h.entries(1)
	if e, ok := findEntry(es, bot.KindTask, "task 1"); !ok || e.Text != "added task 1 (owner bob), due 2026-03-02T11:00:00.000000000Z: Reset passwords" {
		t.Errorf("entry %+v", e)
	}
	out := h.flush()
	wantContains(t, "channel", out, "warroom: alice added task 1: Reset passwords (owner bob), due 2026-03-02 11:00 UTC",
		"* bob added to the channel", "* carol added to the channel")

	h.unchanged(1, func() {
		wantContains(t, "bad duration", h.cmd("alice", ch, "task add Rotate keys due soon"), `cannot read "soon" as a due duration`)
		wantContains(t, "negative duration", h.cmd("alice", ch, "task add Rotate keys due -1h"), `cannot read "-1h"`)
		wantContains(t, "empty", h.cmd("alice", ch, "task add"), "Usage: /incident task add <text> [@owner] [due <duration>]")
		wantContains(t, "only a due date", h.cmd("alice", ch, "task add due 2h"), "Usage: /incident task add")
		wantContains(t, "bad owner", h.cmd("alice", ch, "task add Fix it @no!body"), "Unknown user @no!body")
		wantContains(t, "non-member", h.cmd("dave", "general", "task add x"), "/incident task add works in an incident's channel.")
	})
	h.verify(1)
}

func TestTaskDoneAndTasks(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	wantContains(t, "none", h.cmd("alice", ch, "tasks"), "INC-1 has no tasks; add one with /incident task add <text> [@owner] [due <duration>].")
	h.mustSay("alice", ch, "task add Reset passwords @bob due 2h", "Task 1")
	h.mustSay("alice", ch, "task add Review mail rules due 1d", "Task 2")
	h.mustSay("alice", ch, "task add Write the summary", "Task 3")

	r := h.cmd("bob", ch, "tasks")
	wantContains(t, "tasks", r, "Tasks on INC-1:", "[ ] 1. Reset passwords — bob, due "+bot.ChatTime(t0.Add(2*time.Hour)).String(), "[ ] 2. Review mail rules, due ", "[ ] 3. Write the summary")
	wantNot(t, "tasks before the deadline", r, "OVERDUE")

	h.clock.Advance(3 * time.Hour)
	r = h.cmd("bob", "general", "tasks INC-1")
	wantContains(t, "overdue", r, "[ ] 1. Reset passwords — bob, due "+bot.ChatTime(t0.Add(2*time.Hour)).String()+" (OVERDUE)")
	if strings.Count(r, "OVERDUE") != 1 {
		t.Errorf("only task 1 is overdue:\n%s", r)
	}

	h.flush()
	wantContains(t, "done", h.cmd("bob", ch, "task done 1"), "Task 1 done")
	tk := h.tasks(1)[0]
	if tk.DoneBy != "bob" || tk.DoneAt == nil || !tk.DoneAt.Equal(t0.Add(3*time.Hour)) {
		t.Errorf("task %+v", tk)
	}
	if e := h.last(1); e.Kind != bot.KindTask || e.Text != "done task 1: Reset passwords" || e.Actor != "bob" {
		t.Errorf("entry %+v", e)
	}
	wantContains(t, "channel", h.flush(), "warroom: bob finished task 1: Reset passwords")
	r = h.cmd("bob", ch, "tasks")
	wantContains(t, "tasks after done", r, "[x] 1. Reset passwords — bob\n")
	wantNot(t, "tasks after done", r, "OVERDUE")

	h.unchanged(1, func() {
		wantContains(t, "already", h.cmd("alice", ch, "task done 1"), "Task 1 was already done by bob.")
		wantContains(t, "unknown", h.cmd("alice", ch, "task done 9"), "INC-1 has no task 9; see /incident tasks.")
		for _, bad := range []string{"task done", "task done one", "task done 0", "task done -1", "task done 1 2"} {
			wantContains(t, bad, h.cmd("alice", ch, bad), "Usage: /incident task done <n>")
		}
		wantContains(t, "non-member", h.cmd("carol", ch, "task done 2"), "You are not a member of INC-1.")
	})
	h.verify(1)
}

func TestChecklistAndCheck(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "invite @bob", "added")

	r := h.cmd("bob", ch, "checklist")
	if !strings.HasPrefix(r, "*Exit criteria for identification* (tick with /incident check <n>):\n[ ] 1. Incident confirmed") || strings.Count(r, "[ ]") != 7 {
		t.Errorf("checklist:\n%s", r)
	}
	wantContains(t, "outside", h.cmd("bob", "general", "checklist INC-1"), "*Exit criteria for identification*")

	wantContains(t, "check", h.cmd("bob", ch, "check 1"), "Ticked 1. Incident confirmed", "(6 left in identification).")
	it := h.checklist(1, bot.PhaseIdentification)[0]
	if it.CheckedBy != "bob" || it.CheckedAt == nil || !it.CheckedAt.Equal(t0) {
		t.Errorf("item %+v", it)
	}
	if e := h.last(1); e.Kind != bot.KindCheck || !strings.HasPrefix(e.Text, "identification criterion 1 done: Incident confirmed") || e.Actor != "bob" {
		t.Errorf("entry %+v", e)
	}
	wantContains(t, "ticked in the list", h.cmd("alice", ch, "checklist"), "[x] 1. Incident confirmed", " — bob\n[ ] 2.")

	h.unchanged(1, func() {
		wantContains(t, "already", h.cmd("alice", ch, "check 1"), "Criterion 1 was already ticked by bob.")
		wantContains(t, "unknown", h.cmd("alice", ch, "check 99"), "INC-1 has no exit criterion 99 in identification; see /incident checklist.")
		for _, bad := range []string{"check", "check one", "check 0", "check -2", "check 1 2"} {
			wantContains(t, bad, h.cmd("alice", ch, bad), "Usage: /incident check <n>")
		}
		wantContains(t, "non-member", h.cmd("carol", ch, "check 2"), "You are not a member of INC-1.")
	})

	for n := 2; n <= 6; n++ {
		r := h.cmd("bob", ch, fmt.Sprintf("check %d", n))
		wantNot(t, "not all yet", r, "All exit criteria")
	}
	wantContains(t, "last", h.cmd("bob", ch, "check 7"), "(0 left in identification).\nAll exit criteria of identification are met: move on with /incident phase next.")

	// Each phase has its own list; a closed incident shows the one it closed from.
	h.mustSay("alice", ch, "phase next", "moved")
	wantContains(t, "containment list", h.cmd("bob", ch, "checklist"), "*Exit criteria for containment*", "[ ] 1. Short-term containment")
	h.mustSay("alice", ch, "check 1", "Ticked 1.")
	h.mustSay("alice", ch, "close true-positive", "closed")
	wantContains(t, "closed", h.cmd("bob", ch, "checklist"), "*Exit criteria for containment*", "[x] 1. Short-term containment")
	h.verify(1)
}

func TestLesson(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	for _, tc := range []struct{ text, kind, body string }{
		{"lesson good Triage took five minutes", "good", "Triage took five minutes"},
		{"lesson bad Nobody knew the mail admin's number", "bad", "Nobody knew the mail admin's number"},
		{"lesson IDEA Add a purge playbook", "idea", "Add a purge playbook"},
	} {
		wantContains(t, tc.text, h.cmd("alice", ch, tc.text), "Lesson ("+tc.kind+") recorded on INC-1 as entry ")
		if e := h.last(1); e.Kind != bot.KindLesson || e.Text != tc.kind+": "+tc.body {
			t.Errorf("entry %+v", e)
		}
	}
	ls := h.lessons(1)
	if len(ls) != 3 || ls[0].Kind != "good" || ls[1].Kind != "bad" || ls[2].Kind != "idea" || ls[2].Text != "Add a purge playbook" || ls[0].Author != "alice" {
		t.Errorf("lessons %+v", ls)
	}
	h.unchanged(1, func() {
		wantContains(t, "bad kind", h.cmd("alice", ch, "lesson meh It was fine"), `Unknown lesson kind "meh": use good, bad or idea.`)
		wantContains(t, "no text", h.cmd("alice", ch, "lesson good"), "Usage: /incident lesson <good|bad|idea> <text>")
		wantContains(t, "nothing", h.cmd("alice", ch, "lesson"), "Usage: /incident lesson <good|bad|idea> <text>")
		wantContains(t, "non-member", h.cmd("bob", ch, "lesson good x"), "You are not a member of INC-1.")
	})
	if len(h.lessons(1)) != 3 {
		t.Error("a refused lesson was stored")
	}
}

func TestRedact(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "invite @bob", "added")
	h.mustSay("bob", ch, "note the admin password is hunter2", "Noted")
	secret := h.last(1)
	h.mustSay("bob", ch, "note ok, rotating it", "Noted")

	h.unchanged(1, func() {
		wantContains(t, "plain member", h.cmd("bob", ch, fmt.Sprintf("redact %d pasted a password", secret.Seq)),
			"Only the commander (alice, acting), the scribe (none yet) or a lead (dave) can run /incident redact on INC-1.")
		wantContains(t, "unknown seq", h.cmd("alice", ch, "redact 99 oops"), "INC-1 has no timeline entry 99.")
		for _, bad := range []string{"redact", fmt.Sprintf("redact %d", secret.Seq), "redact 0 reason", "redact -1 reason"} {
			wantContains(t, bad, h.cmd("alice", ch, bad), "Usage: /incident redact <seq|last|run N|message link> <reason>")
		}
		wantContains(t, "no such message", h.cmd("alice", ch, "redact four reason"), `No entry of INC-1 records the message "four"`)
	})
	if e := h.entries(1)[secret.Seq-1]; e.Redacted || e.Text == "" {
		t.Fatal("a refused redaction changed the entry")
	}

	h.flush()
	wantContains(t, "ok", h.cmd("alice", ch, fmt.Sprintf("redact %d pasted a password", secret.Seq)),
		fmt.Sprintf("Entry %d of INC-1 redacted (recorded as entry %d); its digest stays, so the timeline still verifies.", secret.Seq, secret.Seq+2))
	es := h.entries(1)
	got := es[secret.Seq-1]
	if !got.Redacted || got.Text != "" || got.Digest != secret.Digest || got.Hash != secret.Hash || got.Actor != secret.Actor {
		t.Errorf("redacted entry %+v (was %+v)", got, secret)
	}
	red := es[len(es)-1]
	if red.Kind != bot.KindRedaction || red.Text != fmt.Sprintf("redacted entry %d: pasted a password", secret.Seq) || red.Actor != "alice" {
		t.Errorf("redaction entry %+v", red)
	}
	for _, e := range es {
		if strings.Contains(e.Text, "hunter2") {
			t.Errorf("entry %d still holds the secret", e.Seq)
		}
	}
	wantContains(t, "channel", h.flush(), fmt.Sprintf("warroom: alice redacted timeline entry %d: pasted a password", secret.Seq))
	h.verify(1)

	h.unchanged(1, func() {
		wantContains(t, "twice", h.cmd("alice", ch, fmt.Sprintf("redact %d again", secret.Seq)), fmt.Sprintf("Entry %d is already redacted.", secret.Seq))
		wantContains(t, "a redaction", h.cmd("alice", ch, fmt.Sprintf("redact %d hide it", red.Seq)),
			fmt.Sprintf("Entry %d records a redaction; it cannot itself be redacted.", red.Seq))
	})
	// A closed incident can still be redacted, by a lead too.
	h.mustSay("alice", ch, "close true-positive", "closed")
	wantContains(t, "closed, lead", h.cmd("dave", ch, fmt.Sprintf("redact %d not needed", secret.Seq+1)), "redacted")
	h.verify(1)
}

// Every reply that records something names the entry, so that it can be redacted or cited.
func TestRepliesNameTheirEntry(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	for _, c := range []struct{ cmd, want string }{
		{"sev 1", "Recorded on INC-1 as entry 3."},
		{"type phishing", "Recorded on INC-1 as entry 4."},
		{"lesson good fast", "recorded on INC-1 as entry 5."},
		{"check 1", "Recorded on INC-1 as entry 6."},
		{"note hello", "Noted on INC-1 as entry 7."},
		{"redact last not needed", "(recorded as entry 8)"},
	} {
		wantContains(t, c.cmd, h.cmd("alice", ch, c.cmd), c.want)
	}
	if r := h.cmd("alice", ch, "tasks"); strings.Contains(r, "Recorded on") {
		t.Errorf("a read-only verb claims to record: %q", r)
	}
}
