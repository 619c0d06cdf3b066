package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgRunLock is the advisory lock of the processes serving a PostgreSQL database: what the
// lock file is for SQLite (cmd/warroom/dblock.go). A console (`shell`) takes it exclusively
// (TryRunLock): it fires timers and delivers by itself. Replicas (`run` with platforms)
// each hold it shared on their campaign connection (pgleader.go) and share the work
// through a leader; so neither kind starts beside the other.
const pgRunLock int64 = 0x7761_7272_6f6f_6d03 // "warroom" 3

// RunLock is a session-level advisory lock held on a connection of its own: a pooled
// connection could be handed to someone else, or closed, with the lock on it. PostgreSQL
// drops the lock when the connection ends — the holder died, or the network between them
// did — and Lost then says so, so the holder can stop before a second process takes over.
type RunLock struct {
	conn *pgx.Conn
	key  int64
	lost chan struct{}
	stop chan struct{}
	once sync.Once
	done chan struct{}
}

// ErrRunLockHeld is returned by TryRunLock when another process holds the lock.
var ErrRunLockHeld = errors.New("another warroom run holds this database")

// runLockCheck is how often the holder checks its connection (and so its lock) is alive.
const runLockCheck = 2 * time.Second

// TryRunLock takes the database's run lock without waiting (PostgreSQL only; ErrRunLockHeld
// when another process has it).
func (db *DB) TryRunLock(ctx context.Context) (*RunLock, error) {
	if !db.pg {
		return nil, errors.New("the run lock is PostgreSQL's; SQLite is locked by its lock file")
	}
	return db.tryLock(ctx, pgRunLock, "run lock")
}

// tryLock takes the session advisory lock key on a new connection of its own, without
// waiting (ErrRunLockHeld when another session holds it).
func (db *DB) tryLock(ctx context.Context, key int64, what string) (*RunLock, error) {
	conn, err := pgx.ConnectConfig(ctx, db.pgcfg.Copy())
	if err != nil {
		return nil, fmt.Errorf("database %s: %s: %w", db.path, what, err)
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("database %s: %s: %w", db.path, what, err)
	}
	if !ok {
		conn.Close(ctx)
		return nil, fmt.Errorf("database %s: %w", db.path, ErrRunLockHeld)
	}
	l := &RunLock{conn: conn, key: key, lost: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go l.watch()
	return l, nil
}

// watch pings the lock's connection; when it fails the lock is gone.
func (l *RunLock) watch() {
	defer close(l.done)
	t := time.NewTicker(runLockCheck)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), runLockCheck)
			err := l.conn.Ping(ctx)
			cancel()
			if err != nil {
				close(l.lost)
				return
			}
		}
	}
}

// Lost is closed when the lock's connection fails: the lock is no longer held.
func (l *RunLock) Lost() <-chan struct{} { return l.lost }

// Release gives the lock up: unlocked first, then its connection ended. Closing alone
// frees the lock only when the server's backend has exited, after Close returns, so a
// process taking the lock at once could still be refused ("another warroom run holds this
// database"); the unlock is answered once the lock is free.
func (l *RunLock) Release() {
	l.once.Do(func() {
		close(l.stop)
		<-l.done
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, l.key)
		_ = l.conn.Close(ctx)
	})
}
