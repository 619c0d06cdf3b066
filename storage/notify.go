package storage

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
)

// Announcing changes to the leader. With several replicas on one PostgreSQL database, a
// command handled by a follower commits timers and queued messages that only the leader
// acts on (it runs the scheduler and the deliverer). Every write transaction that set or
// cancelled a timer, or queued a message, therefore ends with pg_notify on ChannelTimers
// or ChannelOutbox; PostgreSQL delivers the notification at commit (never for a rolled
// back transaction), and the leader, which LISTENs on its campaign connection
// (pgleader.go), re-reads its timers or wakes its deliverer at once.
//
// Why not poll: a poll delays every follower's nudge and message by up to its period, and
// costs a full read of the pending timers each period on an idle database; a notification
// costs one statement per write transaction that needs it and arrives within a round
// trip. What a notification cannot cover — changes committed while no one led — the new
// leader reads when it starts, and its deliverer still polls every second for retries.
// The payload is the sender's origin, so the leader skips its own (it has already been
// told in-process).
const (
	ChannelTimers = "warroom_timers"
	ChannelOutbox = "warroom_outbox"
)

// txNotes records what a write transaction changed that the leader must hear of; it is
// shared by the commands of one group commit.
type txNotes struct{ timers, outbox bool }

func (t *Tx) timersChanged() {
	if t.notes != nil {
		t.notes.timers = true
	}
}

func (t *Tx) outboxQueued() {
	if t.notes != nil {
		t.notes.outbox = true
	}
}

// notesFor is a fresh record for one write transaction (nil on SQLite: one process,
// nothing to announce).
func (db *DB) notesFor() *txNotes {
	if !db.pg {
		return nil
	}
	return &txNotes{}
}

// announce sends the transaction's notifications; run it last, before the commit.
func (db *DB) announce(tx *sql.Tx, n *txNotes) error {
	if n == nil || !n.timers && !n.outbox {
		return nil
	}
	var err error
	switch {
	case n.timers && n.outbox:
		_, err = tx.Exec(`SELECT pg_notify(?, ?), pg_notify(?, ?)`, ChannelTimers, db.origin, ChannelOutbox, db.origin)
	case n.timers:
		_, err = tx.Exec(`SELECT pg_notify(?, ?)`, ChannelTimers, db.origin)
	default:
		_, err = tx.Exec(`SELECT pg_notify(?, ?)`, ChannelOutbox, db.origin)
	}
	return err
}

// newOrigin is a random mark for this process's announcements.
func newOrigin() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
