package storage

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Leader election for several processes on one PostgreSQL database: the leader is whoever
// holds a session advisory lock (pgLeaderLock) on a connection of its own (tryLock). Every
// other candidate retries every LeaderRetry; when the leader dies or loses its connection,
// PostgreSQL drops the lock and the next attempt of another candidate wins it. A leader
// notices a lost connection within runLockCheck and stops leading at once.
//
// Elector satisfies gocron's Elector interface (gocron.WithDistributedElector): jobs run
// only on the leader. It is built and tested (storage/pgleader_test.go) but `warroom run`
// does not use it yet: several replicas are not wired (docs/postgres.md).
const pgLeaderLock int64 = 0x7761_7272_6f6f_6d04 // "warroom" 4

// LeaderRetry is how often a candidate that is not the leader tries to become it. With the
// leader's connection check (runLockCheck) it bounds a failover: a dead process's lock goes
// when PostgreSQL notices its connection is gone, a live one that lost its connection stops
// leading within runLockCheck, and a candidate takes over at its next try.
const LeaderRetry = 2 * time.Second

// ErrNotLeader is IsLeader's answer on a process that does not lead.
var ErrNotLeader = errors.New("not the leader")

// Elector campaigns for leadership until its context ends.
type Elector struct {
	db      *DB
	mu      sync.Mutex
	lock    *RunLock // non-nil while leading
	changed func(leader bool)
	done    chan struct{}
}

// Campaign starts campaigning; changed (may be nil) is told each time this process becomes
// or stops being the leader. Stop ends the campaign and gives leadership up.
func (db *DB) Campaign(ctx context.Context, changed func(leader bool)) (*Elector, error) {
	if !db.pg {
		return nil, errors.New("leader election needs PostgreSQL")
	}
	e := &Elector{db: db, changed: changed, done: make(chan struct{})}
	go e.run(ctx)
	return e, nil
}

func (e *Elector) run(ctx context.Context) {
	defer close(e.done)
	for {
		l, err := e.db.tryLock(ctx, pgLeaderLock, "leader lock")
		if err == nil {
			e.set(l)
			select {
			case <-l.Lost():
			case <-ctx.Done():
			}
			e.set(nil)
			l.Release()
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(LeaderRetry):
		}
	}
}

func (e *Elector) set(l *RunLock) {
	e.mu.Lock()
	e.lock = l
	e.mu.Unlock()
	if e.changed != nil {
		e.changed(l != nil)
	}
}

// Leader reports whether this process leads now.
func (e *Elector) Leader() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lock == nil {
		return false
	}
	select {
	case <-e.lock.Lost():
		return false
	default:
		return true
	}
}

// IsLeader is gocron's question before each run: nil on the leader, ErrNotLeader elsewhere.
func (e *Elector) IsLeader(context.Context) error {
	if e.Leader() {
		return nil
	}
	return ErrNotLeader
}

// Wait waits for the campaign to end (after its context is cancelled), leadership given up.
func (e *Elector) Wait() { <-e.done }
