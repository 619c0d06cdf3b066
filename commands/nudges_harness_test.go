package commands

// The nudges test rig: the shared harness (real SQLite, console workspace, fake clock) plus
// the real gocron scheduler of bot.Scheduler driving Engine.FireTimer on that fake clock —
// the same wiring as cmd/warroom. Time only moves when a test advances it, timer by timer,
// and the rig waits (on events, never on sleeps) until every timer due has been handled.

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/timers"
)

type ngRig struct {
	t     *testing.T
	h     *harness
	sched *timers.Scheduler

	mu       sync.Mutex
	inflight int
	fired    chan struct{}
}

func newNgRig(t *testing.T, opts ...harnessOption) *ngRig {
	t.Helper()
	r := &ngRig{t: t, h: newHarness(t, opts...), fired: make(chan struct{}, 1<<16)}
	r.startScheduler()
	// Registered after the harness's cleanup, so it runs first: stop firing, then close.
	t.Cleanup(func() { r.stopScheduler() })
	return r
}

// startScheduler starts a scheduler (as warroom run does) on the rig's engine and clock.
func (r *ngRig) startScheduler() {
	r.t.Helper()
	s, err := timers.NewScheduler(r.h.db, r.h.clock, slog.New(slog.NewTextHandler(r.h.logs, &slog.HandlerOptions{Level: slog.LevelWarn})), r.firer(r.h.eng))
	if err != nil {
		r.t.Fatal(err)
	}
	r.sched = s
	r.h.eng.hooks.TimersChanged = func() {
		if err := s.Refresh(r.h.ctx); err != nil {
			r.t.Errorf("scheduler refresh: %v", err)
		}
	}
	if err := s.Start(r.h.ctx); err != nil {
		r.t.Fatal(err)
	}
	r.idle()
}

func (r *ngRig) stopScheduler() {
	if r.sched != nil {
		_ = r.sched.Stop()
		r.sched = nil
	}
}

// restart simulates a crash and a restart after `down`: the scheduler stops, time passes
// with nothing running, and a new engine and scheduler start on the same database.
func (r *ngRig) restart(down time.Duration) {
	r.t.Helper()
	if r.sched != nil {
		r.idle()
	}
	r.stopScheduler()
	r.h.clock.Advance(down)
	r.h.eng = New(Deps{Store: StoreOf[*storage.Tx](r.h.db), Config: r.h.cfg, Clock: r.h.clock,
		Log: slog.New(slog.NewTextHandler(r.h.logs, &slog.HandlerOptions{Level: slog.LevelWarn})), Kick: r.h.del.Kick})
	r.startScheduler()
}

// firer is what the scheduler calls: the engine's own FireTimer, counted so the rig knows
// when nothing is in flight.
func (r *ngRig) firer(eng *Engine) func(ctx context.Context, id int64) {
	return func(ctx context.Context, id int64) {
		r.mu.Lock()
		r.inflight++
		r.mu.Unlock()
		defer func() {
			r.mu.Lock()
			r.inflight--
			r.mu.Unlock()
			select {
			case r.fired <- struct{}{}:
			default:
			}
		}()
		eng.FireTimer(ctx, id)
	}
}

// busy reports whether a fire call is under way.
func (r *ngRig) busy() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.inflight > 0
}

// dueNow counts pending timers that are due at the fake clock's now.
func (r *ngRig) dueNow() int {
	pending, err := r.h.db.PendingTimers(r.h.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	now, n := r.h.clock.Now(), 0
	for _, p := range pending {
		if !p.Due.After(now) {
			n++
		}
	}
	return n
}

// idle waits until no timer is due and none is being fired.
func (r *ngRig) idle() {
	r.t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		// Due timers first, then the fires in flight: a fire that claims its timer between
		// the two reads is still counted as in flight.
		due := r.dueNow()
		r.mu.Lock()
		busy := r.inflight
		r.mu.Unlock()
		if due == 0 && busy == 0 {
			return
		}
		select {
		case <-r.fired:
		case <-timeout:
			r.t.Fatalf("timers still due after 60s at %v: %d due, %d in flight\n%s", r.h.clock.Now(), r.dueNow(), busy, r.h.logs.String())
		}
	}
}

