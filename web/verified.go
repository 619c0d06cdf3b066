package web

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/report"
)

// The incident page of a long incident was dominated by reading and re-deriving its
// whole timeline on every change (10,000 entries: most of 73 ms). The web view keeps, per
// incident, the timeline as it last checked it (commands.ReportTimeline): a view after a
// change reads and checks only the entries appended since, each linked to the last
// checked hash. That does not see a row altered behind warroom's back after it was
// checked, so every kept timeline is also checked again from scratch in the background
// every FullCheck (and on demand, ?verify=full): a tampered earlier entry shows on the
// page within FullCheck. The page says which entries were checked how, and when.
//
// The incident record (severity, roles, tasks …) is still compared with the replayed
// entries on every load, and access is decided on every request as before.

const (
	// keptTimelines bounds the memory (a 100,000-entry timeline and its scans are tens of
	// MB): the incidents viewed most recently keep theirs, as many as reports are cached.
	keptTimelines = 8
	// timelineIdle drops an incident's timeline nobody has looked at for this long.
	timelineIdle = 10 * time.Minute
	// fullCheckCoalesce: an on-demand check this soon after the last one reuses it.
	fullCheckCoalesce = 5 * time.Second
)

// checkScope says what the integrity verdict covers: entries 1–FullSeq re-derived from
// scratch at FullAt, and FullSeq+1–Seq checked as they arrived (the last at ExtendedAt).
type checkScope struct {
	FullSeq    int64
	FullAt     time.Time
	Seq        int64
	ExtendedAt time.Time
	Every      time.Duration // how often the check from scratch runs
	Next       time.Time     // when it runs next, at the latest
}

// Incremental says whether some entries were checked only as they arrived; From is the
// first of them.
func (c checkScope) Incremental() bool { return c.Seq > c.FullSeq }
func (c checkScope) From() int64       { return c.FullSeq + 1 }

// EverySeconds is Every for report.Duration.
func (c checkScope) EverySeconds() int64 { return int64(c.Every / time.Second) }

type keptTimeline struct {
	mu       sync.Mutex // one load of this incident extends it at a time
	tl       commands.ReportTimeline
	scans    report.ScanMemo // what the report's build derived from each entry's text
	rows     rowMemo         // the timeline's rows as rendered (rows.go)
	scope    checkScope
	gen      int64 // bumped by each check from scratch: reports built before it are stale
	lastView time.Time
	demanded time.Time // the last check from scratch someone asked for (?verify=full)
}

type timelineKeeper struct {
	s  *Server
	mu sync.Mutex
	m  map[int64]*keptTimeline
}

func newTimelineKeeper(s *Server) *timelineKeeper {
	return &timelineKeeper{s: s, m: map[int64]*keptTimeline{}}
}

// get returns incident n's kept timeline, making room for it.
func (k *timelineKeeper) get(n int64) *keptTimeline {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.s.o.Clock.Now()
	if kt := k.m[n]; kt != nil {
		kt.lastView = now
		return kt
	}
	if len(k.m) >= keptTimelines {
		var oldest int64
		var at time.Time
		for m, kt := range k.m {
			if at.IsZero() || kt.lastView.Before(at) {
				oldest, at = m, kt.lastView
			}
		}
		delete(k.m, oldest)
	}
	kt := &keptTimeline{lastView: now}
	k.m[n] = kt
	return kt
}

// generation is what a cached report of incident n must match to be reused.
func (k *timelineKeeper) generation(n int64) int64 {
	k.mu.Lock()
	kt := k.m[n]
	k.mu.Unlock()
	if kt == nil {
		return 0
	}
	kt.mu.Lock()
	defer kt.mu.Unlock()
	return kt.gen
}

