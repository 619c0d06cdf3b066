package commands

import (
	"strings"
	"testing"
	"time"
)

// Each reminder fires at its time, to its role, and not before.

func TestNudgeNoCommanderGoesToDeclarerAndLeadsAtFiveMinutes(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Phishing wave sev2")
	r.h.flush()
	if out := r.at(5*time.Minute - time.Second); strings.Contains(out, "no incident commander") {
		t.Fatalf("reminded before 5 minutes:\n%s", out)
	}
	out := r.at(5 * time.Minute)
	wantContains(t, "channel", channelLines(out, ch), "*INC-1 has no incident commander* — 5m after it was declared", "For: alice (acting commander) and dave (lead).")
	wantContains(t, "declarer DM", ngDM(out, "alice"), "no incident commander", "/incident role commander me")
	wantContains(t, "lead DM", ngDM(out, "dave"), "no incident commander")
	wantNot(t, "others", ngDM(out, "bob")+ngDM(out, "carol"), "commander")
	// It goes out once.
	if out := r.at(3 * time.Hour); strings.Contains(out, "no incident commander") {
		t.Fatalf("no-commander repeated:\n%s", out)
	}
}

func TestNudgeNoCommanderCancelledWhenSomeoneTakesIt(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Phishing wave sev2")
	r.at(2 * time.Minute)
	r.must("dave", ch, "role commander @bob", "bob is commander")
	if _, ok := r.timer(timerKey(kindNoCommander, 1)); ok {
		t.Fatal("the no-commander timer survived a commander being given")
	}
	if out := r.at(20 * time.Minute); strings.Contains(out, "no incident commander") {
		t.Fatalf("reminded although bob is commander:\n%s", out)
	}
}

func TestNudgeStatusUpdateCadenceResetAndSeverity(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Ransomware on FS-02 sev1")
	r.must("alice", ch, "role commander me", "alice is commander")
	r.must("alice", ch, "role comms @bob", "bob is comms")
	r.h.flush()
	if out := r.at(30*time.Minute - time.Second); strings.Contains(out, "Status update due") {
		t.Fatalf("status reminder before 30m at sev1:\n%s", out)
	}
	out := r.at(30 * time.Minute)
	wantContains(t, "channel", channelLines(out, ch), "*Status update due on INC-1*", "every 30m", "For: alice (commander) and bob (comms).")
	wantContains(t, "commander DM", ngDM(out, "alice"), "Status update due")
	wantContains(t, "comms DM", ngDM(out, "bob"), "Status update due")
	if n := ngCount(out, "Status update due"); n != 3 {
		t.Errorf("%d status reminders (want the channel and two DMs):\n%s", n, out)
	}
	// It repeats every interval until an update …
	if out := r.at(60 * time.Minute); ngCount(channelLines(out, ch), "Status update due") != 1 {
		t.Fatalf("no repeat at 60m:\n%s", out)
	}
	// … which resets it: the next one is a full interval after the update.
	r.at(70 * time.Minute)
	r.must("bob", ch, "update Contained to FS-02, next update 10:45", "Status update posted")
	if out := r.at(100*time.Minute - time.Second); strings.Contains(out, "Status update due") {
		t.Fatalf("reminded within 30m of an update:\n%s", out)
	}
	if out := r.at(100 * time.Minute); !strings.Contains(channelLines(out, ch), "Status update due") {
		t.Fatalf("no reminder 30m after the update:\n%s", out)
	}
	// A severity change reschedules it: sev4 wants one a day.
	r.must("alice", ch, "sev 4", "now sev4")
	if tm, ok := r.timer(timerKey(kindStatus, 1)); !ok || !tm.Due.Equal(t0.Add(100*time.Minute+24*time.Hour)) {
		t.Fatalf("after sev 4 the status reminder is due %v (want %v)", tm.Due, t0.Add(100*time.Minute+24*time.Hour))
	}
	// And back to sev2 (1h): due an hour after the last reminder, at 160m.
	r.must("alice", ch, "sev 2", "now sev2")
	if tm, _ := r.timer(timerKey(kindStatus, 1)); !tm.Due.Equal(t0.Add(160 * time.Minute)) {
		t.Fatalf("after sev 2 the status reminder is due %v", tm.Due)
	}
}

func TestNudgePhaseDwellGoesToTheCommander(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Ransomware on FS-02 sev1")
	r.must("alice", ch, "role commander @carol", "carol is commander")
	r.must("carol", ch, "update Investigating", "posted")
	r.h.flush()
	if out := r.at(2*time.Hour - time.Second); strings.Contains(out, "has been in identification") {
		t.Fatalf("dwell reminder before 2h at sev1:\n%s", out)
	}
	out := r.at(2 * time.Hour)
	wantContains(t, "channel", channelLines(out, ch), "*INC-1 has been in identification for 2h* — longer than the 2h expected at sev1", "For: carol (commander).")
	wantContains(t, "commander DM", ngDM(out, "carol"), "has been in identification for 2h")
	wantNot(t, "not the declarer", ngDM(out, "alice"), "has been in identification")
	// Moving on resets it for the new phase.
	r.at(2*time.Hour + 10*time.Minute)
	r.h.tickAll("carol", ch, 1)
	r.must("carol", ch, "phase next", "moved from identification to containment")
	if tm, ok := r.timer(timerKey(kindDwell, 1)); !ok || !tm.Due.Equal(t0.Add(4*time.Hour+10*time.Minute)) {
		t.Fatalf("containment dwell due %v", tm.Due)
	}
	if out := r.at(4*time.Hour + 10*time.Minute); !strings.Contains(out, "has been in containment for 2h") {
		t.Fatalf("no containment dwell reminder:\n%s", out)
	}
}

