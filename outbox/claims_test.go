package outbox

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/warroom/warroom/bot"
)

// What the deliverer does with rows the store claimed for it (PostgreSQL, several
// processes: bot.Outbound.Until set).

// claimStore serves one row (claimed when until is set) and records releases.
type claimStore struct {
	oneRowStore
	mu       sync.Mutex
	released []releaseCall
}

type releaseCall struct {
	id          int64
	until, next time.Time
}

func (s *claimStore) ReleaseOutbound(_ context.Context, id int64, until, next time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.released = append(s.released, releaseCall{id, until, next})
	return nil
}

func (s *claimStore) releases() []releaseCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]releaseCall(nil), s.released...)
}

// hangingPlatform's Post waits until its context ends, and says when it did.
type hangingPlatform struct {
	countingPlatform
	started chan struct{}
	ended   chan error
}

func (p *hangingPlatform) Post(ctx context.Context, _ string, _ bot.Message) (string, error) {
	close(p.started)
	<-ctx.Done()
	p.ended <- ctx.Err()
	return "", ctx.Err()
}

func newHanging() *hangingPlatform {
	return &hangingPlatform{started: make(chan struct{}), ended: make(chan error, 1)}
}

// An attempt at a claimed row is abandoned before the claim ends, so it cannot still be
// under way when another deliverer takes the row; the failure is recorded as a retry.
func TestAttemptEndsBeforeItsClaim(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))
	until := clock.Now().Add(claimMargin + 200*time.Millisecond)
	st := &claimStore{oneRowStore: oneRowStore{row: bot.Outbound{ID: 3, Lane: "C1", Platform: "fake", Op: bot.OpPost, Target: "C1", Until: until}}}
	p := newHanging()
	d := NewDeliverer(st, clock, slog.New(slog.DiscardHandler), p)
	done := make(chan struct{})
	go func() { defer close(done); _, _ = d.Round(context.Background()) }()
	select {
	case err := <-p.ended:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("the attempt ended with %v, want its deadline", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the attempt outlived its claim")
	}
	<-done
	if st.retries != 1 {
		t.Fatalf("%d retries recorded, want the abandoned attempt's one", st.retries)
	}
}

// A deliverer that stops while delivering a claimed row gives the claim up, due again
// after the settle time; one without a claim (SQLite) has nothing to give up.
func TestStoppingGivesUpClaims(t *testing.T) {
	for _, claimed := range []bool{true, false} {
		clock := clockwork.NewFakeClockAt(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))
		row := bot.Outbound{ID: 4, Lane: "C1", Platform: "fake", Op: bot.OpPost, Target: "C1"}
		if claimed {
			row.Until = clock.Now().Add(30 * time.Second)
		}
		st := &claimStore{oneRowStore: oneRowStore{row: row}}
		p := newHanging()
		d := NewDeliverer(st, clock, slog.New(slog.DiscardHandler), p)
		ctx, cancel := context.WithCancel(context.Background())
		ran := make(chan struct{})
		go func() { defer close(ran); d.Run(ctx, time.Hour) }()
		<-p.started
		cancel()
		<-ran
		got := st.releases()
		switch {
		case claimed && (len(got) != 1 || got[0] != releaseCall{4, row.Until, clock.Now().Add(claimSettle)}):
			t.Fatalf("claimed row: releases %+v, want one until %v, due again at %v", got, row.Until, clock.Now().Add(claimSettle))
		case !claimed && len(got) != 0:
			t.Fatalf("a row without a claim was released: %+v", got)
		}
		if st.retries != 0 {
			t.Fatalf("claimed %v: a stop was recorded as a failed attempt", claimed)
		}
	}
}

// A claimed head is taken even while its lane is still marked busy (its previous
// operation is recorded, the mark not yet cleared): passing over it would leave it
// claimed and undelivered until the claim ran out. Without a claim it waits for the lane.
func TestClaimedHeadOfABusyLaneIsTaken(t *testing.T) {
	clock := clockwork.NewFakeClock()
	for _, claimed := range []bool{true, false} {
		row := bot.Outbound{ID: 2, Lane: "C1", Platform: "fake", Op: bot.OpPost, Target: "C1"}
		if claimed {
			row.Until = clock.Now().Add(30 * time.Second)
		}
		d := NewDeliverer(&oneRowStore{row: row}, clock, slog.New(slog.DiscardHandler))
		d.lanes.busy["C1"] = 1
		taken, err := d.take(context.Background(), false)
		if err != nil || (len(taken) == 1) != claimed {
			t.Fatalf("claimed %v: took %v (%v)", claimed, taken, err)
		}
		d.release(row, false, false)
		if busy, _ := d.busyLanes(); busy != map[bool]int{true: 1, false: 0}[claimed] {
			t.Fatalf("claimed %v: %d lanes busy after the first release", claimed, busy)
		}
	}
}
