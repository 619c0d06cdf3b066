// Package timers fires the durable timers (nudges, reminders, escalations, handoffs) that
// commands stored in the database, each when it comes due; the database stays the source of
// truth, so a restart loses and repeats nothing.
//
// One clock timer, set for the earliest due time, drives every pending timer. Until issue 13
// each timer was a gocron one-time job with a uuid identifier: a job, a goroutine-backed clock
// timer and a map entry per pending timer, and a dependency for what is a min over due times.
// gocron stays where a scheduler library earns its place: its distributed elector interface is
// what storage.Elector implements for several replicas on PostgreSQL.
package timers

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/warroom/warroom/bot"
)

// TimerStore is what the scheduler needs from storage.
type TimerStore interface {
	// PendingTimers lists every pending timer.
	PendingTimers(ctx context.Context) ([]bot.Timer, error)
	// PendingTimer reads one timer: ok is false when it is no longer pending.
	PendingTimer(ctx context.Context, id int64) (t bot.Timer, ok bool, err error)
}

// stopTimeout bounds how long Stop waits for timers being fired.
const stopTimeout = 5 * time.Second

// Scheduler keeps the store's pending timers armed and calls fire when one comes due. The
// store is the source of truth: the scheduler holds nothing that a restart would lose, and
// fire must claim the timer in the same transaction as its effects.
type Scheduler struct {
	store TimerStore
	fire  func(ctx context.Context, id int64)
	clock clockwork.Clock
	log   *slog.Logger

	mu     sync.Mutex
	armed  map[int64]armedTimer // timer id -> its due time
	firing map[int64]bool       // timers whose fire call is under way
	gen    uint64               // numbers each arming, so a fire un-tracks only its own
	wake   chan struct{}
	// A read of the store that failed is retried at reread (zero: none owed); misses
	// counts the failures in a row, for the backoff.
	reread time.Time
	misses int
	done   sync.WaitGroup // the loop and every fire call

	// cancel ends the loop's context. It has a lock of its own: the loop holds mu across
	// its reads of the store (reconcile), and a read that hangs ends only by this cancel,
	// so Stop must reach it without mu.
	life   sync.Mutex
	cancel context.CancelFunc

	// Refreshes are coalesced: every commit that touches timers asks for one, and a burst
	// (hundreds of overdue nudges firing at start-up) must not queue hundreds of full
	// scans. A refresh covers every request made before it started.
	rmu       sync.Mutex
	rcond     *sync.Cond
	requested uint64
	applied   uint64
	running   bool
}

type armedTimer struct {
	due   time.Time // the store's due time
	at    time.Time // when to fire it: due, or later while a fire that did not take waits
	gen   uint64
	tries int // fires in a row that left it pending at this due time
}

// NewScheduler builds a scheduler; fire runs a due timer (usually Engine.FireTimer).
func NewScheduler(store TimerStore, clock clockwork.Clock, log *slog.Logger, fire func(ctx context.Context, id int64)) (*Scheduler, error) {
	if store == nil || clock == nil || fire == nil {
		return nil, errors.New("timers: a store, a clock and a fire function are required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{store: store, fire: fire, clock: clock, log: log,
		armed: map[int64]armedTimer{}, firing: map[int64]bool{}, wake: make(chan struct{}, 1)}
	s.rcond = sync.NewCond(&s.rmu)
	return s, nil
}

// Start arms every pending timer (overdue ones fire at once) and starts the clock. A stopped
// scheduler may be started again (a replica that wins leadership back). When the first read
// of the store fails, it is retried like any other (see Refresh): the error is only logged,
// so a replica that wins the lead during a database blip still leads once it passes.
func (s *Scheduler) Start(ctx context.Context) error {
	s.life.Lock()
	if s.cancel != nil {
		s.life.Unlock()
		return errors.New("timers: the scheduler is already started")
	}
	loopCtx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	s.done.Add(1)
	s.life.Unlock()
	go s.loop(loopCtx)
	_ = s.Refresh(ctx) // a failure is logged and retried
	return nil
}

// Stop stops firing and waits (up to 5 s) for fire calls under way; pending timers stay in
// the store for the next start.
func (s *Scheduler) Stop() error {
	s.life.Lock()
	cancel := s.cancel
	s.cancel = nil
	s.life.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	finished := make(chan struct{})
	go func() { s.done.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(stopTimeout):
		return errors.New("timers: fire calls still running 5 s after stop")
	}
	s.mu.Lock()
	clear(s.armed)
	s.reread, s.misses = time.Time{}, 0
	s.mu.Unlock()
	return nil
}

// Armed is how many pending timers are armed (for tests and metrics).
func (s *Scheduler) Armed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.armed)
}