func TestNudgeOverdueTasksGoToTheirOwners(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Phishing wave sev2")
	r.must("alice", ch, "role commander me", "alice is commander")
	r.must("alice", ch, "task add Pull proxy logs @bob due 30m", "Task 1 added")
	r.must("alice", ch, "task add Block the sender domain due 30m", "Task 2 added")
	r.must("alice", ch, "task add Reset j.keller's sessions @carol due 45m", "Task 3 added")
	r.h.flush()
	if out := r.at(30*time.Minute - time.Second); strings.Contains(out, "Overdue task") {
		t.Fatalf("task reminder before it was due:\n%s", out)
	}
	out := r.at(30 * time.Minute)
	wantContains(t, "channel", channelLines(out, ch), "*Overdue tasks on INC-1*", "1. Pull proxy logs — bob", "2. Block the sender domain — unassigned")
	wantContains(t, "owner DM", ngDM(out, "bob"), "Pull proxy logs")
	wantNot(t, "owner DM", ngDM(out, "bob"), "Block the sender")
	wantContains(t, "commander gets the unassigned", ngDM(out, "alice"), "Block the sender domain")
	wantNot(t, "not yet due", out, "Reset j.keller")
	// Carol's falls due at 45m; only the newly overdue one is reminded about then.
	out = r.at(45 * time.Minute)
	wantContains(t, "carol", ngDM(out, "carol"), "3. Reset j.keller's sessions")
	wantNot(t, "bob again too soon", out, "Pull proxy logs")
	// Done tasks are not reminded about; when none is left the reminder is cancelled.
	r.must("bob", ch, "task done 1", "Task 1 done")
	out = ngOnly(r.at(45*time.Minute+time.Hour), "Overdue task")
	wantContains(t, "repeat after the sev2 interval", out, "Block the sender domain", "Reset j.keller")
	wantNot(t, "done task", out, "Pull proxy logs")
	r.must("alice", ch, "task done 2", "done")
	r.must("carol", ch, "task done 3", "done")
	if _, ok := r.timer(timerKey(kindTasks, 1)); ok {
		t.Fatal("task reminder still pending with every task done")
	}
}

// One timer per kind and incident: however long warroom was down, the overdue reminders of
// one kind come as one.
func TestNudgeOverdueRemindersMergeAfterDowntime(t *testing.T) {
	r := newNgRig(t)
	ch := r.h.declare("alice", "Ransomware on FS-02 sev1")
	r.at(time.Minute)
	r.h.flush()
	r.restart(3 * time.Hour) // six status intervals, one dwell period and the 5-minute no-commander
	r.idle()
	out := channelLines(r.h.flush(), ch)
	for _, what := range []string{"Status update due", "has no incident commander", "has been in identification"} {
		if n := ngCount(out, what); n != 1 {
			t.Errorf("%q came %d times after the restart, want once:\n%s", what, n, out)
		}
	}
	// And the cadence resumes from then.
	if out := r.advance(30 * time.Minute); ngCount(channelLines(out, ch), "Status update due") != 1 {
		t.Errorf("status reminder did not resume 30m later:\n%s", out)
	}
}

// A nudge is queued within 5 s of its due time: the outbox row is created when it fires.
func TestNudgeQueuedWithinFiveSecondsOfDue(t *testing.T) {
	r := newNgRig(t)
	r.h.declare("alice", "Phishing wave sev1")
	r.at(6 * time.Minute)
	db := ngOutbox(t, r.h.db.Path())
	var created string
	if err := db.QueryRow(`SELECT created_at FROM outbox WHERE op = 'post' AND payload LIKE '%no incident commander%'`).Scan(&created); err != nil {
		t.Fatal(err)
	}
	at, _ := time.Parse(time.RFC3339Nano, created)
	if lag := at.Sub(t0.Add(5 * time.Minute)); lag < 0 || lag > 5*time.Second {
		t.Fatalf("queued %v after its due time", lag)
	}
}

// A drill's reminders, like all its messages, are marked DRILL — DMs included.
func TestNudgeInADrillIsMarked(t *testing.T) {
	r := newNgRig(t)
	r.must("alice", "general", "drill ransomware", "Drill INC-1 started")
	out := r.at(5 * time.Minute)
	dm := ngDM(out, "alice")
	if !strings.Contains(dm, "DRILL — ⏰ *INC-1 has no incident commander*") {
		t.Fatalf("drill reminder DM not marked:\n%s", out)
	}
}
