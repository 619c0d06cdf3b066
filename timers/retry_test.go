package timers_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/pgtest"
	"github.com/warroom/warroom/internal/testutil"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/timers"
)

// flakyStore is the database with reads of the pending timers that fail on demand (a
// connection lost, the disk gone for a moment).
type flakyStore struct {
	*storage.DB
	failures atomic.Int32 // how many of the next reads fail
	reads    atomic.Int32
}

var errRead = errors.New("read failed: connection reset by peer")

func (s *flakyStore) PendingTimers(ctx context.Context) ([]bot.Timer, error) {
	s.reads.Add(1)
	if s.failures.Add(-1) >= 0 {
		return nil, errRead
	}
	s.failures.Store(0)
	return s.DB.PendingTimers(ctx)
}

// flakySetup is setup with a store whose reads can be made to fail and the log kept.
func flakySetup(t *testing.T, path string, clock clockwork.Clock) (*flakyStore, *firer, *timers.Scheduler, *testutil.LockedBuffer) {
	t.Helper()
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := &flakyStore{DB: db}
	logs := &testutil.LockedBuffer{}
	f := &firer{db: db, clock: clock, fired: map[string]int{}, done: make(chan string, 100)}
	s, err := timers.NewScheduler(store, clock, slog.New(slog.NewTextHandler(logs, nil)), f.fire)
	if err != nil {
		t.Fatal(err)
	}
	return store, f, s, logs
}

// onEachStore runs test on SQLite and on PostgreSQL (a throwaway cluster, internal/pgtest;
// skipped where none is installed, except in CI).
func onEachStore(t *testing.T, test func(t *testing.T, path string)) {
	t.Run("sqlite", func(t *testing.T) { test(t, filepath.Join(t.TempDir(), "w.db")) })
	t.Run("postgres", func(t *testing.T) { test(t, pgtest.DB(t)) })
}

// startThenAdvance starts s (stopped when t ends), waits for its clock timer and moves the
// clock on by d.
func startThenAdvance(t *testing.T, s *timers.Scheduler, clock *clockwork.FakeClock, d time.Duration) context.Context {
	t.Helper()
	ctx := context.Background()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop() })
	clock.BlockUntilContext(ctx, 1)
	clock.Advance(d)
	return ctx
}

