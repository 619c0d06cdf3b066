package outbox

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
)

// Lanes without a round barrier. A round used to deliver the head of every due lane and
// wait for all of them before looking again, so one slow lane (a 3 s API call, a platform
// holding a connection) held every other channel's messages until it answered, and a flood
// of declarations waited for the slowest channel of each round. Now each lane is delivered
// on its own: when its operation is recorded, the lane is free again and the deliverer looks
// for its next head at once, whatever the other lanes are doing. Operations of one lane are
// still strictly in order (a lane is delivered by one goroutine at a time); a lane limited
// by 429s holds no slot while it waits (its head is simply not due until the retry time).

// DefaultConcurrency is how many lanes are delivered at once when Concurrency is 0: enough
// that a few slow lanes leave plenty of slots for the others.
const DefaultConcurrency = 32

// creationSlots is how many channel creations Run delivers at once, beside (not out of) the
// other slots. A declaration queues six operations on its channel's lane behind the
// creation, so in a flood of declarations every slot held an earlier incident's invite,
// post or card and each new channel waited its turn behind them: traced at 200
// declarations/s, 220–400 ms of the 270–460 ms until the channel existed in the fake Slack
// was that wait. Nobody can gather in an incident before its channel exists.
const creationSlots = 32

// laneSet is the set of lanes being delivered. Its lock is never held across a store read:
// a take reads the due heads unlocked and marks the lanes it takes under the lock
// afterwards, passing over any head of a lane released since its read began (epoch,
// freed), so a head read before its follower recorded it is never taken after.
type laneSet struct {
	mu      sync.Mutex
	busy    map[string]int // operations of the lane being delivered (more than one only for claims, below)
	changed chan struct{}  // closed (and replaced) whenever a lane is released
	// running counts Run's operations under way other than channel creations, creating
	// its channel creations: Run takes a head only when a slot of its kind is free.
	running, creating int
	// full says Run's next pass reads every lane's head (kicks.go); seen is the highest
	// outbox id Run's kicks have looked at.
	full bool
	seen int64
	// take says a store's announcement (announce.go) named a lane not being delivered.
	take bool
	// missed holds the lanes a kick or a read passed over while they were being followed,
	// since their follower last looked; behind says a take left a due head waiting for a
	// slot (or may have, its read cut short). Either makes a release read every head
	// (release.go).
	missed map[string]bool
	behind bool
	// inFlight is the operation a busy lane is delivering (its follower's latest): a read
	// of the heads that returns it has found nothing the follower could miss.
	inFlight map[string]int64
	// epoch counts releases; freed holds each lane's last one while a take is reading
	// (taking), so the take can tell which of its heads may be stale.
	epoch  uint64
	freed  map[string]uint64
	taking int
}

func newLaneSet() laneSet {
	return laneSet{busy: map[string]int{}, changed: make(chan struct{}), missed: map[string]bool{},
		inFlight: map[string]int64{}, freed: map[string]uint64{}}
}

// slots is how many operations of each kind a take may start.
type slots struct{ creations, others int }

// roundSlots is what a Round may take at once: every due head, as far as the store hands
// out (256 at a time, as before), delivered with the Round's own concurrency.
var roundSlots = slots{creations: 256, others: 256}

func isCreation(o bot.Outbound) bool { return o.Op == bot.OpCreateChannel }

