package outbox

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/warroom/warroom/bot"
)

// laneStore is an in-memory outbox: rows in id order, the head of each lane due when its
// next attempt time has come.
type laneStore struct {
	mu   sync.Mutex
	rows []laneRow
}

type laneRow struct {
	o    bot.Outbound
	next time.Time
	done bool
}

func (s *laneStore) add(lane, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rows = append(s.rows, laneRow{o: bot.Outbound{ID: int64(len(s.rows) + 1), Lane: lane, Platform: "fake", Op: bot.OpPost, Target: lane,
		Payload: bot.Payload{Message: bot.Message{Text: bot.Plain(text)}}}})
}

func (s *laneStore) DueOutbound(_ context.Context, now time.Time, limit int, creations bool) ([]bot.Outbound, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	var due []bot.Outbound
	for _, r := range s.rows {
		if r.done || seen[r.o.Lane] {
			continue
		}
		seen[r.o.Lane] = true
		if !r.next.After(now) && len(due) < limit && (creations || !isCreation(r.o)) {
			due = append(due, r.o)
		}
	}
	return due, nil
}

func (s *laneStore) row(id int64) *laneRow { return &s.rows[id-1] }

func (s *laneStore) CompleteOutbound(_ context.Context, o bot.Outbound, _ bot.Delivered, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.row(o.ID).done = true
	return nil
}

func (s *laneStore) ReleaseOutbound(context.Context, int64, time.Time, time.Time) error { return nil }
func (s *laneStore) RetryOutbound(_ context.Context, id int64, _, next time.Time, _ string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.row(id).next = next
	s.row(id).o.Attempts++
	return nil
}

func (s *laneStore) FailOutbound(_ context.Context, id int64, _ time.Time, _ string, _ time.Time) error {
	return s.CompleteOutbound(context.Background(), bot.Outbound{ID: id}, bot.Delivered{}, time.Time{})
}
func (s *laneStore) Enqueue(context.Context, bot.Outbound, time.Time) error { return nil }
func (s *laneStore) IncidentChannel(context.Context, int64) (string, string, error) {
	return "", "", nil
}

// lanePlatform answers posts to channel "slow" only when the test says so (a 3 s API, a
// hung connection) or, with limited set, always with a 429; other channels answer at once.
// Every answered post is reported on posted.
type lanePlatform struct {
	countingPlatform
	release chan struct{}
	limited bool
	posted  chan string
	calls   chan string // every call to the slow channel, answered or not
}

