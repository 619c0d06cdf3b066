package storage

import (
	"context"
	"time"
)

// MinDedupKeep is the least time a seen-event id is kept: platforms redeliver an event for up
// to a day (Slack retries, a Discord gateway resume), and a redelivery must still be known.
const MinDedupKeep = 24 * time.Hour

// Pruned says what Prune removed.
type Pruned struct {
	Outbox, Seen int64
	Files        int64 // files no operation took (outbox_files.go); a taken one goes with its row
}

// Prune bounds the two tables that grow with traffic rather than with incidents: delivered
// outbox rows older than keep (pending and failed ones stay, the latter for the operator)
// and seen-event ids older than keep but at least MinDedupKeep. Freed pages are reused by
// later writes, so the file stops growing at its high-water mark.
func (db *DB) Prune(ctx context.Context, now time.Time, keep time.Duration) (Pruned, error) {
	var p Pruned
	seenKeep := max(keep, MinDedupKeep)
	err := db.Update(ctx, func(tx *Tx) error {
		r, err := tx.exec(`DELETE FROM outbox WHERE state = 'done' AND done_at < ?`, ts(now.Add(-keep)))
		if err != nil {
			return err
		}
		if p.Outbox, err = r.RowsAffected(); err != nil {
			return err
		}
		r, err = tx.exec(`DELETE FROM seen_events WHERE at < ?`, ts(now.Add(-seenKeep)))
		if err != nil {
			return err
		}
		if p.Seen, err = r.RowsAffected(); err != nil {
			return err
		}
		p.Files, err = tx.pruneFiles(now)
		return err
	})
	return p, err
}

// Size is the database's size in bytes: the main file, and the part of it in use (the rest
// is free pages that later writes reuse).
func (db *DB) Size(ctx context.Context) (file, used int64, err error) {
	if db.pg {
		n, err := db.pgSize(ctx)
		return n, n, err
	}
	var pages, free, size int64
	for q, v := range map[string]*int64{`PRAGMA page_count`: &pages, `PRAGMA freelist_count`: &free, `PRAGMA page_size`: &size} {
		if err := db.reader.QueryRowContext(ctx, q).Scan(v); err != nil {
			return 0, 0, err
		}
	}
	return pages * size, (pages - free) * size, nil
}