// take reads the due heads (channel creations first) and marks the lanes of those it
// starts: not a lane already being delivered, and no more than free of each kind. A
// head left behind stays due and is found by the next take. Run counts what it takes in
// the lane set (counted), so it asks only for the heads it can start at once: the store
// reads and decodes each head it hands out, and handing out every due head each time a
// lane was released (hundreds in a flood of declarations, most of them only to wait for
// a slot) decoded them all again: in the same declarations bench, take fell from 31% to
// 23% of the bot's CPU (the rest is the store's walk over the pending lanes).
//
// Creations must not crowd the others out of a read: with every creation slot held it
// asks for the other heads only, and when a read was full and left other slots free (it
// may have been all creations that cannot start) it reads the other heads again. Without
// that, a burst of declarations while conversations.create was slow held every post,
// invite, card and page DM until the creation backlog drained.
//
// A head the store claimed for this deliverer (Until set: PostgreSQL, where several
// processes may look) is taken whatever the slots and even when its lane is still marked:
// nobody else may have it, and its lane's previous operation is recorded already — it is
// the head only because that one is done, and the mark is simply not yet cleared. Passing
// it over would leave it claimed and undelivered until the claim ran out.
func (d *Deliverer) take(ctx context.Context, counted bool) ([]bot.Outbound, error) {
	d.lanes.mu.Lock()
	free := d.freeSlots(counted)
	busy := len(d.lanes.busy)
	began := d.lanes.epoch
	d.lanes.taking++
	d.lanes.mu.Unlock()
	var taken []bot.Outbound
	behind := true
	defer func() {
		d.lanes.mu.Lock()
		if d.lanes.taking--; d.lanes.taking == 0 {
			clear(d.lanes.freed)
		}
		if counted {
			d.lanes.behind = behind // release.go
		}
		d.lanes.mu.Unlock()
	}()
	if free.creations <= 0 && free.others <= 0 {
		return nil, nil
	}
	// On SQLite the heads of lanes being delivered come back too (they are still pending).
	creations := free.creations > 0
	limit := max(free.creations, 0) + max(free.others, 0) + busy
	due, err := d.store.DueOutbound(ctx, d.clock.Now(), limit, creations)
	if err != nil {
		return nil, err
	}
	// A read that filled its limit may have stopped short of due heads.
	full := len(due) >= limit
	taken, left, othersFree := d.pickLocked(nil, due, counted, began)
	if creations && full && othersFree > 0 {
		others, err := d.store.DueOutbound(ctx, d.clock.Now(), othersFree+busy, false)
		if err != nil {
			// The first read's lanes are marked already: deliver those.
			d.log.Warn("outbox: reading the heads other than channel creations failed; the next take reads them", "err", err)
			return taken, nil
		}
		var more bool
		taken, more, _ = d.pickLocked(taken, others, counted, began)
		left = left || more
	}
	behind = full || left
	return taken, nil
}

// freeSlots is what a take may start now (lock held): for Run what its slots leave free,
// for a Round every due head.
func (d *Deliverer) freeSlots(counted bool) slots {
	if !counted {
		return roundSlots
	}
	return slots{creations: creationSlots - d.lanes.creating, others: d.concurrency() - d.lanes.running}
}

// pickLocked is pick under the lock, with the slots free at that moment (another take,
// a Round beside Run, may have started some since the read began).
func (d *Deliverer) pickLocked(taken, due []bot.Outbound, counted bool, began uint64) (_ []bot.Outbound, left bool, othersFree int) {
	d.lanes.mu.Lock()
	defer d.lanes.mu.Unlock()
	free := d.freeSlots(counted)
	taken, left = d.pick(taken, due, &free, counted, began)
	return taken, left, free.others
}

// pick appends to taken the heads of due that take may start and marks their lanes (lock
// held); left says it passed over a head for want of a slot.
//
// A head whose lane was released after the read began (epoch began) may be an operation
// its follower recorded meanwhile, so it is passed over. Nothing is lost by that: a row
// of that lane committed before the follower's last look was delivered by it; one
// committed after has a kick that either found the lane busy (missed: the release read
// every head) or comes after the release and finds the lane free.
func (d *Deliverer) pick(taken, due []bot.Outbound, free *slots, counted bool, began uint64) (_ []bot.Outbound, left bool) {
	for _, o := range due {
		claimed := !o.Until.IsZero()
		if d.lanes.busy[o.Lane] > 0 && !claimed {
			if d.lanes.inFlight[o.Lane] != o.ID {
				d.lanes.missed[o.Lane] = true
			}
			continue
		}
		if d.lanes.freed[o.Lane] > began && !claimed {
			continue
		}
		room := &free.others
		if isCreation(o) {
			room = &free.creations
		}
		if *room <= 0 && !claimed {
			left = true
			continue
		}
		*room--
		d.lanes.busy[o.Lane]++
		d.lanes.inFlight[o.Lane] = o.ID
		if counted {
			d.count(o, 1)
		}
		taken = append(taken, o)
	}
	return taken, left
}

// count adds n to the operations of o's kind under way in Run (lock held).
func (d *Deliverer) count(o bot.Outbound, n int) {
	if isCreation(o) {
		d.lanes.creating += n
	} else {
		d.lanes.running += n
	}
}

// release frees a lane (and, for Run, its slot) once its operation is recorded, and wakes
// whoever waits for one. dry says Run's follower found the lane empty (release.go): then
// the next pass reads every head only if something may be left behind.
func (d *Deliverer) release(o bot.Outbound, counted, dry bool) {
	d.lanes.mu.Lock()
	if d.lanes.busy[o.Lane]--; d.lanes.busy[o.Lane] <= 0 {
		delete(d.lanes.busy, o.Lane)
		delete(d.lanes.inFlight, o.Lane)
	}
	d.lanes.epoch++
	if d.lanes.taking > 0 {
		d.lanes.freed[o.Lane] = d.lanes.epoch
	}
	if counted {
		d.count(o, -1)
	}
	close(d.lanes.changed)
	d.lanes.changed = make(chan struct{})
	read := d.mustReadAfterRelease(o.Lane, counted && dry)
	if read {
		d.lanes.full = true // the lane may have a row its follower missed (kicks.go)
	}
	d.lanes.mu.Unlock()
	if read {
		d.wakeUp()
	}
}