func (p *lanePlatform) Post(ctx context.Context, ch string, m bot.Message) (string, error) {
	if ch == "slow" {
		p.calls <- m.Text.String()
		if p.limited {
			return "", &bot.RetryAfterError{Wait: 30 * time.Second}
		}
		select {
		case <-p.release:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	p.posted <- ch + ":" + m.Text.String()
	return "m", nil
}

func newLaneTest(limited bool) (*laneStore, *lanePlatform, *Deliverer, *clockwork.FakeClock) {
	st := &laneStore{}
	st.add("slow", "s1")
	st.add("fast", "f1")
	st.add("fast", "f2")
	st.add("fast", "f3")
	st.add("slow", "s2")
	p := &lanePlatform{release: make(chan struct{}), limited: limited, posted: make(chan string, 16), calls: make(chan string, 16)}
	clock := clockwork.NewFakeClock()
	return st, p, NewDeliverer(st, clock, slog.New(slog.DiscardHandler), p), clock
}

// next waits for the next answered post. The deadline only ends a failed test; nothing
// here measures time.
func next(t *testing.T, ch chan string, what string) string {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(10 * time.Second):
		t.Fatalf("%s never came: a lane was held up by another", what)
		return ""
	}
}

// A lane whose platform call does not answer (a 3 s API) does not hold up another lane:
// all of lane "fast" is delivered, in order, while "slow" is still waiting on its first
// message. The old round waited for every lane it had started before looking again, so
// f2 waited for s1.
func TestSlowLaneDoesNotHoldUpAnother(t *testing.T) {
	_, p, d, _ := newLaneTest(false)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { d.Run(ctx, time.Hour); close(ran) }()
	next(t, p.calls, "the slow lane's first call")
	for _, want := range []string{"fast:f1", "fast:f2", "fast:f3"} {
		if got := next(t, p.posted, want); got != want {
			t.Fatalf("posted %q, want %q", got, want)
		}
	}
	select {
	case s := <-p.posted:
		t.Fatalf("%q posted while the slow lane's first message was still unanswered", s)
	default:
	}
	close(p.release) // the slow API answers: its lane goes on, in order
	for _, want := range []string{"slow:s1", "slow:s2"} {
		if got := next(t, p.posted, want); got != want {
			t.Fatalf("posted %q, want %q", got, want)
		}
	}
	cancel()
	<-ran
}

// A lane held back by 429s does not hold up another either, and is tried again when the
// platform's Retry-After has passed (on the fake clock), not before.
func TestRateLimitedLaneDoesNotHoldUpAnother(t *testing.T) {
	st, p, d, clock := newLaneTest(true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan struct{})
	go func() { d.Run(ctx, time.Second); close(ran) }()
	next(t, p.calls, "the limited lane's first call")
	for _, want := range []string{"fast:f1", "fast:f2", "fast:f3"} {
		if got := next(t, p.posted, want); got != want {
			t.Fatalf("posted %q, want %q", got, want)
		}
	}
	// The 429 is recorded after the call returns, and the fast lane may finish first: wait
	// until both lanes are let go (the retry is recorded before its lane is released).
	waitFor(t, "both lanes released", func() bool { busy, _ := d.busyLanes(); return busy == 0 })
	select {
	case s := <-p.calls:
		t.Fatalf("the limited lane was called again (%q) before its Retry-After", s)
	default:
	}
	st.mu.Lock()
	attempts := st.row(1).o.Attempts
	st.mu.Unlock()
	if attempts != 1 {
		t.Fatalf("the limited head was attempted %d times, want 1", attempts)
	}
	// The Run loop waits on its poll timer (1 s of the fake clock); moving the clock past
	// Retry-After wakes it and finds the head due.
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(31 * time.Second)
	// The loop may have been between its look at the queue and arming its poll when the
	// clock moved (a finished lane's kick woke it); the next poll then finds the head due,
	// as the real clock's next poll would.
	var got string
	for i := 0; got == "" && i < 50; i++ {
		select {
		case got = <-p.calls:
		case <-time.After(200 * time.Millisecond):
			clock.Advance(time.Second)
		}
	}
	if got != "s1" {
		t.Fatalf("the retry after Retry-After: got %q, want s1 (its lane in order)", got)
	}
	cancel()
	<-ran
}

// Flush at shutdown, while Run still has a lane in flight, waits for that lane and then
// delivers the rest of it: nothing due is left behind and nothing is sent twice.
func TestFlushWaitsForALaneInFlight(t *testing.T) {
	st, p, d, _ := newLaneTest(false)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { d.Run(ctx, time.Hour); close(ran) }()
	next(t, p.calls, "the slow lane's first call")
	for range 3 {
		next(t, p.posted, "the fast lane")
	}
	flushed := make(chan error, 1)
	go func() { flushed <- d.Flush(context.Background()) }()
	close(p.release)
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	cancel()
	<-ran
	got := []string{}
	for len(p.posted) > 0 {
		got = append(got, <-p.posted)
	}
	if len(got) != 2 || got[0] != "slow:s1" || got[1] != "slow:s2" {
		t.Fatalf("after the flush: %v, want [slow:s1 slow:s2] once each", got)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, r := range st.rows {
		if !r.done {
			t.Fatalf("row %d (%s) left pending after the flush", r.o.ID, r.o.Payload.Message.Text)
		}
	}
}
