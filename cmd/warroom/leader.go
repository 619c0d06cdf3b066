package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/outbox"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/timers"
)

// The work only one process may do. Every replica serves Slack (HTTP and a Socket Mode
// connection: Slack hands each event to one of them, and the database's dedup makes a
// redelivered one count once) and answers its commands; but timers, the outbox deliverer,
// the Discord gateway (two gateway sessions would both receive every event), the actions
// worker and pruning run on the leader alone. On SQLite the one process is always the
// leader. On PostgreSQL the replicas campaign (storage.Elector) and the winner runs that
// work for as long as it holds the leader lock: a term. When the lock is lost the term
// ends at once, without draining the outbox — another replica may already lead and
// deliver; the process stays up as a follower and campaigns again.

// leaderWork builds and ends terms. Its kick and refresh are the engine's hooks, so they
// reach the term that runs now, if any.
type leaderWork struct {
	db     *storage.DB
	clock  clockwork.Clock
	log    *slog.Logger
	tel    *telemetry
	fire   func(ctx context.Context, id int64) // the engine's FireTimer
	always []bot.Platform                      // platforms every replica connects (Slack)
	// leaderOnly start the platforms only the leader connects (Discord), with env.
	leaderOnly []adapterStarter
	env        adapterEnv
	acts       func(ctx context.Context) *actionRunner
	prune      func(ctx context.Context)
	failed     chan<- error // a leader-only platform that failed: the process stops

	mu   sync.Mutex
	live *term
}

// The deliverer follows a lane through the store's DueLaneHead (outbox/chain.go); it finds
// it by a type assertion, so this line keeps a renamed method from silently turning it off.
var _ outbox.LaneHeadStore = (*storage.DB)(nil)

// Likewise for the kicks it answers without reading every lane's head (outbox/kicks.go),
// and the commits' announcements that spare it those (outbox/announce.go).
var _ outbox.QueuedStore = (*storage.DB)(nil)
var _ outbox.Announcer = (*storage.DB)(nil)

// And for the uploads whose bytes the store keeps apart (outbox/files.go): without it a
// stored report could not be uploaded.
var _ outbox.FileStore = (*storage.DB)(nil)

// term is one tenure's running work.
type term struct {
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	deliverer *outbox.Deliverer
	sched     *timers.Scheduler
	adapters  []*adapter
	acts      *actionRunner
}

// kick wakes the term's deliverer (a commit queued something).
func (w *leaderWork) kick() {
	if t := w.current(); t != nil {
		t.deliverer.Kick()
	}
}

// refresh re-reads the timers into the term's scheduler (a commit set or moved some). A
// read that fails is logged and retried by the scheduler itself.
func (w *leaderWork) refresh() {
	if t := w.current(); t != nil {
		_ = t.sched.Refresh(context.Background())
	}
}

func (w *leaderWork) current() *term {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.live
}

// adapters are the leader-only platforms connected now (for /readyz).
func (w *leaderWork) adapters() []*adapter {
	if t := w.current(); t != nil {
		return t.adapters
	}
	return nil
}

// begin starts a term: a new deliverer (what was queued before it started may have been
// under way in the last leader: bot.Delivery.MaybeDone), the leader-only platforms, the
// scheduler — which reads every pending timer, whoever set it — the actions worker and
// pruning.
func (w *leaderWork) begin(ctx context.Context) (*term, error) {
	ctx, cancel := context.WithCancel(ctx)
	t := &term{cancel: cancel, deliverer: outbox.NewDeliverer(w.db, w.clock, w.log)}
	t.deliverer.Announce(w.db) // SQLite: each commit names its lanes (outbox/announce.go)
	t.deliverer.OnDelivered = w.tel.delivered
	for _, p := range w.always {
		t.deliverer.AddPlatform(p)
	}
	for _, start := range w.leaderOnly {
		a, err := start(ctx, w.env)
		if err != nil {
			_ = t.end(false, 0)
			return nil, err
		}
		if a == nil {
			continue
		}
		t.adapters = append(t.adapters, a)
		t.deliverer.AddPlatform(a.platform)
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			if err := a.run(ctx); err != nil && ctx.Err() == nil {
				w.fail(fmt.Errorf("%s: %w", a.name, err))
			}
		}()
		w.log.Info("platform started", "platform", a.name)
	}
	sched, err := timers.NewScheduler(w.db, w.clock, w.log, w.fire)
	if err != nil {
		_ = t.end(false, 0)
		return nil, err
	}
	t.sched = sched
	// Published before the scheduler's first read, so a refresh asked for after that read
	// began is not lost.
	w.mu.Lock()
	w.live = t
	w.mu.Unlock()
	if err := sched.Start(ctx); err != nil {
		w.stop(t, false, 0)
		return nil, err
	}
	t.wg.Add(2)
	go func() { defer t.wg.Done(); t.deliverer.Run(ctx, time.Second) }()
	go func() { defer t.wg.Done(); w.prune(ctx) }()
	t.acts = w.acts(ctx)
	return t, nil
}

