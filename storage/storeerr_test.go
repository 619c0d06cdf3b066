package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// TestFailuresCarryTheirKind: real SQLite failures reach the engine marked with a bot
// sentinel, so it never has to read the driver's words.
func TestFailuresCarryTheirKind(t *testing.T) {
	ctx := context.Background()

	t.Run("disk full", func(t *testing.T) {
		sqliteOnly(t, "a page limit; PostgreSQL's disk_full (53100) cannot be caused from a test")
		db := openTest(t)
		newIncident(t, db)
		// A page limit makes SQLite answer SQLITE_FULL exactly as a full disk does.
		if _, err := db.writer.Exec(`PRAGMA max_page_count = 1`); err != nil {
			t.Fatal(err)
		}
		err := db.Update(ctx, func(tx *Tx) error {
			_, err := tx.exec(`INSERT INTO seen_events(key, at) VALUES (?, ?)`, strings.Repeat("k", 50000), "2026-01-01T00:00:00Z")
			return err
		})
		if !errors.Is(err, bot.ErrDiskFull) {
			t.Fatalf("err = %v, want bot.ErrDiskFull", err)
		}
		if errors.Is(err, bot.ErrReadOnly) || errors.Is(err, bot.ErrBusy) {
			t.Errorf("err carries the wrong kind too: %v", err)
		}
	})

	t.Run("busy", func(t *testing.T) {
		if onPostgres {
			busyOnPostgres(t)
			return
		}
		db := openTest(t)
		// Another process holds the write lock past the wait.
		other, err := sql.Open("sqlite3", "file:"+db.path+"?_txlock=immediate")
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		otx, err := other.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer otx.Rollback()
		if _, err := db.writer.Exec(`PRAGMA busy_timeout = 10`); err != nil {
			t.Fatal(err)
		}
		err = db.Update(ctx, func(tx *Tx) error { return nil })
		if !errors.Is(err, bot.ErrBusy) {
			t.Fatalf("err = %v, want bot.ErrBusy", err)
		}
	})

	t.Run("refusals untouched", func(t *testing.T) {
		db := openTest(t)
		refusal := errors.New("not yours")
		if err := db.Update(ctx, func(tx *Tx) error { return refusal }); err != refusal {
			t.Errorf("a refusal came back changed: %v", err)
		}
		if err := db.View(ctx, func(tx *Tx) error { return bot.ErrNotFound }); err != bot.ErrNotFound {
			t.Errorf("not found came back changed: %v", err)
		}
	})
}
