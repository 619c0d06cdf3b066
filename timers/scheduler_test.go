package timers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/timers"
)

// firer claims timers the way the engine does and counts effects per key. Every call of
// the scheduler's fire is also recorded with the clock's time, before the claim: the claim
// refuses a timer that is not due yet, which would hide a scheduler firing early.
type firer struct {
	db    *storage.DB
	clock clockwork.Clock
	mu    sync.Mutex
	fired map[string]int
	calls []time.Time // clock time of every fire call, claimed or not
	done  chan string
	// during runs in the claim's transaction (its error rolls the claim back); after runs
	// once the transaction is over, as the engine's hooks do.
	during func(tx *storage.Tx, t bot.Timer) error
	after  func(ctx context.Context)
}

func (f *firer) fire(ctx context.Context, id int64) {
	f.mu.Lock()
	f.calls = append(f.calls, f.clock.Now())
	f.mu.Unlock()
	var key string
	err := f.db.Update(ctx, func(tx *storage.Tx) error {
		t, ok, err := tx.ClaimTimer(id, f.clock.Now())
		if err != nil || !ok {
			return err
		}
		if f.during != nil {
			if err := f.during(tx, t); err != nil {
				return err
			}
		}
		key = t.Key
		return nil
	})
	if f.after != nil {
		f.after(ctx)
	}
	if err != nil || key == "" {
		return
	}
	f.mu.Lock()
	f.fired[key]++
	f.mu.Unlock()
	f.done <- key
}

func setup(t *testing.T, path string, clock clockwork.Clock) (*storage.DB, *firer, *timers.Scheduler) {
	t.Helper()
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	f := &firer{db: db, clock: clock, fired: map[string]int{}, done: make(chan string, 2000)}
	s, err := timers.NewScheduler(db, clock, slog.New(slog.NewTextHandler(io.Discard, nil)), f.fire)
	if err != nil {
		t.Fatal(err)
	}
	return db, f, s
}

func setTimers(t *testing.T, db *storage.DB, timers ...bot.Timer) {
	t.Helper()
	err := db.Update(context.Background(), func(tx *storage.Tx) error {
		for _, tm := range timers {
			if err := tx.SetTimer(tm); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// noCallFor fails when the scheduler calls fire within a grace period. A timer that fires
// early does so as soon as the clock is advanced past its wrong time; the scheduler's
// goroutine needs a moment to get there, so "not fired yet" is only known after waiting.
func (f *firer) noCallFor(t *testing.T, what string) {
	t.Helper()
	f.mu.Lock()
	before := len(f.calls)
	f.mu.Unlock()
	deadline := time.Now().Add(300 * time.Millisecond)
	for time.Now().Before(deadline) {
		f.mu.Lock()
		n, last := len(f.calls), time.Time{}
		if n > 0 {
			last = f.calls[n-1]
		}
		f.mu.Unlock()
		if n != before {
			t.Fatalf("%s (fire called at %v)", what, last)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitCalls waits until fire has been called n times in all, claimed or not.
func (f *firer) waitCalls(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.mu.Lock()
		got := len(f.calls)
		f.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("fire called %d times, want %d", got, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func waitFired(t *testing.T, f *firer, n int) []string {
	t.Helper()
	var keys []string
	timeout := time.After(10 * time.Second)
	for len(keys) < n {
		select {
		case k := <-f.done:
			keys = append(keys, k)
		case <-timeout:
			t.Fatalf("only %d of %d timers fired: %v", len(keys), n, keys)
		}
	}
	return keys
}

func TestTimerFiresAtItsTimeNotBefore(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(start)
	db, f, s := setup(t, filepath.Join(t.TempDir(), "w.db"), clock)
	defer db.Close()
	setTimers(t, db, bot.Timer{Key: "a", Kind: "k", Due: start.Add(5 * time.Minute)}, bot.Timer{Key: "b", Kind: "k", Due: start.Add(10 * time.Minute)})
	ctx := context.Background()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(4*time.Minute + 59*time.Second)
	f.noCallFor(t, "a fired early")
	clock.Advance(time.Second)
	if k := waitFired(t, f, 1); k[0] != "a" {
		t.Fatalf("fired %v", k)
	}
	// Moving b later re-arms it; it does not fire at its old time.
	setTimers(t, db, bot.Timer{Key: "b", Kind: "k", Due: start.Add(20 * time.Minute)})
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Minute)
	f.noCallFor(t, "b fired at its old time")
	clock.Advance(5 * time.Minute)
	waitFired(t, f, 1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) != 2 || f.calls[0].Before(start.Add(5*time.Minute)) || f.calls[1].Before(start.Add(20*time.Minute)) {
		t.Fatalf("fire calls at %v, want one at 09:05 and one at 09:20", f.calls)
	}
}

func TestRestartFiresEachPendingTimerExactlyOnce(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "w.db")
	clock := clockwork.NewFakeClockAt(start)
	db, _, _ := setup(t, path, clock)
	var timers []bot.Timer
	for i := 0; i < 1000; i++ {
		// 300 overdue at restart, 700 due within the next 70 minutes.
		timers = append(timers, bot.Timer{Key: fmt.Sprintf("t%d", i), Kind: "k", Due: start.Add(time.Duration(i-300)*6*time.Second + 3*time.Second)})
	}
	setTimers(t, db, timers...)
	db.Close()

	// First run fires the overdue ones, then "crashes".
	db, f, s := setup(t, path, clock)
	ctx := context.Background()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitFired(t, f, 300)
	s.Stop()
	db.Close()

	// Second run: the overdue ones are not fired again; the rest fire once as time passes.
	db, f2, s2 := setup(t, path, clock)
	defer db.Close()
	if err := s2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s2.Stop()
	if s2.Armed() != 700 {
		t.Fatalf("armed %d, want 700", s2.Armed())
	}
	clock.BlockUntilContext(ctx, 1) // one clock timer, on the earliest due time
	clock.Advance(71 * time.Minute)
	waitFired(t, f2, 700)
	for k, n := range f.fired {
		if n != 1 || f2.fired[k] != 0 {
			t.Fatalf("%s fired %d+%d times", k, n, f2.fired[k])
		}
	}
	if len(f.fired)+len(f2.fired) != 1000 {
		t.Fatalf("fired %d+%d", len(f.fired), len(f2.fired))
	}
	pending, _ := db.PendingTimers(ctx)
	if len(pending) != 0 {
		t.Fatalf("%d still pending", len(pending))
	}
}

// A replica that loses and wins back leadership stops and starts the same scheduler: it
// fires again after the second start, and nothing while stopped.
func TestStoppedSchedulerStartsAgain(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(start)
	db, f, s := setup(t, filepath.Join(t.TempDir(), "w.db"), clock)
	defer db.Close()
	ctx := context.Background()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err == nil {
		t.Fatal("a second Start of a running scheduler was accepted")
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	setTimers(t, db, bot.Timer{Key: "a", Kind: "k", Due: start.Add(time.Minute)})
	clock.Advance(2 * time.Minute)
	f.noCallFor(t, "a stopped scheduler fired")
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if k := waitFired(t, f, 1); k[0] != "a" {
		t.Fatalf("fired %v", k)
	}
}
