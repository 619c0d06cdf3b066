package commands

// The holes of issue 12, each tried as the person who would try it: a member with no role,
// a non-member, a removed member. Every one of these passed on the code before the policy.

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// holesOnCall: secops has bob on call (so a page bob sends to secops notifies bob himself)
// and a second team, netops, with carol on call.
const holesOnCall = `oncall:
  teams:
    secops:
      rotations:
        - {name: primary, members: [bob], length: 1w, handoff: "09:00", start: 2026-03-01}
    netops:
      rotations:
        - {name: primary, members: [carol], length: 1w, handoff: "09:00", start: 2026-03-01}
nudges:
  no_commander: 1w
`

// holesRig declares INC-1 as alice with bob as a plain member.
func holesRig(t *testing.T, opts ...harnessOption) (*harness, string) {
	t.Helper()
	h := newHarness(t, opts...)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "invite @bob", "added")
	h.flush()
	return h, ch
}

func TestHoleTaskOwnerBringsNoNonMemberIn(t *testing.T) {
	h, ch := holesRig(t)
	h.unchanged(1, func() {
		r := h.cmd("bob", ch, "task add look at logs <@U4>")
		wantContains(t, "non-roster owner", r, "<@U4> is not in warroom's roster")
		r = h.cmd("bob", ch, "task add look at logs @carol")
		wantContains(t, "roster non-member owner by a member", r, "carol is not a member of INC-1", "Only the commander (alice, acting), the scribe (none yet) or a lead (dave)")
	})
	if m := h.members(1); slices.Contains(m, "U4") || slices.Contains(m, "carol") {
		t.Fatalf("a member brought someone in through task add: %v", m)
	}
	// Whoever may invite may give a task to someone new, who is brought in.
	wantContains(t, "commander", h.cmd("alice", ch, "task add look at logs @carol"), "Task 1 added")
	if !slices.Contains(h.members(1), "carol") {
		t.Errorf("carol was not brought in by the commander's task: %v", h.members(1))
	}
	// A member may give a task to another member.
	wantContains(t, "member to member", h.cmd("bob", ch, "task add check mail @carol"), "Task 2 added")
}

func TestHolePageAckMakesOnlyTheNotifiedCommander(t *testing.T) {
	h, ch := holesRig(t, withYAML(holesOnCall))
	h.unchanged(1, func() {
		wantContains(t, "refused", h.cmd("bob", ch, "role commander me"), "Only the commander")
	})
	// bob pages his own team (he is its on-call, so the page notifies him) and acknowledges.
	wantContains(t, "page", h.do("console", "bob", ch, "/page secops need help"), "Page 1 sent")
	wantContains(t, "ack", h.do("console", "bob", ch, "/page ack 1"), "Acknowledged page 1")
	if r := h.roles(1); r["commander"] == "bob" {
		t.Fatalf("the pager became commander by acknowledging his own page: %v", r)
	}
	h.unchanged(1, func() {
		wantContains(t, "force", h.cmd("bob", ch, "phase next --force"), "Only the commander")
	})
	// carol, on call for netops and notified by alice's page, is brought in as commander.
	wantContains(t, "page netops", h.do("console", "alice", ch, "/page netops please look"), "Page 2 sent")
	wantContains(t, "carol acks", h.do("console", "carol", "general", "/page ack 2"), "Acknowledged page 2")
	if r := h.roles(1); r["commander"] != "carol" {
		t.Errorf("the notified on-call was not made commander: %v", r)
	}
}

func TestHoleListingsShowOnlyWhatTheAskerMaySee(t *testing.T) {
	h := newHarness(t, withYAML(holesOnCall))
	h.declare("alice", "Secret merger leak")
	h.flush()
	for _, c := range []struct{ who, text string }{
		{"carol", "list"},
		{"carol", "note hi"}, // the "run it in an incident channel" hint
		{"carol", "status"},
	} {
		r := h.cmd(c.who, "general", c.text)
		wantNot(t, c.who+" "+c.text, r, "Secret merger", "secret-merger", "inc-1")
	}
	wantContains(t, "member lists it", h.cmd("alice", "general", "list"), "Secret merger leak")
	wantContains(t, "lead lists it", h.cmd("dave", "general", "list"), "Secret merger leak")

	wantContains(t, "page", h.do("console", "alice", "general", "/page netops merger documents on a public share"), "Page 1 sent")
	wantNot(t, "page list for an outsider", h.do("console", "bob", "general", "/page list"), "merger documents")
	wantContains(t, "page list for the notified", h.do("console", "carol", "general", "/page list"), "merger documents")
	wantContains(t, "page list for the pager", h.do("console", "alice", "general", "/page list"), "merger documents")
}