// load runs fn (a report load and build of incident n) with n's kept timeline and scan
// memo, and keeps what it leaves. fn is handed a copy of the timeline: a load that fails
// leaves it as it was (the memo only ever holds what its entries gave).
func (k *timelineKeeper) load(n int64, fn func(tl *commands.ReportTimeline, scans *report.ScanMemo) error) (checkScope, error) {
	kt := k.get(n)
	kt.mu.Lock()
	defer kt.mu.Unlock()
	tl := kt.tl
	if err := fn(&tl, &kt.scans); err != nil {
		return checkScope{}, err
	}
	now := k.s.o.Clock.Now().UTC()
	kt.tl = tl
	if tl.Full {
		kt.scope.FullSeq, kt.scope.FullAt = tl.Chain.Seq(), now
	}
	if tl.Read > 0 || tl.Full {
		kt.scope.ExtendedAt = now
	}
	kt.scope.Seq = tl.Chain.Seq()
	kt.scope.Every = k.s.o.FullCheck
	kt.scope.Next = kt.scope.FullAt.Add(k.s.o.FullCheck)
	return kt.scope, nil
}

// run checks every kept timeline from scratch each FullCheck, and forgets the ones
// nobody looked at for timelineIdle.
func (k *timelineKeeper) run(ctx context.Context) {
	t := k.s.o.Clock.NewTicker(k.s.o.FullCheck)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.Chan():
		}
		k.mu.Lock()
		now := k.s.o.Clock.Now()
		var due []int64
		for n, kt := range k.m {
			if now.Sub(kt.lastView) >= timelineIdle {
				delete(k.m, n)
				continue
			}
			due = append(due, n)
		}
		k.mu.Unlock()
		for _, n := range due {
			if err := k.fullCheck(ctx, n, 0); err != nil && ctx.Err() == nil {
				k.s.o.Log.Warn("web view: checking a timeline from scratch", "incident", bot.FormatID(n), "err", err)
			}
		}
	}
}

// fullCheck reads and checks incident n's whole timeline again and keeps the result (a
// failure stays until a check from scratch passes). With coalesce set (a request asked
// for it), it does nothing within coalesce of the last request that did: asking again
// and again costs one check per coalesce.
func (k *timelineKeeper) fullCheck(ctx context.Context, n int64, coalesce time.Duration) error {
	k.mu.Lock()
	kt := k.m[n]
	k.mu.Unlock()
	if kt == nil {
		return nil // never viewed, or forgotten: the next view starts from scratch anyway
	}
	kt.mu.Lock()
	recent := coalesce > 0 && !kt.demanded.IsZero() && k.s.o.Clock.Since(kt.demanded) < coalesce
	if coalesce > 0 && !recent {
		kt.demanded = k.s.o.Clock.Now()
	}
	kt.mu.Unlock()
	if recent {
		return nil
	}
	// Read without holding kt: views meanwhile extend the older state, and are then
	// replaced by this one (the next view reads the entries after it).
	var tl *commands.ReportTimeline
	err := k.s.o.Store.View(ctx, func(rd Reader) error {
		inc, err := rd.Incident(n)
		if err != nil {
			return err
		}
		tl, err = commands.CheckTimeline(rd, inc, nil)
		return err
	})
	if errors.Is(err, bot.ErrNotFound) {
		k.mu.Lock()
		delete(k.m, n)
		k.mu.Unlock()
		return nil
	}
	if err != nil {
		// A check from scratch that cannot be made (an entry the store cannot read) must not
		// leave the last one's verdict standing past the time the page says it is renewed:
		// the kept timeline is dropped, so the next view starts over and fails the same way.
		kt.mu.Lock()
		kt.tl, kt.scope = commands.ReportTimeline{}, checkScope{}
		kt.gen++
		kt.mu.Unlock()
		return err
	}
	kt.mu.Lock()
	defer kt.mu.Unlock()
	now := k.s.o.Clock.Now().UTC()
	kt.tl = *tl
	kt.scope = checkScope{FullSeq: tl.Chain.Seq(), FullAt: now, Seq: tl.Chain.Seq(), ExtendedAt: now, Every: k.s.o.FullCheck,
		Next: now.Add(k.s.o.FullCheck)}
	kt.gen++
	return nil
}
