package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/storage"
)

// pruneEvery is how often delivered outbox rows and old seen-event ids are pruned.
const pruneEvery = time.Hour

// prune runs storage.Prune at start and then every pruneEvery until ctx ends, keeping
// delivered messages for keep (retention.outbox) and dedup keys at least a day.
func prune(ctx context.Context, db *storage.DB, clock clockwork.Clock, keep time.Duration, log *slog.Logger) {
	t := clock.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		p, err := db.Prune(ctx, clock.Now(), keep)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("pruning the outbox and seen events", "err", err)
		case p.Outbox+p.Seen+p.Files > 0:
			log.Info("pruned", "outbox_rows", p.Outbox, "seen_events", p.Seen, "unqueued_files", p.Files)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.Chan():
		}
	}
}
