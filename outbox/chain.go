package outbox

import (
	"context"
	"time"

	"github.com/warroom/warroom/bot"
)

// Following a lane. When Run has recorded an operation, the lane's next operation is
// usually due already (a busy incident channel queues a note post every millisecond), and
// the deliverer used to find it by releasing the lane and reading the head of every lane
// again (dueHeads walks the whole pending index: ~110 µs on SQLite against ~23 µs for one
// lane's head). Profiled at 1,000 notes/s that read ran about twice per note, 27 % of the
// bot's CPU: once for the commit's Kick and once for the release. Now the goroutine that
// delivered the operation asks for its own lane's next head and delivers it under the same
// mark and slot, so the lane is never seen free in between (its order holds), and the
// all-lanes read is left to commits, polls and lanes that ran dry.

// LaneHeadStore is what a store offers to follow a lane: its oldest pending operation if
// due (ok false when there is none, or when the store hands out operations only under a
// claim, PostgreSQL: there DueOutbound claims the next head).
type LaneHeadStore interface {
	DueLaneHead(ctx context.Context, lane string, now time.Time) (o bot.Outbound, ok bool, err error)
}

// maxFollow bounds how many operations one lane delivers in a row before it lets go of its
// slot, so a lane that never runs dry (a flood into one channel) still yields, at a take,
// to lanes waiting for a slot, oldest first.
const maxFollow = 64

// next is the operation Run delivers after o under o's mark, if any: o's lane's next head,
// when it is due and of o's kind of slot (a channel creation's slot is for creations, and
// the posts behind a creation queue for the other slots as before), and o was not claimed
// (a claimed lane's next head is claimed through DueOutbound). followed is how many
// operations of the lane were delivered in a row so far. dry says the store found the
// lane with no due head (release.go); it is false whenever the lane was not looked at or
// its head is left to a take.
func (d *Deliverer) next(ctx context.Context, o bot.Outbound, followed int) (n bot.Outbound, ok, dry bool) {
	ls, ok := d.store.(LaneHeadStore)
	if !ok || followed >= maxFollow || !o.Until.IsZero() || isCreation(o) || ctx.Err() != nil {
		return bot.Outbound{}, false, false
	}
	d.looking(o.Lane)
	n, ok, err := ls.DueLaneHead(ctx, o.Lane, d.clock.Now())
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("outbox: reading the lane's next operation failed; the next take finds it", "lane", o.Lane, "err", err)
		}
		return bot.Outbound{}, false, false
	}
	if !ok || n.ID == o.ID {
		// The same operation is still the head when its failure could not be recorded
		// (RetryOutbound failed: disk full): sending it again at once would repeat it up
		// to maxFollow times. It is left to a later pass (the poll), as before lanes were
		// followed; nothing behind it can go first.
		return bot.Outbound{}, false, true
	}
	if isCreation(n) || !n.Until.IsZero() {
		return bot.Outbound{}, false, false
	}
	d.following(n)
	return n, true, false
}

// following notes n as the operation its lane's follower delivers now (pick: a read that
// returns it has found nothing the follower could miss).
func (d *Deliverer) following(n bot.Outbound) {
	d.lanes.mu.Lock()
	d.lanes.inFlight[n.Lane] = n.ID
	d.lanes.mu.Unlock()
}
