package main

import (
	"database/sql"
	"strconv"
	"time"

	"github.com/warroom/warroom/bot"
)

// floorDB is the durable-insert floor: timeline-shaped rows, one committed transaction
// each, on a bare SQLite database opened with the settings storage.Open gives warroom's
// write connection — the same journal and sync (the same durability), the same statement
// cache and the same multi-thread mode (no lock per SQLite call), so the floor does not pay
// a prepare or a lock that warroom does not pay either. It stays open between runs, so a
// comparison that alternates with it (benchAlerts) measures the same floor each time, its
// rows continuing one table.
type floorDB struct {
	raw  *sql.DB
	at   time.Time
	next int
}

func openFloor(path string) *floorDB {
	raw, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate&_busy_timeout=10000"+
		"&_foreign_keys=on&_secure_delete=on&_stmt_cache_size=64&_mutex=no")
	if err != nil {
		fatal(err)
	}
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec(`CREATE TABLE t (incident INTEGER, seq INTEGER, at TEXT, occurred_at TEXT, actor TEXT, kind TEXT, text TEXT, digest TEXT, hash TEXT, PRIMARY KEY (incident, seq))`); err != nil {
		fatal(err)
	}
	return &floorDB{raw: raw, at: time.Now()}
}

func (f *floorDB) close() { f.raw.Close() }

// run inserts the next k rows, each in its own committed transaction, and returns the time
// they took.
func (f *floorDB) run(k int) time.Duration {
	start := time.Now()
	for end := f.next + k; f.next < end; f.next++ {
		tx, err := f.raw.Begin()
		if err != nil {
			fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO t VALUES (1, ?, ?, ?, 'alice', 'pin', ?, ?, ?)`, f.next, bot.FormatTime(f.at), bot.FormatTime(f.at),
			"alice: evidence line "+strconv.Itoa(f.next), "d", "h"); err != nil {
			fatal(err)
		}
		if err := tx.Commit(); err != nil {
			fatal(err)
		}
	}
	return time.Since(start)
}
