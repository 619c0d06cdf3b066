package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"

	"github.com/warroom/warroom/storage"
)

// What `run` does differently on PostgreSQL (--db postgres://…, docs/postgres.md).

// holdRunLock makes this console the one process of a PostgreSQL database (storage.RunLock:
// an advisory lock on a connection of its own; SQLite has its lock file, dblock.go): it
// fires timers and delivers by itself, so a second console, or replicas (leader.go), are
// refused while it runs. If the lock's connection dies the returned context ends — the
// process stops rather than keep firing timers while another may have taken over — and
// lost reports it. On SQLite it does nothing.
func holdRunLock(ctx context.Context, db *storage.DB, log *slog.Logger) (_ context.Context, lost func() bool, release func(), _ error) {
	if !db.IsPostgres() {
		return ctx, func() bool { return false }, func() {}, nil
	}
	l, err := db.TryRunLock(ctx)
	if errors.Is(err, storage.ErrRunLockHeld) {
		return nil, nil, nil, fmt.Errorf("%w: stop it first (a console needs the database to itself; `run` with Slack or Discord runs as one of several replicas: docs/postgres.md)", err)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	var gone atomic.Bool
	go func() {
		select {
		case <-l.Lost():
			gone.Store(true)
			log.Error("the PostgreSQL run lock was lost (its connection failed): stopping", "db", db.Path())
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, gone.Load, func() { cancel(); l.Release() }, nil
}

// afterRun turns a run that ended because its lock was lost into a failure, so a service
// manager starts it again (and it waits its turn for the lock).
func (m *Main) afterRun(code int, lost func() bool) int {
	if lost() {
		return m.fail("stopped: the PostgreSQL run lock was lost")
	}
	return code
}

// pgKeyPath is the checkpoint key on PostgreSQL, where there is no database file to keep
// it beside: it must be given (--key or WARROOM_KEY), the same file on every machine that
// signs, and it must exist — every process creating its own would sign one chain with
// several keys. `warroom key --key FILE` creates it once.
func (m *Main) pgKeyPath(o *options, mayCreate bool) (string, error) {
	path := o.key
	if path == "" {
		path = m.Getenv("WARROOM_KEY")
	}
	if path == "" {
		return "", errors.New("on PostgreSQL the checkpoint signing key must be given with --key FILE or WARROOM_KEY (the same key on every machine; create it once with `warroom key --db … --key FILE`)")
	}
	if !mayCreate {
		if _, err := os.Stat(path); err != nil {
			return "", fmt.Errorf("checkpoint key %s: %w (on PostgreSQL it is never created by run: create it once with `warroom key --db … --key %s` and give the same file to every machine)", path, err, path)
		}
	}
	return path, nil
}
