package storage

// Announcing what a commit queued. After a commit that queued something the deliverer used
// to ask the store which lanes the new operations fall in (QueuedAfter: a read transaction
// with two statements, 4 % of the bot's CPU at 1,000 notes/s), only to learn what the
// transaction had known. Now the writer tells it, after the commit and before anyone is
// answered, the lanes of every command of the batch that was committed (a command rolled
// back to its savepoint queued nothing). SQLite only: on PostgreSQL other replicas queue
// too, and the leader hears of them by NOTIFY (notify.go).

// OnQueued has fn told, after every commit that queued operations, the lanes they were
// queued into (a lane once per operation); it replaces an earlier fn. It reports false,
// and keeps nothing, on PostgreSQL. fn runs on the writer's goroutine: it must not block
// or write.
func (db *DB) OnQueued(fn func(lanes []string)) bool {
	if db.pg {
		return false
	}
	db.onQueued.Store(&fn)
	return true
}

// announceQueued tells onQueued the lanes of the committed transactions (results[i] nil).
func (db *DB) announceQueued(txs []*Tx, results []error) {
	fn := db.onQueued.Load()
	if fn == nil {
		return
	}
	var lanes []string
	for i, t := range txs {
		if t != nil && results[i] == nil {
			lanes = append(lanes, t.lanes...)
		}
	}
	if len(lanes) > 0 {
		(*fn)(lanes)
	}
}
