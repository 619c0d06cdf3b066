package commands

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// TestWholeIncident walks one incident from declaration to close the way a team would, then
// checks the record: the chain verifies, seqs run 1..N, the heads posted in the channel are
// the chain's, and nothing is left undelivered or logged as a problem.
func TestWholeIncident(t *testing.T) {
	h := newHarness(t, withYAML(`channels: {announce: "#security-status", archive_on_close: true}`))
	step := func() { h.clock.Advance(7 * time.Minute) }

	ch := h.declare("alice", "Phishing wave at payroll sev2")
	step()
	h.mustSay("alice", ch, "role commander me", "alice is commander.")
	h.mustSay("alice", ch, "role analyst @bob", "bob is analyst, assigned by alice.")
	h.mustSay("alice", ch, "role scribe @carol", "carol is scribe, assigned by alice.")
	h.mustSay("dave", "general", "join INC-1", "Asked to join")
	h.press("carol", ch, "join.approve", "1:dave")
	h.press("dave", ch, "role.claim", "1:comms")
	h.mustSay("bob", ch, "type phishing", "classified as phishing")
	h.mustSay("carol", ch, "task add Purge the mail from every mailbox @bob due 1h", "Task 1")
	h.react("carol", "pushpin", &bot.ChatMessage{ID: "3", Channel: ch, Author: bot.User{ID: "bob"}, Text: "312 recipients", At: h.clock.Now()})

	people := []string{"alice", "bob", "carol", "dave"}
	for i, p := range bot.IncidentPhases {
		step()
		h.mustSay(people[i%4], ch, fmt.Sprintf("note working on %s", p), "Noted")
		h.mustSay("carol", ch, fmt.Sprintf("update %s under way", p), "Status update posted")
		items := h.checklist(1, p)
		if len(items) == 0 {
			t.Fatalf("%s has no exit criteria", p)
		}
		for _, it := range items {
			step()
			h.mustSay(people[it.N%4], ch, fmt.Sprintf("check %d", it.N), fmt.Sprintf("Ticked %d.", it.N))
		}
		if p == bot.PhaseLessons {
			break
		}
		if p == bot.PhaseContainment {
			h.mustSay("bob", ch, "task done 1", "Task 1 done")
		}
		h.mustSay("carol", ch, "phase next", fmt.Sprintf("moved from %s to", p))
	}
	wantContains(t, "last phase", h.cmd("alice", ch, "phase next"), "the last phase: close it")
	h.mustSay("alice", ch, "lesson good The pushpin timeline made the report easy", "Lesson (good)")
	h.mustSay("bob", ch, "lesson bad Purging took an hour", "Lesson (bad)")
	h.mustSay("dave", ch, "lesson idea Automate mailbox purges", "Lesson (idea)")
	step()
	h.mustSay("alice", ch, "close true-positive Mail purged, credentials reset, MFA enforced", "INC-1 is closed (true-positive).")
	out := h.flush()

	// The record.
	v := h.verify(1)
	es := h.entries(1)
	inc := h.incident(1)
	if v.Entries != int64(len(es)) || inc.HeadSeq != int64(len(es)) || v.HeadHash != inc.HeadHash {
		t.Errorf("verdict %+v, %d entries, head %d", v, len(es), inc.HeadSeq)
	}
	for i, e := range es {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d has seq %d", i+1, e.Seq)
		}
		if i > 0 && e.At.Before(es[i-1].At) {
			t.Errorf("entry %d recorded before entry %d", e.Seq, es[i-1].Seq)
		}
		if e.Incident != "INC-1" || e.Digest == "" || e.Hash == "" {
			t.Errorf("entry %+v", e)
		}
	}
	if _, forced := findEntry(es, bot.KindOverride, ""); forced {
		t.Error("a fully ticked walk recorded an override")
	}
	var moves []string
	for _, e := range es {
		if e.Kind == bot.KindPhase {
			moves = append(moves, e.Text)
		}
	}
	wantMoves := []string{"entered identification", "identification → containment", "containment → eradication", "eradication → recovery", "recovery → lessons-learned"}
	if !slices.Equal(moves, wantMoves) {
		t.Errorf("phase entries %q", moves)
	}
	for _, k := range []string{bot.KindDeclared, bot.KindRole, bot.KindJoin, bot.KindMember, bot.KindType, bot.KindTask, bot.KindPin,
		bot.KindNote, bot.KindUpdate, bot.KindCheck, bot.KindLesson, bot.KindClose} {
		if !slices.Contains(kinds(es), k) {
			t.Errorf("no %s entry on the timeline", k)
		}
	}
	if e, _ := findEntry(es, bot.KindClose, ""); e.Text != "closed as true-positive from lessons-learned: Mail purged, credentials reset, MFA enforced" {
		t.Errorf("last entry %+v", e)
	}
	sp := h.phases(1)
	if len(sp) != 5 {
		t.Fatalf("phase spans %+v", sp)
	}
	for i, s := range sp {
		if s.Phase != bot.IncidentPhases[i] || s.Left == nil || s.Forced {
			t.Errorf("span %d %+v", i, s)
		}
	}
	if inc.Status != bot.StatusClosed || inc.ClosedFrom != bot.PhaseLessons || inc.Severity != 2 || inc.Type != "phishing" {
		t.Errorf("incident %+v", inc)
	}
	if r := h.roles(1); r["commander"] != "alice" || r["analyst"] != "bob" || r["scribe"] != "carol" || r["comms"] != "dave" {
		t.Errorf("roles %v", r)
	}
	if m := h.members(1); len(m) != 4 {
		t.Errorf("members %v", m)
	}
	if l := h.lessons(1); len(l) != 3 {
		t.Errorf("lessons %+v", l)
	}

	// What was said.
	wantContains(t, "close", out, fmt.Sprintf("INC-1 closed. Timeline head: entry %d, sha256 %s", inc.HeadSeq, inc.HeadHash), "* channel archived")
	transcript := h.out.String()
	if n := strings.Count(transcript, "Timeline head: entry "); n != 5 {
		t.Errorf("%d head posts, want 4 phase changes and the close", n)
	}
	// Every posted head is a prefix of the final chain.
	for _, line := range strings.Split(transcript, "\n") {
		var seq int64
		var hash string
		if _, after, ok := strings.Cut(line, "Timeline head: "); ok {
			if _, err := fmt.Sscanf(after, "entry %d, sha256 %s", &seq, &hash); err != nil || es[seq-1].Hash != hash {
				t.Errorf("posted head %q is not entry %d's hash", after, seq)
			}
		}
	}
	announce := channelLines(transcript, "security-status")
	if strings.Count(announce, "warroom: TLP:GREEN · INC-1 · sev2 (high)") != 5 || strings.Contains(announce, "payroll") {
		t.Errorf("announce channel:\n%s", announce)
	}
	if !strings.Contains(transcript, "[@bob ") || !strings.Contains(transcript, "[@carol ") || !strings.Contains(transcript, "[@dave ") {
		t.Error("role holders got no direct messages")
	}
	if p := h.pending(); p != 0 {
		t.Errorf("%d outbox operations undelivered", p)
	}
	if logs := h.logs.String(); logs != "" {
		t.Errorf("problems logged:\n%s", logs)
	}
}
