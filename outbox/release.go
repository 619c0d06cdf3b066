package outbox

// A release that needs no read of every lane's head. At 1,000 notes/s a note's post is
// usually answered before the next note commits, so a followed lane runs dry after every
// note; its release used to mark the next pass full (every head read, ~110 µs on SQLite
// with the look at the outbox's end before it), which profiled at about 13 % of the bot's
// CPU, though the follower had just found its lane empty.
//
// A release of a lane its follower found dry reads nothing unless something can be left
// behind:
//   - a row of this lane that a kick or a read passed over while the lane was marked,
//     after the follower cleared the lane's mark for its look (missed): that row may have
//     committed after the look. A row committed before the look is seen by the look, and
//     a row whose kick comes after the release finds the lane free and is taken;
//   - a head left waiting for a slot, or a read cut short by its limit (behind): a freed
//     slot is what it waits for.
// Round's releases (the console, Flush), a lane given up after maxFollow, a claimed
// (PostgreSQL) or creation head, and a failed look read every head, as before.

// looking clears the lane's missed mark just before its follower looks at its head.
func (d *Deliverer) looking(lane string) {
	d.lanes.mu.Lock()
	delete(d.lanes.missed, lane)
	d.lanes.mu.Unlock()
}

// mustReadAfterRelease says whether the release of lane must make Run read every head
// (lock held). dry: Run's follower found the lane with no due head.
func (d *Deliverer) mustReadAfterRelease(lane string, dry bool) bool {
	missed := d.lanes.missed[lane]
	if d.lanes.busy[lane] == 0 {
		delete(d.lanes.missed, lane)
	}
	return !dry || missed || d.lanes.behind
}
