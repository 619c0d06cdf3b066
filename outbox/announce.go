package outbox

// A store that announces what each commit queued (storage.DB.OnQueued, SQLite) spares Run
// the look at the outbox that a kick costs (QueuedAfter, kicks.go): it names the lanes. A
// lane not being delivered makes Run take; a lane being followed is marked missed, so its
// follower's release reads every head if the follower had looked before the commit (a look
// after it finds the row). Nothing is lost for the same reasons as with kicks: the
// announcement comes after the commit, under the lanes' lock against the release.

// Announcer is a store that can tell the deliverer, after each commit, which lanes it
// queued into.
type Announcer interface {
	OnQueued(fn func(lanes []string)) bool
}

// Announce has the store a tell d what every commit queued, and reports whether it will.
// From then on Kick is ignored (the store announced the commit first). One deliverer per
// store: a later one takes the announcements over.
func (d *Deliverer) Announce(a Announcer) bool {
	if !a.OnQueued(d.queued) {
		return false
	}
	d.announced.Store(true)
	return true
}

// queued is told the lanes a commit queued into. It runs on the store's writer: it only
// marks and wakes.
func (d *Deliverer) queued(lanes []string) {
	d.lanes.mu.Lock()
	take := false
	for _, l := range lanes {
		if d.lanes.busy[l] > 0 {
			d.lanes.missed[l] = true // its follower finds the row, or its release reads (release.go)
		} else {
			take = true
		}
	}
	d.lanes.take = d.lanes.take || take
	d.lanes.mu.Unlock()
	if take {
		d.wakeUp()
	}
}
