package main

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// The running bot prunes at start and every hour after.
func TestPrunerRunsAtStartAndHourly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(start)
	deliver := func(at time.Time) {
		if err := db.Enqueue(ctx, bot.Outbound{Lane: "inc:1", Platform: "console", Op: bot.OpPost, Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("x")}}}, at); err != nil {
			t.Fatal(err)
		}
		due, err := db.DueOutbound(ctx, clock.Now(), 10, true)
		if err != nil || len(due) != 1 {
			t.Fatalf("due %v %v", due, err)
		}
		if err := db.CompleteOutbound(ctx, due[0], bot.Delivered{}, at); err != nil {
			t.Fatal(err)
		}
	}
	deliver(start.Add(-8 * 24 * time.Hour))
	done := make(chan struct{})
	go func() { defer close(done); prune(ctx, db, clock, 7*24*time.Hour, slog.New(slog.DiscardHandler)) }()
	waitRows(t, db, 0)
	deliver(start.Add(-7*24*time.Hour + 30*time.Minute)) // old enough only an hour from now
	clock.BlockUntil(1)
	waitRows(t, db, 1)
	clock.Advance(time.Hour)
	waitRows(t, db, 0)
	cancel()
	<-done
}

// waitRows waits until the outbox holds want rows.
func waitRows(t *testing.T, db *storage.DB, want int) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	for i := 0; i < 500; i++ {
		if err := raw.QueryRow(`SELECT COUNT(*) FROM outbox`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("outbox has %d rows, want %d", n, want)
}