// busyLanes returns how many lanes are being delivered and a channel closed at the next release.
func (d *Deliverer) busyLanes() (int, <-chan struct{}) {
	d.lanes.mu.Lock()
	defer d.lanes.mu.Unlock()
	return len(d.lanes.busy), d.lanes.changed
}

func (d *Deliverer) concurrency() int {
	if d.Concurrency <= 0 {
		return DefaultConcurrency
	}
	return d.Concurrency
}

// Run delivers until ctx ends, waking on Kick, when a lane is released, and at least every
// poll interval (retries that come due are found by the poll). It returns once the
// deliveries it started have ended. With a Gate (the console) it delivers in rounds
// instead, each with the Gate held, so what a line caused prints with that line.
func (d *Deliverer) Run(ctx context.Context, poll time.Duration) {
	if d.Gate != nil {
		d.runRounds(ctx, poll)
		return
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	d.readAll()
	for {
		if d.mustTake(ctx) {
			d.start(ctx, &wg)
		}
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-d.clock.After(poll):
			d.readAll() // retries that came due are found only by reading every head
		}
	}
}

// start takes the due heads Run has slots for and delivers each, following its lane.
func (d *Deliverer) start(ctx context.Context, wg *sync.WaitGroup) {
	taken, err := d.take(ctx, true)
	if err != nil && ctx.Err() == nil {
		d.log.Error("outbox: reading due operations failed", "err", err)
	}
	for _, o := range taken {
		wg.Add(1)
		go func(o bot.Outbound) {
			defer wg.Done()
			// The lane's next operations follow under the same mark (chain.go); the
			// lane and its slot are released after the last.
			dry := false
			var known laneChannel
			for followed := 1; ; followed++ {
				if ctx.Err() != nil {
					d.unclaim(o)
					break
				}
				d.deliver(ctx, o, &known)
				n, ok, empty := d.next(ctx, o, followed)
				if !ok {
					dry = empty
					break
				}
				o = n
			}
			d.release(o, true, dry)
		}(o)
	}
}

// runRounds is Run for a gated deliverer: a round at a time, the Gate held around each.
func (d *Deliverer) runRounds(ctx context.Context, poll time.Duration) {
	for {
		d.Gate.Lock()
		n, err := d.Round(ctx)
		d.Gate.Unlock()
		if err != nil && ctx.Err() == nil {
			d.log.Error("outbox round failed", "err", err)
		}
		if n > 0 && err == nil {
			// A lane's next message may be due right now: go again rather than wait
			// for the poll (one message per poll would pace a channel at 1/s).
			if ctx.Err() != nil {
				return
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-d.clock.After(poll):
		}
	}
}

// Round delivers the head of every due lane not already being delivered, in queue order as
// far as Concurrency allows, and returns once they are done, with how many it attempted.
// The console's rounds and Flush use it; Run without a Gate does not wait like this.
func (d *Deliverer) Round(ctx context.Context) (int, error) {
	taken, err := d.take(ctx, false)
	if err != nil || len(taken) == 0 {
		return 0, err
	}
	// The store hands out channel creations first; a round goes in queue order.
	sort.Slice(taken, func(i, j int) bool { return taken[i].ID < taken[j].ID })
	sem := make(chan struct{}, d.concurrency())
	var wg sync.WaitGroup
	for _, o := range taken {
		wg.Add(1)
		sem <- struct{}{} // taken here, in order: with Concurrency 1 the queue order holds
		go func(o bot.Outbound) {
			defer func() { <-sem; d.release(o, false, false); wg.Done() }()
			d.deliver(ctx, o, nil)
		}(o)
	}
	wg.Wait()
	return len(taken), nil
}

// Flush delivers until no operation is due now and no lane is being delivered. The console
// calls it after every line (with the Gate held) so a scripted session prints in order;
// shutdown calls it to drain within the grace period.
func (d *Deliverer) Flush(ctx context.Context) error {
	for {
		n, err := d.Round(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		busy, changed := d.busyLanes()
		if busy == 0 {
			return nil
		}
		// Another deliverer has a lane: its next head may be due once it is released.
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
