package commands

import (
	"fmt"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// A restart with 1,000 pending nudges, 300 of them overdue: the overdue fire at once on
// start-up, a crash and restart fires none of them again, and the rest fire once each as
// time passes — through the real gocron scheduler and Engine.FireTimer.
func TestRestartWith1000PendingNudgesFiresEachExactlyOnce(t *testing.T) {
	r := newNgRig(t)
	r.stopScheduler()
	kindsOf := []string{kindNoCommander, kindStatus, kindDwell}
	err := r.h.db.Update(r.h.ctx, func(tx *storage.Tx) error {
		for i := 0; i < 1000; i++ {
			// sev4 (a status update a day, a phase a week), outside quiet hours.
			inc := &bot.Incident{Title: fmt.Sprintf("Incident %d", i), Severity: 4, Phase: bot.PhaseIdentification, Status: bot.StatusOpen,
				Platform: "console", ChannelName: fmt.Sprintf("inc-%d", i+1), DeclaredBy: "alice", DeclaredAt: t0.Add(-8 * 24 * time.Hour)}
			if err := tx.CreateIncident(inc); err != nil {
				return err
			}
			// Each incident has one nudge due; its other reminders are far off, so every
			// reminder sent in this test is one of the 1,000.
			kind := kindsOf[i%3]
			st := bot.NudgeState{Incident: inc.Number, LastUpdate: t0.Add(-25 * time.Hour), PhaseEntered: t0.Add(-8 * 24 * time.Hour),
				CommanderReminded: t0, StatusReminded: t0.Add(24 * time.Hour), DwellReminded: t0.Add(24 * time.Hour)}
			switch kind {
			case kindNoCommander:
				st.CommanderReminded = time.Time{}
			case kindStatus:
				st.StatusReminded = time.Time{}
			case kindDwell:
				st.DwellReminded = time.Time{}
			}
			if err := tx.SaveNudgeState(st); err != nil {
				return err
			}
			// 300 overdue at start-up, 700 due within the next 70 minutes.
			due := t0.Add(time.Duration(i-300)*6*time.Second + 3*time.Second)
			if err := tx.SetTimer(bot.Timer{Key: timerKey(kind, inc.Number), Kind: kind, Incident: inc.Number, Due: due}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// First run: the overdue 300 fire at once; then it crashes.
	r.restart(0)
	r.stopScheduler()
	first := r.remindersPerIncident()
	if len(first) != 300 {
		t.Fatalf("first run fired %d overdue nudges, want 300", len(first))
	}

	// Second run: none of those again; the 700 others fire once each as time passes.
	r.restart(0)
	pending, err := r.h.db.PendingTimers(r.h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The 700 not yet due, and the next reminders the 300 re-planned (a day and more away).
	if n := r.sched.Armed(); n != len(pending) || n < 700 {
		t.Fatalf("second run armed %d of %d pending", n, len(pending))
	}
	if err := r.h.clock.BlockUntilContext(r.h.ctx, 1); err != nil { // one clock timer, on the earliest due
		t.Fatal(err)
	}
	r.h.clock.Advance(71 * time.Minute)
	r.idle()
	all := r.remindersPerIncident()
	if len(all) != 1000 {
		t.Fatalf("%d incidents were reminded, want 1000", len(all))
	}
	for n, count := range all {
		if count != 1 {
			t.Errorf("INC-%d was reminded %d times", n, count)
		}
	}
	pending, err = r.h.db.PendingTimers(r.h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pending {
		if !p.Due.After(r.h.clock.Now()) {
			t.Errorf("still due: %+v", p)
		}
	}
}

// remindersPerIncident counts the reminder posts queued per incident.
func (r *ngRig) remindersPerIncident() map[int64]int {
	r.t.Helper()
	db := ngOutbox(r.t, r.h.db.Path())
	rows, err := db.Query(`SELECT incident, COUNT(*) FROM outbox WHERE op = 'post' AND payload LIKE '%⏰%' GROUP BY incident`)
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var n int64
		var c int
		if err := rows.Scan(&n, &c); err != nil {
			r.t.Fatal(err)
		}
		out[n] = c
	}
	return out
}
