package outbox

import (
	"context"
)

// A commit's kick that needs no read of every lane. With lanes followed (chain.go), a note
// queued into a channel already being delivered is found by the goroutine delivering it,
// yet the commit's Kick still cost a read of every lane's head (~110 µs on SQLite) that
// found only busy lanes. So Run first asks which lanes the operations queued since its
// last look fall in (two seeks at the ends of the outbox's rowid), and reads every head
// only if one of them is not being delivered.
//
// No wakeup is lost: the row of a followed lane is either seen by that lane's next
// look-up, or the lane ran dry before the row committed and is released; a release marks
// the next pass full (every head read), and the release happens after this check saw the
// lane busy, under the same lock. A poll, the start and anything the store cannot answer
// read every head too.

// QueuedStore is what a store offers to tell which lanes the operations queued after an id
// fall in (see storage.DB.QueuedAfter).
type QueuedStore interface {
	QueuedAfter(ctx context.Context, after int64, limit int) (lanes []string, last int64, ok bool, err error)
}

// kickLimit is how many newly queued operations Run looks at before it simply reads every
// lane's head.
const kickLimit = 64

// mustTake says whether this pass of Run has to read every lane's head.
func (d *Deliverer) mustTake(ctx context.Context) bool {
	d.lanes.mu.Lock()
	full, after, named := d.lanes.full, d.lanes.seen, d.lanes.take
	d.lanes.full, d.lanes.take = false, false
	d.lanes.mu.Unlock()
	if d.announced.Load() {
		// The store names each commit's lanes (announce.go): a pass reads every head when
		// it must, or when an announcement named a lane not being delivered.
		return full || named
	}
	qs, ok := d.store.(QueuedStore)
	if !ok {
		return true
	}
	if full {
		// Read every head; first note how far the outbox goes, so the next kick looks
		// only at what is queued after (the take reads everything up to here).
		if _, last, _, err := qs.QueuedAfter(ctx, 1<<62, 0); err == nil {
			d.lanes.mu.Lock()
			d.lanes.seen = last
			d.lanes.mu.Unlock()
		}
		return true
	}
	lanes, last, ok, err := qs.QueuedAfter(ctx, after, kickLimit)
	d.lanes.mu.Lock()
	defer d.lanes.mu.Unlock()
	if err != nil {
		return true
	}
	d.lanes.seen = last
	if !ok {
		return true
	}
	take := named
	for _, l := range lanes {
		if d.lanes.busy[l] == 0 {
			take = true
		} else {
			d.lanes.missed[l] = true // its follower finds the row, or its release reads (release.go)
		}
	}
	return take
}

// readAll marks the next pass of Run full: every lane's head is read.
func (d *Deliverer) readAll() {
	d.lanes.mu.Lock()
	d.lanes.full = true
	d.lanes.mu.Unlock()
}