// Refresh reconciles the armed timers with the store's pending timers. Call it after any
// commit that set, moved or cancelled timers: when it returns, a snapshot of the store
// read after the call began has been applied. Concurrent calls share one reconciliation.
// When the read fails the armed set stays as it was, and the scheduler logs the failure and
// reads again after a backoff (retried until a read succeeds): the commit that asked may
// have set a timer nothing else will ask about.
func (s *Scheduler) Refresh(ctx context.Context) error {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	s.requested++
	mine := s.requested
	for s.applied < mine {
		if s.running {
			s.rcond.Wait()
			continue
		}
		s.running = true
		covers := s.requested
		s.rmu.Unlock()
		err := s.reconcile(ctx)
		s.rmu.Lock()
		s.running = false
		if err == nil && covers > s.applied {
			s.applied = covers
		}
		s.rcond.Broadcast()
		if err != nil {
			return err
		}
	}
	return nil
}

// reconcile makes the armed set match the store and wakes the loop to re-aim its timer.
func (s *Scheduler) reconcile(ctx context.Context) error {
	// Read under the lock: a snapshot read before a newer one was applied must never be
	// applied after it — it would forget a timer just moved and re-arm it at its old,
	// already claimed time.
	s.mu.Lock()
	defer s.mu.Unlock()
	pending, err := s.store.PendingTimers(ctx)
	if err != nil {
		s.readFailed(ctx, "reading the pending timers", err)
		return err
	}
	s.reread, s.misses = time.Time{}, 0
	want := make(map[int64]time.Time, len(pending))
	for _, t := range pending {
		want[t.ID] = t.Due
	}
	for id, a := range s.armed {
		if due, ok := want[id]; !ok || !due.Equal(a.due) {
			delete(s.armed, id)
		}
	}
	for id, due := range want {
		if _, ok := s.armed[id]; !ok {
			s.arm(id, due)
		}
	}
	s.poke()
	return nil
}

// arm tracks timer id as pending at due (s.mu held).
func (s *Scheduler) arm(id int64, due time.Time) {
	s.gen++
	s.armed[id] = armedTimer{due: due, at: due, gen: s.gen}
}

// poke wakes the loop without blocking; one pending wake covers any number of pokes.
func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// loop fires what is due, then sleeps on one clock timer until the earliest due time or a
// change (a refresh, a fire that finished).
func (s *Scheduler) loop(ctx context.Context) {
	defer s.done.Done()
	for {
		next, ok, reread := s.fireDue(ctx)
		if reread {
			_ = s.Refresh(ctx) // a failure is logged and owes the next retry
			if ctx.Err() != nil {
				return // stopped during the read: fire nothing more
			}
			continue
		}
		var due <-chan time.Time
		var timer clockwork.Timer
		if ok {
			timer = s.timerUntil(next)
			due = timer.Chan()
		}
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-due:
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// timerUntil returns a clock timer that fires at next. A clock takes a duration, not a time,
// so if the clock moves while the timer is being made (a fake clock advanced by a test, a
// long pause of the real one) the duration is stale and the timer would fire late: make it
// again.
func (s *Scheduler) timerUntil(next time.Time) clockwork.Timer {
	for {
		before := s.clock.Now()
		t := s.clock.NewTimer(next.Sub(before))
		if s.clock.Since(before) < time.Millisecond {
			return t
		}
		t.Stop()
	}
}

// fireDue starts a fire call for every armed timer that is due and not already being
// fired, and returns the earliest due time of the others or of an owed re-read (ok false
// when there is none); reread is true when a re-read of the store is owed now.
func (s *Scheduler) fireDue(ctx context.Context) (next time.Time, ok, reread bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	if !s.reread.IsZero() {
		if !s.reread.After(now) {
			s.reread = time.Time{}
			return next, false, true
		}
		next, ok = s.reread, true
	}
	for id, a := range s.armed {
		if s.firing[id] {
			continue
		}
		if !a.at.After(now) {
			s.firing[id] = true
			s.done.Add(1)
			go s.run(ctx, id, a.gen)
			continue
		}
		if !ok || a.at.Before(next) {
			next, ok = a.at, true
		}
	}
	return next, ok, false
}

func (s *Scheduler) run(ctx context.Context, id int64, gen uint64) {
	defer s.done.Done()
	// The caller's context, not the loop's: Stop must not cut a claim half way (it waits).
	ctx = context.WithoutCancel(ctx)
	s.fire(ctx, id)
	// Un-track the timer only now: while it is being fired (waiting for the database, say)
	// it is still pending, and a refresh must not fire it a second time. Only this arming's
	// own entry is settled — one that replaced it (the fire moved the timer) stays.
	s.mu.Lock()
	delete(s.firing, id)
	if a, ok := s.armed[id]; ok && a.gen == gen {
		s.settle(ctx, id, a)
	}
	s.mu.Unlock()
	s.poke()
}