// waitArmed waits (in real time, for the scheduler's goroutines) until n timers are armed.
func waitArmed(t *testing.T, s *timers.Scheduler, n int, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.Armed() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d timers armed, want %d", what, s.Armed(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A refresh that cannot read the store leaves the armed set as it was; before, nothing
// tried again, so a timer set by that commit stayed unarmed until some later commit
// happened to refresh. Now the scheduler reads again after a backoff, and says so.
func TestAFailedRefreshIsTriedAgain(t *testing.T) {
	onEachStore(t, func(t *testing.T, path string) {
		start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		clock := clockwork.NewFakeClockAt(start)
		store, f, s, logs := flakySetup(t, path, clock)
		ctx := context.Background()
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer s.Stop()
		setTimers(t, store.DB, bot.Timer{Key: "a", Kind: "k", Due: start.Add(5 * time.Minute)})
		store.failures.Store(2)
		if err := s.Refresh(ctx); err == nil {
			t.Fatal("a refresh whose read failed reported no error")
		}
		if s.Armed() != 0 {
			t.Fatalf("%d armed after a failed read", s.Armed())
		}
		// The first retry (after at most a second) fails too; the second (at most two more)
		// reads the timer. No commit asks for either.
		for store.reads.Load() < 4 {
			clock.Advance(250 * time.Millisecond)
			time.Sleep(time.Millisecond)
			if clock.Since(start) > time.Minute {
				t.Fatalf("the failed read was not tried again within a minute (%d reads)", store.reads.Load())
			}
		}
		waitArmed(t, s, 1, "after the retried read")
		clock.Advance(5 * time.Minute)
		if k := waitFired(t, f, 1); k[0] != "a" {
			t.Fatalf("fired %v", k)
		}
		out := logs.String()
		if !strings.Contains(out, "connection reset by peer") || !strings.Contains(out, "retry_in=") || strings.Count(out, "pending timers") != 2 {
			t.Fatalf("the two failed reads are not logged once each with the wait before the next:\n%s", out)
		}
	})
}

// The first read, when a scheduler starts (a process starting, a replica winning the
// lead), is retried the same way instead of failing the start.
func TestAFailedFirstReadIsTriedAgain(t *testing.T) {
	onEachStore(t, func(t *testing.T, path string) {
		start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		clock := clockwork.NewFakeClockAt(start)
		store, f, s, _ := flakySetup(t, path, clock)
		setTimers(t, store.DB, bot.Timer{Key: "a", Kind: "k", Due: start.Add(-time.Minute)})
		store.failures.Store(1)
		ctx := context.Background()
		if err := s.Start(ctx); err != nil {
			t.Fatalf("a start whose first read failed: %v", err)
		}
		defer s.Stop()
		for store.reads.Load() < 2 {
			clock.Advance(250 * time.Millisecond)
			time.Sleep(time.Millisecond)
			if clock.Since(start) > time.Minute {
				t.Fatal("the failed first read was not tried again within a minute")
			}
		}
		if k := waitFired(t, f, 1); k[0] != "a" {
			t.Fatalf("fired %v", k)
		}
	})
}

// A fire that does not take — its transaction failed and rolled back, so the timer is still
// pending at the time it was due — is tried again after a backoff, not at once (a database
// that refuses writes would be asked in a tight loop) and not never. Before, the scheduler
// dropped the timer after its fire call whatever happened, and it stayed pending and
// unarmed until an unrelated commit refreshed.
func TestAFireThatFailedIsTriedAgain(t *testing.T) {
	onEachStore(t, func(t *testing.T, path string) {
		start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		clock := clockwork.NewFakeClockAt(start)
		db, f, s := setup(t, path, clock)
		t.Cleanup(func() { db.Close() })
		var failing atomic.Int32
		failing.Store(2)
		f.during = func(tx *storage.Tx, tm bot.Timer) error {
			if failing.Add(-1) >= 0 {
				return errors.New("disk I/O error")
			}
			return nil
		}
		setTimers(t, db, bot.Timer{Key: "a", Kind: "k", Due: start.Add(time.Minute)})
		ctx := startThenAdvance(t, s, clock, time.Minute)
		f.waitCalls(t, 1)
		waitArmed(t, s, 1, "after a fire that rolled back")
		// The first retry waits at least half a second (backoff from 1 s, jittered in its upper
		// half), the second at least one.
		clock.BlockUntilContext(ctx, 1)
		clock.Advance(499 * time.Millisecond)
		f.noCallFor(t, "a failed fire was tried again at once")
		clock.Advance(501 * time.Millisecond)
		f.waitCalls(t, 2)
		waitArmed(t, s, 1, "after a second fire that rolled back")
		clock.BlockUntilContext(ctx, 1)
		clock.Advance(999 * time.Millisecond)
		f.noCallFor(t, "the second retry did not back off further")
		clock.Advance(time.Second + time.Millisecond)
		if k := waitFired(t, f, 1); k[0] != "a" {
			t.Fatalf("fired %v", k)
		}
		waitArmed(t, s, 0, "after the fire took")
		if f.fired["a"] != 1 {
			t.Fatalf("a fired %d times", f.fired["a"])
		}
	})
}

// A fire whose transaction sets its timer again for the very time it was due (a re-plan
// that arrives at the same time; a command that re-sets it while it fires) leaves the timer
// pending at an unchanged due time. The refresh after that commit saw no change, so it kept
// the arming being fired, and the end of the fire call then un-tracked it: the timer was
// pending and never fired. It now fires again.
func TestATimerSetAgainForItsDueTimeWhileFiringFiresAgain(t *testing.T) {
	onEachStore(t, func(t *testing.T, path string) {
		start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		clock := clockwork.NewFakeClockAt(start)
		db, f, s := setup(t, path, clock)
		t.Cleanup(func() { db.Close() })
		due := start.Add(time.Minute)
		var again atomic.Bool
		again.Store(true)
		f.during = func(tx *storage.Tx, tm bot.Timer) error {
			if again.CompareAndSwap(true, false) {
				return tx.SetTimer(bot.Timer{Key: tm.Key, Kind: tm.Kind, Due: due})
			}
			return nil
		}
		f.after = func(ctx context.Context) {
			if err := s.Refresh(ctx); err != nil { // as the engine's TimersChanged hook does
				t.Error(err)
			}
		}
		setTimers(t, db, bot.Timer{Key: "a", Kind: "k", Due: due})
		ctx := startThenAdvance(t, s, clock, time.Minute)
		waitFired(t, f, 1)
		waitArmed(t, s, 1, "the timer set again for its due time")
		clock.Advance(time.Second)
		waitFired(t, f, 1)
		if f.fired["a"] != 2 {
			t.Fatalf("a fired %d times, want 2 (once, then once more as it was set again)", f.fired["a"])
		}
		if p, _ := db.PendingTimers(ctx); len(p) != 0 {
			t.Fatalf("%d still pending", len(p))
		}
	})
}