func TestHoleCodenameTitlesStayInTheChannel(t *testing.T) {
	h := newHarness(t, withYAML(`channels: {naming: codename}`))
	ch := h.declare("alice", "Secret merger leak")
	h.flush()
	for _, who := range []string{"alice", "dave"} {
		wantNot(t, who+" list outside", h.cmd(who, "general", "list"), "Secret merger")
		wantNot(t, who+" status by INC-n outside", h.cmd(who, "general", "status INC-1"), "Secret merger")
	}
	wantContains(t, "list in the channel", h.cmd("alice", ch, "list"), "Secret merger leak")
}

func TestHoleLinkNeedsTheOtherIncident(t *testing.T) {
	h := newHarness(t)
	h.declare("alice", "Secret merger leak")
	ch2 := h.declare("bob", "Phishing wave")
	h.flush()
	before := len(h.entries(1))
	r := h.cmd("bob", ch2, "link INC-1")
	wantNot(t, "link by a non-member of INC-1", r, "Secret merger")
	wantContains(t, "link by a non-member of INC-1", r, "not a member of INC-1")
	if n := len(h.entries(1)); n != before {
		t.Errorf("a non-member wrote onto INC-1's timeline through link: %d → %d entries", before, n)
	}
	// Closed: nobody writes onto it, members included.
	ch1 := h.incident(1).ChannelID
	h.mustSay("alice", ch1, "close false-positive drill", "is closed")
	h.mustSay("bob", ch2, "invite @alice", "added")
	before = len(h.entries(1))
	wantContains(t, "link to a closed incident", h.cmd("alice", ch2, "link INC-1"), "INC-1 is closed")
	if n := len(h.entries(1)); n != before {
		t.Errorf("link wrote onto closed INC-1: %d → %d entries", before, n)
	}
}

func TestHoleClosedIncidentRefusesChange(t *testing.T) {
	h, ch := holesRig(t)
	h.mustSay("alice", ch, "close benign test", "is closed")
	h.flush()
	for _, text := range []string{"clock gdpr", "clock filing 12", "remind off", "remind snooze 2h", "note late", "task add x", "type malware"} {
		h.unchanged(1, func() {
			wantContains(t, text, h.cmd("bob", ch, text), "INC-1 is closed")
		})
	}
	// The lessons-learned items allowed after the close are recorded and bump the version.
	v := h.incident(1).ReportVersion
	wantContains(t, "lesson", h.cmd("bob", ch, "lesson idea rotate keys sooner"), "report version")
	if got := h.incident(1).ReportVersion; got != v+1 {
		t.Errorf("lesson after close: report version %d → %d", v, got)
	}
	wantContains(t, "review held", h.cmd("bob", ch, "review held"), "report version")
	if got := h.incident(1).ReportVersion; got != v+2 {
		t.Errorf("review held after close: report version %d → %d", v, got)
	}
	if e := h.last(1); !strings.Contains(string(e.Data), `"report_version":3`) {
		t.Errorf("the entry does not say which report version it made: %+v", e)
	}
	h.verify(1)
}

func TestHoleRemovedOwnerGetsNoOverdueDM(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Phishing wave")
	r.must("alice", ch, "invite @bob", "added")
	r.must("alice", ch, "task add rotate the leaked key AKIA123 @bob due 1h", "Task 1 added")
	r.must("alice", ch, "remove @bob", "bob removed")
	out := r.at(3 * time.Hour)
	wantNot(t, "removed owner", ngDM(out, "bob"), "AKIA123")
	wantContains(t, "the commander is told instead", ngDM(out, "alice"), "AKIA123")
}