// next is the earliest pending timer's due time (zero when none).
func (r *ngRig) next() time.Time {
	pending, err := r.h.db.PendingTimers(r.h.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	var next time.Time
	for _, p := range pending {
		if next.IsZero() || p.Due.Before(next) {
			next = p.Due
		}
	}
	return next
}

// advance moves the fake clock forward by d, stopping at each timer's due time so it fires
// then (gocron fires it; the rig only waits), and returns what the workspace printed.
func (r *ngRig) advance(d time.Duration) string {
	r.t.Helper()
	end := r.h.clock.Now().Add(d)
	for {
		r.idle()
		next := r.next()
		if next.IsZero() || next.After(end) {
			break
		}
		r.h.clock.Advance(next.Sub(r.h.clock.Now()))
	}
	if wait := end.Sub(r.h.clock.Now()); wait > 0 {
		r.h.clock.Advance(wait)
	}
	r.idle()
	return r.h.flush()
}

// at advances to t0+d.
func (r *ngRig) at(d time.Duration) string {
	r.t.Helper()
	return r.advance(t0.Add(d).Sub(r.h.clock.Now()))
}

// cmd runs a console /incident command, lets anything it made due fire, and returns the reply.
func (r *ngRig) cmd(user, channel, text string) string {
	r.t.Helper()
	reply := r.h.cmd(user, channel, text)
	r.idle()
	return reply
}

// must runs a command and fails unless the reply contains want.
func (r *ngRig) must(user, channel, text, want string) string {
	r.t.Helper()
	reply := r.cmd(user, channel, text)
	if !strings.Contains(reply, want) {
		r.t.Fatalf("%s: /incident %s\n got: %s\nwant: …%s…", user, text, reply, want)
	}
	return reply
}

// timer is the pending timer of key, if any.
func (r *ngRig) timer(key string) (bot.Timer, bool) {
	r.t.Helper()
	var tm bot.Timer
	var found bool
	r.h.view(func(tx *storage.Tx) error {
		var err error
		tm, err = tx.Timer(key)
		if isNotFound(err) {
			return nil
		}
		found = err == nil
		return err
	})
	return tm, found
}

func (r *ngRig) clocks(n int64) []bot.Clock {
	r.t.Helper()
	var out []bot.Clock
	r.h.view(func(tx *storage.Tx) (err error) { out, err = tx.Clocks(n); return err })
	return out
}

// ngDM keeps the console lines of the DMs to person (with their continuation lines).
func ngDM(out, person string) string {
	var b strings.Builder
	keep := false
	for _, l := range strings.SplitAfter(out, "\n") {
		if strings.HasPrefix(l, "  ") {
			if keep {
				b.WriteString(l)
			}
			continue
		}
		keep = strings.HasPrefix(l, "[@"+person+" ")
		if keep {
			b.WriteString(l)
		}
	}
	return b.String()
}

// ngCount counts the messages (first lines) in out that contain sub.
func ngCount(out, sub string) int {
	n := 0
	for _, m := range ngMessages(out) {
		if strings.Contains(m, sub) {
			n++
		}
	}
	return n
}

// ngMessages splits console output into messages (a first line and its continuations).
func ngMessages(out string) []string {
	var msgs []string
	for _, l := range strings.SplitAfter(out, "\n") {
		if strings.HasPrefix(l, "  ") && len(msgs) > 0 {
			msgs[len(msgs)-1] += l
			continue
		}
		if l != "" {
			msgs = append(msgs, l)
		}
	}
	return msgs
}

// ngOutbox opens the database file directly to look at what was queued (test only).
func ngOutbox(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// ngOnly keeps the messages of out that contain sub.
func ngOnly(out, sub string) string {
	var b strings.Builder
	for _, m := range ngMessages(out) {
		if strings.Contains(m, sub) {
			b.WriteString(m)
		}
	}
	return b.String()
}
