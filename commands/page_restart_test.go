package commands

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/timers"
)

// A restart in the middle of an escalation resumes it at the right step, with the real
// scheduler: what was queued before the crash is delivered once, an overdue step fires once
// at start-up, and the next one at its time — nobody is notified twice.
func TestRestartMidEscalationResumesOnce(t *testing.T) {
	r := newPgRig(t, "")
	pgPaged(t, r) // step 1: bob, at +0
	// Step 2 fires at +5m and queues dave's DM; the process dies before delivering it.
	r.clock.Advance(5 * time.Minute)
	tm, ok := r.pendingTimer(pageTimerKey(1))
	if !ok {
		t.Fatal("no escalation timer")
	}
	r.eng.FireTimer(r.ctx, tm.ID)
	r.db.Close()

	// Down for 15 minutes: step 3 (due at +15m) is overdue at the restart (+20m).
	r.clock.Advance(15 * time.Minute)
	r.open()
	fired := make(chan int64, 16)
	sched, err := timers.NewScheduler(r.db, r.clock, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)), func(ctx context.Context, id int64) {
		r.eng.FireTimer(ctx, id)
		fired <- id
	})
	if err != nil {
		t.Fatal(err)
	}
	r.eng.hooks.TimersChanged = func() {
		if err := sched.Refresh(r.ctx); err != nil {
			t.Error(err)
		}
	}
	if err := sched.Start(r.ctx); err != nil {
		t.Fatal(err)
	}
	defer sched.Stop()
	wait := func() int64 {
		t.Helper()
		select {
		case id := <-fired:
			if err := r.del.Flush(r.ctx); err != nil {
				t.Fatal(err)
			}
			return id
		case <-time.After(10 * time.Second):
			t.Fatal("the escalation timer did not fire")
		}
		return 0
	}
	stepID := wait()
	out := r.take()
	// The new process's workspace numbers its DMs afresh.
	for _, want := range []string{
		"[@dave 1] warroom: 📟 Page 1 from alice", // queued before the crash, delivered now
		"[@bob 1] warroom: 📟 Page 1 is still unanswered",
		"[@carol 1] warroom: 📟 Page 1 from alice",
		"escalated (step 3 of 3, round 1 of 2): bob, carol notified.",
	} {
		pgWant(t, "restart", out, want)
	}
	if n := strings.Count(pgDMs(out), "warroom: 📟"); n != 3 {
		t.Errorf("%d page DMs at the restart, want 3:\n%s", n, out)
	}

	// Firing the claimed timer again (a duplicate job, a second process) does nothing.
	r.eng.FireTimer(r.ctx, stepID)
	r.eng.FireTimer(r.ctx, tm.ID)
	if out := r.run(0); pgDMs(out) != "" {
		t.Errorf("a fired step ran again:\n%s", out)
	}

	// The next step is due 10 minutes after the overdue one ran: round 2, bob.
	next, ok := r.pendingTimer(pageTimerKey(1))
	if !ok || !next.Due.Equal(pgT0.Add(30*time.Minute)) {
		t.Fatalf("next step %+v %v", next, ok)
	}
	// The scheduler's one clock timer, on the earliest due time (the page's next step).
	if err := r.clock.BlockUntilContext(r.ctx, 1); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(10*time.Minute - time.Second)
	select {
	case <-fired:
		t.Fatal("fired early")
	default:
	}
	r.clock.Advance(time.Second)
	wait()
	out = r.take()
	if dms := pgDMs(out); !strings.HasPrefix(dms, "[@bob 2] warroom: 📟 Page 1 is still unanswered") || strings.Count(dms, "📟") != 1 {
		t.Errorf("round 2 DMs:\n%s", dms)
	}

	var got []string
	for _, n := range r.notifications(1) {
		got = append(got, n.Person)
	}
	if strings.Join(got, ",") != "bob,dave,bob,carol,bob" {
		t.Errorf("notifications %v", got)
	}
	var dms int
	for _, e := range r.timeline(1) {
		if e.Kind == bot.KindPage && strings.Contains(e.Text, "→") {
			dms++
		}
	}
	if dms != 4 {
		t.Errorf("%d notification entries on the timeline, want 4", dms)
	}
}