func TestHoleRosterOnlyNamesRosterPeople(t *testing.T) {
	h, ch := holesRig(t)
	h.unchanged(1, func() {
		wantContains(t, "invite", h.cmd("alice", ch, "invite @zed"), "Unknown user @zed", "roster")
		wantContains(t, "role", h.cmd("alice", ch, "role analyst @nosuchperson"), "Unknown user @nosuchperson", "roster")
		wantContains(t, "task", h.cmd("alice", ch, "task add look @zzz"), "Unknown user @zzz", "roster")
		wantContains(t, "mention", h.cmd("alice", ch, "invite <@U4>"), "not in warroom's roster")
	})
}

func TestHoleForgedJoinApproval(t *testing.T) {
	h, ch := holesRig(t)
	h.unchanged(1, func() {
		wantContains(t, "empty person", h.press("alice", ch, "join.approve", "1:"), "That button is malformed")
		wantContains(t, "nobody asked", h.press("alice", ch, "join.approve", "1:carol"), "carol has not asked to join INC-1")
	})
	if m := h.members(1); slices.Contains(m, "") || slices.Contains(m, "carol") {
		t.Fatalf("a forged approval added someone: %q", m)
	}
}

func TestHoleGrammarNeverGuesses(t *testing.T) {
	h, ch := holesRig(t)
	h.unchanged(1, func() {
		wantContains(t, "typo class", h.cmd("alice", ch, "close false-postive it was the red team"),
			`Unknown close class "false-postive"`, "did you mean false-positive?", "true-positive, false-positive, benign, duplicate")
		wantContains(t, "bare close", h.cmd("alice", ch, "close"), "Close INC-1 as what?")
		wantContains(t, "task only an owner", h.cmd("alice", ch, "task add @bob due 1h"), "Usage: /incident task add")
		wantContains(t, "due too far", h.cmd("alice", ch, "task add x due 99999h"), "at most a year")
		wantContains(t, "unreadable due", h.cmd("alice", ch, "task add x due soonish"), `cannot read "soonish"`)
		wantContains(t, "two owners", h.cmd("alice", ch, "task add x @bob @alice"), "one owner")
	})
	if !h.incident(1).Open() {
		t.Fatal("a typo closed the incident")
	}
	for _, c := range []struct{ text, want string }{
		{"declare Test thing sev9", "sev9 is not a severity"},
		{"declare Test thing sev0", "sev0 is not a severity"},
		{"declare Test thing P1", "did you mean sev1?"},
	} {
		wantContains(t, c.text, h.cmd("alice", "general", c.text), c.want)
	}
	if n := len(h.incidents()); n != 1 {
		t.Fatalf("a bad severity declared an incident anyway: %d incidents", n)
	}
	wantContains(t, "owner and due anywhere", h.cmd("alice", ch, "task add Call insurer @bob due 2 hours"), "Task 1 added")
	tk := h.tasks(1)[0]
	if tk.Text != "Call insurer" || tk.Owner != "bob" || tk.Due == nil || !tk.Due.Equal(h.clock.Now().UTC().Add(2*time.Hour)) {
		t.Errorf("task %+v", tk)
	}
	wantContains(t, "owner in the middle", h.cmd("alice", ch, "task add call @bob the insurer due 1 day"), "Task 2 added")
	if tk := h.tasks(1)[1]; tk.Text != "call the insurer" || tk.Owner != "bob" || tk.Due == nil {
		t.Errorf("task %+v", tk)
	}
}

// Repeated join requests from one person for one incident are answered once an hour.
func TestJoinRequestsAnsweredOncePerHour(t *testing.T) {
	h := newHarness(t)
	h.declare("alice", "Phishing wave")
	h.flush()
	h.mustSay("carol", "general", "join INC-1", "Asked to join INC-1")
	h.flush()
	for i := 0; i < 5; i++ {
		h.unchanged(1, func() {
			wantContains(t, "repeat", h.cmd("carol", "general", "join INC-1"), "You asked to join INC-1", "once an hour")
		})
		h.clock.Advance(10 * time.Minute)
	}
	h.clock.Advance(10 * time.Minute)
	h.mustSay("carol", "general", "join INC-1", "Asked to join INC-1")
	if n := len(h.entries(1)); n != 4 {
		t.Errorf("%d timeline entries, want declared, phase and two requests", n)
	}
}

