package storage

import (
	"context"
	"database/sql"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Checkpoints off the writer. In WAL mode SQLite copies the log back into the database
// file (a checkpoint: the pages, then an fsync of each file) by default inside the commit
// that takes the log past 1,000 pages, that is inside the single writer: every command
// queued behind that commit waits for it. Queueing a 100,000-entry report held the writer
// 205–263 ms, two thirds of it that checkpoint. So the write connection never checkpoints
// (wal_autocheckpoint=0, set on every connection the writer's driver opens) and a goroutine
// of its own, on a connection of its own, runs PASSIVE checkpoints soon after commits.
// PASSIVE takes no lock a writer or a reader waits for: it copies what no reader's snapshot
// still needs and leaves the rest to its next run. The log restarts from its beginning at
// the first commit after a complete checkpoint, as before.
//
// The bound: should the log grow past walLimit all the same (the checkpointer starved of
// CPU, stopped, or behind a reader), the writer checkpoints after its commits itself, as
// SQLite did before, until the log is back under it; and journal_size_limit cuts the file
// back to walLimit when the log restarts, so the file on disk stays bounded too.

const (
	// walLimit is the log size past which the writer checkpoints itself (bytes).
	walLimit = 64 << 20
	// checkpointPause is the least time between two background checkpoints: the commits
	// of that time are copied together, so a stream of small commits costs a few
	// checkpoints (and their fsyncs) a second, not one each.
	checkpointPause = 100 * time.Millisecond
)

// writerDriver opens the write connection: the DSN's settings plus what the DSN cannot say.
const writerDriver = "sqlite3-warroom-writer"

func init() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(`PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = `+strconv.Itoa(walLimit), nil)
		return err
	}})
}

// checkpointer runs the background checkpoints of one SQLite database.
type checkpointer struct {
	conn  *sql.DB      // its own connection: a checkpoint never takes a reader's place
	wal   string       // the log file
	limit atomic.Int64 // walLimit; tests make it small
	wake  chan struct{}
	quit  chan struct{}
	done  chan struct{}
	once  sync.Once
	// mu is held while a background checkpoint runs: SQLite runs one checkpoint at a
	// time, and a redaction's TRUNCATE checkpoint (TruncateWAL) that met one was busy
	// and gave up, leaving the removed text in the log file.
	mu sync.Mutex
	// ran, when set (tests), is told each background checkpoint's result: frames in the
	// log and frames copied.
	ran atomic.Pointer[func(logFrames, copied int)]
}

// startCheckpointer opens the checkpoint connection (dsn: the readers' settings; a
// checkpoint writes no row, so query_only does not stop it) and starts its goroutine.
func (db *DB) startCheckpointer(dsn string) error {
	conn, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return err
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	conn.SetConnMaxLifetime(0)
	c := &checkpointer{conn: conn, wal: db.path + "-wal",
		wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	c.limit.Store(walLimit)
	db.ckpt = c
	go c.loop()
	return nil
}

// committed is the writer's word after each commit: wake the checkpointer, and if the log
// has outgrown its bound anyway, checkpoint here (see the bound above).
func (db *DB) committed() {
	c := db.ckpt
	if c == nil {
		return
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
	if st, err := os.Stat(c.wal); err == nil && st.Size() > c.limit.Load() {
		_, _, _ = checkpoint(context.Background(), db.writer)
	}
}

func (c *checkpointer) loop() {
	defer close(c.done)
	for {
		select {
		case <-c.wake:
		case <-c.quit:
			return
		}
		c.run(context.Background())
		select {
		case <-time.After(checkpointPause):
		case <-c.quit:
			return
		}
	}
}

// run is one background checkpoint.
func (c *checkpointer) run(ctx context.Context) {
	c.mu.Lock()
	logFrames, copied, err := checkpoint(ctx, c.conn)
	c.mu.Unlock()
	if f := c.ran.Load(); err == nil && f != nil {
		(*f)(logFrames, copied)
	}
}

// checkpoint runs a PASSIVE checkpoint on conn: it neither waits for nor blocks readers
// and writers. A failure is left to the next one.
func checkpoint(ctx context.Context, conn *sql.DB) (logFrames, copied int, err error) {
	var busy int
	err = conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logFrames, &copied)
	return logFrames, copied, err
}

// stop ends the goroutine and closes its connection (idempotent).
func (c *checkpointer) stop() {
	if c == nil {
		return
	}
	c.once.Do(func() {
		close(c.quit)
		<-c.done
		c.conn.Close()
	})
}
