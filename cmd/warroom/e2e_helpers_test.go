package main

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/outbox"
	"github.com/warroom/warroom/storage"
)

// drainOutbox delivers everything queued: it flushes what is due and, while operations
// wait for a retry, moves the fake clock on by a second at a time (at most maxFake in all).
func drainOutbox(t testing.TB, d *outbox.Deliverer, db *storage.DB, clock *clockwork.FakeClock, maxFake time.Duration) {
	t.Helper()
	ctx := context.Background()
	for waited := time.Duration(0); ; waited += time.Second {
		if err := d.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		depth, err := db.OutboxDepth(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if depth == 0 {
			return
		}
		if waited >= maxFake {
			t.Fatalf("%d outbox operations still pending after %v of fake time", depth, maxFake)
		}
		clock.Advance(time.Second)
	}
}

// readTimeline reads INC-n's whole timeline.
func readTimeline(t testing.TB, db *storage.DB, n int64) []bot.Entry {
	t.Helper()
	var out []bot.Entry
	err := db.View(context.Background(), func(tx *storage.Tx) error {
		var err error
		out, err = tx.Entries(n)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// countIncidents counts every incident, open or closed.
func countIncidents(t testing.TB, db *storage.DB) int {
	t.Helper()
	var n int
	err := db.View(context.Background(), func(tx *storage.Tx) error {
		list, err := tx.Incidents(true)
		n = len(list)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