// fail reports what stops the process (never blocks: the first report is enough).
func (w *leaderWork) fail(err error) {
	select {
	case w.failed <- err:
	default:
		w.log.Error("leader", "err", err)
	}
}

// stop ends the term t (see term.end) and unpublishes it.
func (w *leaderWork) stop(t *term, drain bool, grace time.Duration) {
	w.mu.Lock()
	if w.live == t {
		w.live = nil
	}
	w.mu.Unlock()
	if err := t.end(drain, grace); err != nil {
		w.log.Warn("outbox not fully drained before exit; it is delivered by the next leader", "err", err)
	}
}

// end stops the term's work. With drain (a shutdown while leading) it then delivers what
// is due for up to grace; without (leadership lost) it does not: another replica may
// already be delivering.
func (t *term) end(drain bool, grace time.Duration) error {
	if t.sched != nil {
		_ = t.sched.Stop()
	}
	t.cancel()
	t.wg.Wait()
	if t.acts != nil {
		t.acts.close()
	}
	if !drain {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	return t.deliverer.Flush(ctx)
}

// leadership runs terms while this process leads.
type leadership struct {
	w       *leaderWork
	elector *storage.Elector // nil on SQLite
	give    context.CancelFunc
	wake    chan struct{}
	quit    chan struct{}
	done    chan struct{}

	mu   sync.Mutex
	want bool  // the elector's latest word
	cur  *term // the term running now
}

// lead starts leading at once on SQLite (a platform that cannot start fails the start-up),
// and campaigns on PostgreSQL.
func lead(ctx context.Context, w *leaderWork) (*leadership, error) {
	l := &leadership{w: w, wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	if !w.db.IsPostgres() {
		close(l.done)
		t, err := w.begin(ctx)
		if err != nil {
			return nil, err
		}
		l.cur = t
		return l, nil
	}
	go l.supervise(ctx)
	timers := make(chan struct{}, 1)
	go func() { // refreshes read the database: not on the campaign's goroutine
		for {
			select {
			case <-timers:
				w.refresh()
			case <-l.done:
				return
			}
		}
	}()
	// The campaign outlives ctx: on a shutdown the leader drains first, then gives up.
	electCtx, give := context.WithCancel(context.WithoutCancel(ctx))
	e, err := w.db.Campaign(electCtx, storage.CampaignOptions{
		Changed: l.changed,
		Notified: func(channel string) {
			switch channel {
			case storage.ChannelTimers:
				select {
				case timers <- struct{}{}:
				default:
				}
			case storage.ChannelOutbox:
				w.kick()
			}
		},
		Problem: func(err error) { w.log.Warn("leader election: connection failed; campaigning again", "err", err) },
	})
	if err != nil {
		give()
		close(l.quit)
		<-l.done
		return nil, err
	}
	l.elector, l.give = e, give
	return l, nil
}

// changed is the elector's word (never blocks).
func (l *leadership) changed(leader bool) {
	l.mu.Lock()
	l.want = leader
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *leadership) supervise(ctx context.Context) {
	defer close(l.done)
	for {
		select {
		case <-l.wake:
		case <-l.quit:
			return
		}
		l.mu.Lock()
		want, cur := l.want, l.cur
		l.mu.Unlock()
		switch {
		case want && cur == nil:
			t, err := l.w.begin(ctx)
			if err != nil {
				l.w.fail(err)
				continue
			}
			l.w.log.Info("leading: timers, outbox and leader-only platforms started")
			l.setCur(t)
		case !want && cur != nil:
			l.w.log.Warn("no longer the leader: timers, outbox and leader-only platforms stopped")
			l.setCur(nil)
			l.w.stop(cur, false, 0)
		}
	}
}

func (l *leadership) setCur(t *term) {
	l.mu.Lock()
	l.cur = t
	l.mu.Unlock()
}

// Leader reports whether this process runs the leader's work now.
func (l *leadership) Leader() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur != nil
}

// stop ends leading for a shutdown: a running term drains the outbox for up to grace,
// then the leader lock is given up.
func (l *leadership) stop(grace time.Duration) {
	select {
	case <-l.quit:
	default:
		close(l.quit)
	}
	<-l.done
	l.mu.Lock()
	cur := l.cur
	l.cur = nil
	l.mu.Unlock()
	if cur != nil {
		l.w.stop(cur, true, grace)
	}
	if l.elector != nil {
		l.give()
		l.elector.Wait()
	}
}
