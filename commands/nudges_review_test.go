package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// Closing stops every nudge but the lessons-learned review (and the clocks).
func TestCloseStopsNudgesExceptTheReview(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Ransomware on FS-02 sev1")
	r.must("alice", ch, "task add Image FS-02 @bob due 2h", "Task 1 added")
	r.at(10 * time.Minute)
	r.must("alice", ch, "close true-positive Contained early, restored from backup", "is closed")
	for _, k := range []string{kindNoCommander, kindStatus, kindDwell, kindTasks} {
		if _, ok := r.timer(timerKey(k, 1)); ok {
			t.Errorf("%s still pending after the close", k)
		}
	}
	// The close comes before lessons-learned was reached, so it opens the review window.
	e, ok := findEntry(r.h.entries(1), bot.KindReview, "lessons-learned review due by 2026-03-16T09:10:00")
	if !ok {
		t.Fatalf("no review opened at the close: %v", kinds(r.h.entries(1)))
	}
	if e.Actor != "alice" {
		t.Errorf("review opened by %q", e.Actor)
	}
	out := r.h.flush()
	wantContains(t, "announced", channelLines(out, ch), "*Lessons-learned review*: hold it by 2026-03-16 09:10 UTC")
	out = r.at(10*time.Minute + 24*time.Hour)
	wantNot(t, "no other nudges after close", out, "Status update due", "no incident commander", "has been in", "Overdue task")
	wantContains(t, "review reminder after close", ngDM(out, "alice"), "*Schedule the lessons-learned review of INC-1*", "13d left")
	// Scheduling and holding it works on the closed incident; then it stops.
	r.must("alice", ch, "review 2026-03-06 14:00", "set for")
	r.must("alice", ch, "review held", "Recorded: the lessons-learned review of INC-1 was held, within the SANS two weeks")
	r.h.flush()
	if out := r.at(20 * 24 * time.Hour); strings.Contains(out, "lessons-learned review") {
		t.Fatalf("review reminded after it was held:\n%s", out)
	}
	r.h.verify(1)
}

func TestReviewScheduledIsRemindedUntilHeld(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Phishing wave sev2")
	r.must("alice", ch, "role commander @carol", "carol is commander")
	r.must("carol", ch, "phase lessons-learned --force", "moved from identification to lessons-learned")
	if e, ok := findEntry(r.h.entries(1), bot.KindReview, "due by 2026-03-16T09:00:00"); !ok {
		t.Fatalf("entering lessons-learned opened no review: %+v", e)
	}
	// In lessons-learned the incident is over: no status or dwell nudges.
	for _, k := range []string{kindStatus, kindDwell} {
		if _, ok := r.timer(timerKey(k, 1)); ok {
			t.Errorf("%s pending in lessons-learned", k)
		}
	}
	r.must("bob", ch, "review 3d", "You are not a member")
	r.h.mustSay("carol", ch, "invite @bob", "added")
	r.must("bob", ch, "review 3d", "set for")
	if e := r.h.last(1); e.Kind != bot.KindReview || e.Actor != "bob" || e.Text != "lessons-learned review scheduled for 2026-03-05T09:00:00.000000000Z" {
		t.Fatalf("scheduling on the timeline: %+v", e)
	}
	r.h.flush()
	if out := r.at(48*time.Hour - time.Second); strings.Contains(out, "📅 *") {
		t.Fatalf("review reminder too early:\n%s", out)
	}
	wantContains(t, "a day before", ngDM(r.at(48*time.Hour), "carol"), "*The lessons-learned review of INC-1 is tomorrow*")
	wantContains(t, "at the time", ngDM(r.at(72*time.Hour), "carol"), "*The lessons-learned review of INC-1 starts now*")
	wantContains(t, "after", ngDM(r.at(96*time.Hour), "carol"), "*Was the lessons-learned review of INC-1 held?*")
	wantContains(t, "daily", ngDM(r.at(120*time.Hour), "carol"), "*Was the lessons-learned review of INC-1 held?*")
	r.must("carol", ch, "review held", "Recorded")
	if e := r.h.last(1); e.Kind != bot.KindReview || e.Actor != "carol" || e.Text != "lessons-learned review held, within the SANS two weeks" {
		t.Fatalf("held on the timeline: %+v", e)
	}
	if out := r.at(30 * 24 * time.Hour); strings.Contains(out, "📅 *") {
		t.Fatalf("reminded after held:\n%s", out)
	}
	wantContains(t, "status", r.cmd("bob", ch, "review"), "held (recorded")
	wantContains(t, "held twice", r.cmd("bob", ch, "review held"), "already recorded as held")
	wantContains(t, "schedule after held", r.cmd("bob", ch, "review 2d"), "already held")
}

func TestReviewWarnsBeyondTwoWeeksAndRefusesThePast(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Phishing wave sev2")
	r.h.unchanged(1, func() {
		wantContains(t, "past", r.cmd("alice", ch, "review 2026-03-01 10:00"), "is in the past")
		wantContains(t, "unreadable", r.cmd("alice", ch, "review next tuesday"), "is not a time warroom can read")
	})
	// Before recovery ends the meeting may be set already; the window opens later.
	r.must("alice", ch, "review 2026-03-20T10:00:00Z", "set for")
	wantContains(t, "status", r.cmd("alice", ch, "review"), "set for")
	r.must("alice", ch, "phase lessons-learned --force", "moved")
	if _, ok := findEntry(r.h.entries(1), bot.KindReview, "lessons-learned review due by 2026-03-16T09:00:00"); !ok {
		t.Fatal("review window did not open on lessons-learned")
	}
	reply := r.must("alice", ch, "review 2026-03-25 10:00", "after")
	wantContains(t, "warns", reply, "the SANS two-week mark")
}

// A false positive needs no lessons-learned review; nothing outlives its close.
func TestFalsePositiveCloseSchedulesNoReview(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Alert on the backup server sev3")
	r.must("alice", ch, "close false-positive Scheduled backup job", "is closed")
	pending, err := r.h.db.PendingTimers(r.h.ctx)
	if err != nil || len(pending) != 0 {
		t.Fatalf("pending after a false-positive close: %+v %v", pending, err)
	}
	if _, ok := findEntry(r.h.entries(1), bot.KindReview, ""); ok {
		t.Fatal("a false positive opened a review")
	}
}

// Reopening brings the nudges back.
func TestReopenRestartsNudges(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Phishing wave sev1")
	r.must("alice", ch, "role commander me", "commander")
	r.must("alice", ch, "close true-positive", "is closed")
	r.at(5 * time.Hour)
	r.must("alice", ch, "reopen", "open again")
	if tm, ok := r.timer(timerKey(kindStatus, 1)); !ok || !tm.Due.Equal(t0.Add(5*time.Hour+30*time.Minute)) {
		t.Fatalf("status reminder after reopen: %+v %v", tm, ok)
	}
	if tm, ok := r.timer(timerKey(kindReview, 1)); !ok || !tm.Due.Equal(t0.Add(24*time.Hour)) {
		t.Fatalf("the review survives a reopen: %+v %v", tm, ok)
	}
}
