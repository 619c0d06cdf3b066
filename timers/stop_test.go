package timers_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/timers"
)

// holdingStore is flakyStore whose reads of the pending timers, once hold is set, wait for
// their context to end (a database that stopped answering) and say so on held; closing
// release ends them too (the test gives up).
type holdingStore struct {
	*flakyStore
	hold          atomic.Bool
	held, release chan struct{}
}

func (s *holdingStore) PendingTimers(ctx context.Context) ([]bot.Timer, error) {
	if s.hold.Load() {
		s.held <- struct{}{}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-s.release:
			return nil, errRead
		}
	}
	return s.flakyStore.PendingTimers(ctx)
}

// A scheduler stopped while its loop is re-reading the store (a read had failed; the
// database then hangs, and the replica loses the lead or is told to stop) returns, and fires
// nothing after the stop. Before, Stop took the scheduler's lock before cancelling the loop,
// and the loop held that lock across the read that only the cancel could end: Stop never
// returned while the read hung. And once the read ended the loop went straight to firing
// what was due (a re-read owed holds every fire back until it is done), so a replica that
// had just lost the lead fired the timers the new leader was firing.
func TestAStopDuringARereadFiresNothing(t *testing.T) {
	onEachStore(t, func(t *testing.T, path string) {
		start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		clock := clockwork.NewFakeClockAt(start)
		flaky, f, _, _ := flakySetup(t, path, clock)
		store := &holdingStore{flakyStore: flaky, held: make(chan struct{}, 1), release: make(chan struct{})}
		s, err := timers.NewScheduler(store, clock, nil, f.fire)
		if err != nil {
			t.Fatal(err)
		}
		setTimers(t, flaky.DB, bot.Timer{Key: "a", Kind: "k", Due: start.Add(5 * time.Minute)})
		ctx := context.Background()
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer s.Stop()
		waitArmed(t, s, 1, "after the first read")
		flaky.failures.Store(1)
		if err := s.Refresh(ctx); err == nil {
			t.Fatal("a refresh whose read failed reported no error")
		}
		store.hold.Store(true)
		// The re-read is owed within a second, the timer in five minutes: both are due
		// now, and the re-read goes first and hangs.
		clock.BlockUntilContext(ctx, 1)
		clock.Advance(5 * time.Minute)
		select {
		case <-store.held:
		case <-time.After(10 * time.Second):
			t.Fatal("the owed re-read was not made")
		}
		stopped := make(chan error, 1)
		go func() { stopped <- s.Stop() }()
		select {
		case err := <-stopped:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			close(store.release)
			<-stopped
			// Stop took the scheduler's lock before cancelling, and the hanging read held it
			// waiting for that cancel.
			t.Fatal("Stop did not return while a read of the store hung")
		}
		f.mu.Lock()
		calls := len(f.calls)
		f.mu.Unlock()
		if calls != 0 {
			t.Fatalf("the stopped scheduler fired %d timers after its stop", calls)
		}
		if p, err := flaky.DB.PendingTimers(ctx); err != nil || len(p) != 1 {
			t.Fatalf("pending after the stop: %d, %v; want the timer, for the next leader", len(p), err)
		}
	})
}