// With codename naming, a linked incident's title stays out of this incident's report.
func TestHoleCodenameTitleOfALinkedIncident(t *testing.T) {
	h := newHarness(t, withYAML(`channels: {naming: codename}`))
	h.declare("alice", "Secret merger leak")
	ch2 := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch2, "link INC-1", "is now linked to INC-1")
	h.flush()
	wantContains(t, "report", h.send("console", "alice", ch2, "report md"), "Uploading")
	due, err := h.db.DueOutbound(h.ctx, h.clock.Now(), 100, true)
	if err != nil {
		t.Fatal(err)
	}
	var report string
	for _, o := range due {
		if o.Op == bot.OpUpload && o.Payload.File != nil {
			report = string(o.Payload.File.Data)
			// The report's bytes are kept apart from its operation (report_apart.go).
			if id := o.Payload.File.Stored; id != 0 {
				data, err := h.db.StoredFile(h.ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				report = string(data)
			}
		}
	}
	wantContains(t, "report", report, "INC-1 · inc-1-")
	wantNot(t, "report", report, "Secret merger")
}

// A removed member speaking in the channel (their removal still queued, or failed) is not
// taken back in as "added outside warroom".
func TestRemovedMemberIsNotReAddedByTheChannel(t *testing.T) {
	h := newHarness(t)
	h.do("slack", "alice", "C0GENERAL", "/incident declare Phishing wave sev2")
	if err := h.db.Update(h.ctx, func(tx *storage.Tx) error { return tx.SetIncidentChannel(1, "C0INC1", "") }); err != nil {
		t.Fatal(err)
	}
	slack := func(user, text string) string { return h.send("slack", user, "C0INC1", "/incident "+text) }
	wantContains(t, "invite", slack("alice", "invite @bob"), "bob added")
	wantContains(t, "remove", slack("alice", "remove @bob"), "bob removed")
	before := len(h.entries(1))
	wantContains(t, "removed speaks", slack("bob", "note still here"), "You are not a member of INC-1")
	if slices.Contains(h.members(1), "bob") || len(h.entries(1)) != before {
		t.Errorf("the removed member was taken back in: %v", h.members(1))
	}
	// Invited again, they are in again.
	wantContains(t, "invite again", slack("alice", "invite @bob"), "bob added")
	wantContains(t, "back", slack("bob", "note back"), "Noted")
}

// A declarer removed from the incident loses the acting commander's powers, and refusals
// say so rather than naming them.
func TestRemovedDeclarerIsNoLongerActingCommander(t *testing.T) {
	h, ch := holesRig(t)
	h.mustSay("dave", ch, "remove @alice", "alice removed")
	h.mustSay("dave", ch, "invite @alice", "alice added")
	h.mustSay("dave", ch, "remove @alice", "alice removed")
	h.unchanged(1, func() {
		wantContains(t, "member", h.cmd("bob", ch, "sev 1"), "Only the commander (none: alice, who declared it, was removed)")
		wantContains(t, "former declarer", h.cmd("alice", ch, "sev 1"), "You are not a member of INC-1")
	})
}

// Nor is a removed declarer sent the incident's reminders or its unassigned overdue tasks.
func TestRemovedDeclarerGetsNoReminders(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Phishing wave sev1")
	r.must("dave", ch, "task add rotate the leaked key AKIA123 due 1h", "Task 1 added")
	r.must("dave", ch, "remove @alice", "alice removed")
	r.h.flush() // what she got while she was in
	out := r.at(3 * time.Hour)
	if dm := ngDM(out, "alice"); dm != "" {
		t.Errorf("the removed declarer was sent:\n%s", dm)
	}
	wantContains(t, "the channel still sees it", channelLines(out, ch), "AKIA123")
}
