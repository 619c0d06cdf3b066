package outbox

import (
	"context"
	"github.com/warroom/warroom/bot"
	"sync"
	"time"
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

// laneSet is the set of lanes being delivered. Its lock is held from reading the due heads
// until the lanes taken are marked, and again to release a lane after its operation was
// recorded, so a head read before another deliverer recorded it is never taken after.
type laneSet struct {
	mu      sync.Mutex
	busy    map[string]int // operations of the lane being delivered (more than one only for claims, below)
	changed chan struct{}  // closed (and replaced) whenever a lane is released
}

func newLaneSet() laneSet {
	return laneSet{busy: map[string]int{}, changed: make(chan struct{})}
}

// take reads the due heads and marks the lanes of those not already being delivered. A
// head the store claimed for this deliverer (Until set: PostgreSQL, where several
// processes may look) is taken even when its lane is still marked: nobody else may have
// it, and its lane's previous operation is recorded already — it is the head only because
// that one is done, and the mark is simply not yet cleared. Passing it over would leave
// it claimed and undelivered until the claim ran out.
func (d *Deliverer) take(ctx context.Context) ([]bot.Outbound, error) {
	d.lanes.mu.Lock()
	defer d.lanes.mu.Unlock()
	due, err := d.store.DueOutbound(ctx, d.clock.Now(), 256+len(d.lanes.busy))
	if err != nil {
		return nil, err
	}
	taken := due[:0]
	for _, o := range due {
		if d.lanes.busy[o.Lane] > 0 && o.Until.IsZero() {
			continue
		}
		d.lanes.busy[o.Lane]++
		taken = append(taken, o)
	}
	return taken, nil
}

// release frees a lane once its operation is recorded, and wakes whoever waits for one.
func (d *Deliverer) release(lane string) {
	d.lanes.mu.Lock()
	if d.lanes.busy[lane]--; d.lanes.busy[lane] <= 0 {
		delete(d.lanes.busy, lane)
	}
	close(d.lanes.changed)
	d.lanes.changed = make(chan struct{})
	d.lanes.mu.Unlock()
	d.Kick()
}

// busyLanes returns how many lanes are being delivered and a channel closed at the next release.
func (d *Deliverer) busyLanes() (int, <-chan struct{}) {
	d.lanes.mu.Lock()
	defer d.lanes.mu.Unlock()
	return len(d.lanes.busy), d.lanes.changed
}

func (d *Deliverer) slots() chan struct{} {
	n := d.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	return make(chan struct{}, n)
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
	sem := d.slots()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		taken, err := d.take(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.Error("outbox: reading due operations failed", "err", err)
		}
		for _, o := range taken {
			wg.Add(1)
			go func(o bot.Outbound) {
				defer wg.Done()
				defer d.release(o.Lane)
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					d.unclaim(o)
					return
				}
				defer func() { <-sem }()
				d.deliver(ctx, o)
			}(o)
		}
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-d.clock.After(poll):
		}
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
	taken, err := d.take(ctx)
	if err != nil || len(taken) == 0 {
		return 0, err
	}
	sem := d.slots()
	var wg sync.WaitGroup
	for _, o := range taken {
		wg.Add(1)
		sem <- struct{}{} // taken here, in order: with Concurrency 1 the queue order holds
		go func(o bot.Outbound) {
			defer func() { <-sem; d.release(o.Lane); wg.Done() }()
			d.deliver(ctx, o)
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
