package storage

import (
	"sync"
	"sync/atomic"

	"github.com/warroom/warroom/bot"
)

// Reading a lane ahead. The deliverer follows a lane (outbox/chain.go): after recording an
// operation it asks for the lane's next head, one query per operation, profiled at 8 % of
// the bot's CPU at 1,000 notes/s beside 4 % decoding it. So a look reads the lane's first
// few pending operations at once and keeps the rest, handing out the next one only when
// the one before it was completed (CompleteOutbound): a failure recorded (any lane's: all
// runs are dropped), or not recorded, leaves that one the head, and the next look reads
// again. Rows queued into the lane later have
// higher ids, so they come after what is kept. Nothing else changes a pending row but a
// redaction's scrub: every scrub counts itself (outboxScrubs) before it rewrites a
// payload, and what was read before a scrub is read again rather than sent, so the text it
// removed reaches no platform (a scrub that commits after a row was handed out is the
// in-flight case CompleteOutbound edits). Secret payloads are not kept.

// laneReadAhead is how many operations of a lane one look reads.
const laneReadAhead = 8

// laneAheadMax bounds the lanes kept; past it the kept runs are dropped.
const laneAheadMax = 256

// outboxScrubs counts scrubs of outbox payloads in this process (any database: one counts
// for all, which costs at worst a read).
var outboxScrubs atomic.Uint64

type laneAhead struct {
	mu    sync.Mutex
	runs  map[string]*laneRun
	reads int // queries made (tests)
}

// laneRun is what one look at a lane read beyond the operation it handed out.
type laneRun struct {
	gen  uint64 // outboxScrubs before the read
	last int64  // the operation handed out last
	done bool   // last was completed: rest[0] is the lane's head now
	rest []bot.Outbound
}

// next hands out the lane's next kept operation if the one before it was completed and
// no scrub ran since the read; otherwise it forgets the lane's run.
func (a *laneAhead) next(lane string) (bot.Outbound, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.runs[lane]
	if r == nil {
		return bot.Outbound{}, false
	}
	if !r.done || len(r.rest) == 0 || r.gen != outboxScrubs.Load() {
		delete(a.runs, lane)
		return bot.Outbound{}, false
	}
	o := r.rest[0]
	r.rest, r.last, r.done = r.rest[1:], o.ID, false
	return o, true
}

func (a *laneAhead) read() {
	a.mu.Lock()
	a.reads++
	a.mu.Unlock()
}

// keep holds run[1:] (up to the first operation not due or secret) for the lane, run[0]
// being handed out.
func (a *laneAhead) keep(lane string, gen uint64, run []bot.Outbound, due []bool) {
	n := 1
	for n < len(run) && due[n] && !run[n].Payload.Secret {
		n++
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if n == 1 {
		delete(a.runs, lane)
		return
	}
	if a.runs == nil || len(a.runs) >= laneAheadMax {
		a.runs = map[string]*laneRun{}
	}
	a.runs[lane] = &laneRun{gen: gen, last: run[0].ID, rest: run[1:n:n]}
}

// completed notes that o was recorded delivered: its lane's kept run may go on if o is
// the operation it handed out last. Another of the lane's (a take handed it out after its
// follower let the lane go) means the run is not the lane's any more.
func (a *laneAhead) completed(o bot.Outbound) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if r := a.runs[o.Lane]; r != nil && r.last == o.ID {
		r.done = true
	} else if r != nil {
		delete(a.runs, o.Lane)
	}
}

// forget drops every kept run: an attempt was recorded failed, given up or let go (its
// row stays the head, or a later one may be handed out by a take). Rare, so all of them.
func (a *laneAhead) forget() {
	a.mu.Lock()
	clear(a.runs)
	a.mu.Unlock()
}

// readsSoFar is how many looks at a lane went to the database (tests).
func (a *laneAhead) readsSoFar() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.reads
}
