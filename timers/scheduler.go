// Package timers fires the durable timers (nudges, reminders, escalations, handoffs) that
// commands stored in the database, each when it comes due; the database stays the source of
// truth, so a restart loses and repeats nothing.
package timers

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/google/uuid"
	"github.com/jonboulle/clockwork"
	"github.com/warroom/warroom/bot"
)

// TimerStore is what the scheduler needs from storage.
type TimerStore interface {
	PendingTimers(ctx context.Context) ([]bot.Timer, error)
}

// Scheduler arms a gocron one-time job for every pending timer in the store and calls Fire
// when one comes due. SQLite is the source of truth: the scheduler holds nothing that a
// restart would lose, and Fire must claim the timer in the same transaction as its effects.
type Scheduler struct {
	store TimerStore
	fire  func(ctx context.Context, id int64)
	clock clockwork.Clock
	log   *slog.Logger
	cron  gocron.Scheduler
	ctx   context.Context

	mu    sync.Mutex
	armed map[int64]armedTimer // timer id -> job

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
	due time.Time
	job uuid.UUID
}

// NewScheduler builds a scheduler; fire runs a due timer (usually Engine.FireTimer).
func NewScheduler(store TimerStore, clock clockwork.Clock, log *slog.Logger, fire func(ctx context.Context, id int64)) (*Scheduler, error) {
	cron, err := gocron.NewScheduler(gocron.WithClock(clock), gocron.WithLocation(time.UTC), gocron.WithStopTimeout(5*time.Second))
	if err != nil {
		return nil, err
	}
	s := &Scheduler{store: store, fire: fire, clock: clock, log: log, cron: cron, armed: map[int64]armedTimer{}}
	s.rcond = sync.NewCond(&s.rmu)
	return s, nil
}

// Start arms every pending timer (overdue ones fire at once) and starts the clock.
func (s *Scheduler) Start(ctx context.Context) error {
	s.ctx = ctx
	s.cron.Start()
	return s.Refresh(ctx)
}

// Stop stops firing; pending timers stay in the store for the next start.
func (s *Scheduler) Stop() error { return s.cron.Shutdown() }

// Armed is how many timers have a job (for tests and metrics).
func (s *Scheduler) Armed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.armed)
}

// Refresh reconciles the armed jobs with the store's pending timers. Call it after any
// commit that set, moved or cancelled timers: when it returns, a snapshot of the store
// read after the call began has been applied. Concurrent calls share one reconciliation.
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

// reconcile arms, moves and removes jobs to match the store.
func (s *Scheduler) reconcile(ctx context.Context) error {
	// Read under the lock: a snapshot read before a newer one was applied must never be
	// applied after it — it would remove the job of a timer just moved and re-arm it at its
	// old, already claimed time.
	s.mu.Lock()
	defer s.mu.Unlock()
	pending, err := s.store.PendingTimers(ctx)
	if err != nil {
		return err
	}
	want := make(map[int64]bot.Timer, len(pending))
	for _, t := range pending {
		want[t.ID] = t
	}
	for id, a := range s.armed {
		if t, ok := want[id]; !ok || !t.Due.Equal(a.due) {
			_ = s.cron.RemoveJob(a.job)
			delete(s.armed, id)
		}
	}
	now := s.clock.Now()
	for id, t := range want {
		if _, ok := s.armed[id]; ok {
			continue
		}
		start := gocron.OneTimeJobStartImmediately()
		if t.Due.After(now) {
			start = gocron.OneTimeJobStartDateTime(t.Due)
		}
		jobID := uuid.NewSHA1(uuid.NameSpaceOID, []byte(t.Key+"@"+bot.FormatTime(t.Due)))
		timerID := id
		task := gocron.NewTask(func() { s.run(timerID, jobID) })
		_, err := s.cron.NewJob(gocron.OneTimeJob(start), task,
			gocron.WithIdentifier(jobID), gocron.WithName("timer:"+t.Key), gocron.WithLimitedRuns(1))
		if errors.Is(err, gocron.ErrOneTimeJobStartDateTimePast) {
			// Due between the check above and gocron's own: it is due now, so run it now
			// rather than leave it unarmed until the next refresh.
			_, err = s.cron.NewJob(gocron.OneTimeJob(gocron.OneTimeJobStartImmediately()), task,
				gocron.WithIdentifier(jobID), gocron.WithName("timer:"+t.Key), gocron.WithLimitedRuns(1))
		}
		if err != nil {
			s.log.Error("scheduler: arming a timer failed", "key", t.Key, "err", err)
			continue
		}
		s.armed[id] = armedTimer{due: t.Due, job: jobID}
	}
	return nil
}

func (s *Scheduler) run(id int64, job uuid.UUID) {
	ctx := s.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	s.fire(ctx, id)
	// Un-track the timer only now: while it is being fired (waiting for the database, say)
	// it is still pending, and a refresh must not arm a second job for it. Only this job's
	// own entry — one that replaced it (the fire moved the timer) stays.
	s.mu.Lock()
	if a, ok := s.armed[id]; ok && a.job == job {
		delete(s.armed, id)
	}
	s.mu.Unlock()
}
