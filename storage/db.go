// Package storage is warroom's only package with SQL: SQLite (WAL) through mattn/go-sqlite3
// by default, or PostgreSQL through pgx (postgres.go) when the database is a postgres://
// URL; embedded numbered migrations for each, transactions, the timeline hash chain and
// backups. Both run the same statements and pass the same tests.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/mattn/go-sqlite3"

	"github.com/warroom/warroom/bot"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is an open warroom database: one write connection (BEGIN IMMEDIATE, so writers queue
// instead of failing with SQLITE_BUSY) and a small pool of read-only connections.
type DB struct {
	path   string // the SQLite file, or the PostgreSQL URL without its password
	writer *sql.DB
	reader *sql.DB
	pg     bool            // PostgreSQL (postgres.go) rather than SQLite
	pgcfg  *pgx.ConnConfig // PostgreSQL: for the dedicated connection of RunLock (pglock.go)
	// noWriteLock (tests only) skips PostgreSQL's write lock, to show that the row locks
	// alone keep each incident's chain and each timer's claim whole.
	noWriteLock bool
	// origin is this process's mark on the changes it announces (notify.go), so the leader
	// can tell its own from the other replicas'.
	origin string
	// elector is set while this process campaigns for leadership (pgleader.go): its outbox
	// claims are then fenced by the leader lock (outboxclaim.go).
	elector atomic.Pointer[Elector]

	// ckpt checkpoints the SQLite log off the writer (checkpoint.go); nil on PostgreSQL
	// and for snapshots.
	ckpt *checkpointer

	// payloads keeps the decoded payloads of pending outbox heads (outbox_payloads.go).
	payloads payloadCache
	// ahead keeps the rest of a followed lane's last read (outbox_ahead.go).
	ahead laneAhead
	// onQueued is told the lanes each commit queued into (outbox_announce.go).
	onQueued atomic.Pointer[func(lanes []string)]

	// the group-commit writer (writer.go)
	writes  chan *writeReq
	stop    chan struct{}
	stopped chan struct{}
}

// Open opens (creating with mode 0600 if needed) and migrates the database at path, or the
// PostgreSQL database when path is a postgres:// URL (IsPostgresURL).
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("database path is empty")
	}
	if IsPostgresURL(path) {
		return openPostgres(ctx, path)
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "NORMAL")
	// A redaction must not leave the deleted text in free pages of the file.
	q.Set("_secure_delete", "on")
	// Every command runs the same few statements; caching them per connection saves
	// re-preparing each one on every transaction.
	q.Set("_stmt_cache_size", "64")
	// database/sql gives a connection to one goroutine at a time, so SQLite's own lock on
	// each connection (go-sqlite3 opens them FULLMUTEX) is a pthread mutex taken and
	// released around every call (each bind, step and reset) that can never be contended.
	// NOMUTEX is SQLite's multi-thread mode: safe while no connection is used by two
	// threads at once. sqlite3_interrupt, which a cancelled context calls from another
	// goroutine, takes no lock.
	q.Set("_mutex", "no")
	wq := url.Values{}
	for k, v := range q {
		wq[k] = v
	}
	wq.Set("_txlock", "immediate")
	writer, err := sql.Open(writerDriver, "file:"+escapePath(abs)+"?"+wq.Encode())
	if err != nil {
		return nil, err
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	db := &DB{path: abs, writer: writer}
	// The writer must touch the file first: a read-only connection cannot switch it to WAL.
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, describe(path, err)
	}
	if err := db.migrate(ctx); err != nil {
		writer.Close()
		return nil, describe(path, err)
	}
	rq := url.Values{}
	for k, v := range q {
		rq[k] = v
	}
	rq.Set("_query_only", "1")
	reader, err := sql.Open("sqlite3", "file:"+escapePath(abs)+"?"+rq.Encode())
	if err != nil {
		writer.Close()
		return nil, err
	}
	reader.SetMaxOpenConns(4)
	reader.SetMaxIdleConns(4)
	reader.SetConnMaxLifetime(0)
	db.reader = reader
	if err := db.startCheckpointer("file:" + escapePath(abs) + "?" + rq.Encode()); err != nil {
		reader.Close()
		writer.Close()
		return nil, err
	}
	db.startWriter()
	return db, nil
}

// OpenSnapshot opens a database that must not change — an evidence copy on read-only
// media, a backup — for reading only: no migrations, no write connection, and SQLite told
// the file is immutable, so it needs no -wal or -shm files beside it. Writes fail.
func OpenSnapshot(ctx context.Context, path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite3", "file:"+escapePath(abs)+"?mode=ro&immutable=1&_query_only=1")
	if err != nil {
		return nil, err
	}
	var version int
	if err := reader.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		reader.Close()
		return nil, describe(path, err)
	}
	if version > SchemaVersion() {
		reader.Close()
		return nil, fmt.Errorf("database %s: its schema is version %d but this warroom knows only up to %d: upgrade warroom", path, version, SchemaVersion())
	}
	db := &DB{path: abs, reader: reader, writer: reader, stop: make(chan struct{}), stopped: make(chan struct{})}
	close(db.stop)
	close(db.stopped)
	return db, nil
}

// Path is the database file's absolute path.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error {
	db.stopWriter()
	db.ckpt.stop()
	if db.writer == db.reader {
		return db.reader.Close()
	}
	return errors.Join(db.reader.Close(), db.writer.Close())
}

func escapePath(p string) string {
	return strings.NewReplacer("?", "%3f", "#", "%23", "%", "%25").Replace(p)
}

// createPrivate creates the database file with mode 0600 if it does not exist, so incident
// data is never world-readable even for a moment.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot create database %s: %w", path, err)
	}
	return f.Close()
}

// describe turns SQLite's terse errors into something an operator can act on, marked with
// the kind of failure (bot.ErrDiskFull, bot.ErrReadOnly …) for the engine.
func describe(path string, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrNotADB, sqlite3.ErrCorrupt:
			return kind(bot.ErrCorrupt, fmt.Errorf("database %s is damaged or not a warroom database: %w", path, err))
		case sqlite3.ErrReadonly, sqlite3.ErrCantOpen, sqlite3.ErrPerm:
			if onReadOnlyFS(path) {
				// SQLite's own words here are "unable to open database file: no such file
				// or directory" (it could not create the -shm file), which sends an
				// operator looking for a file that is there.
				return kind(bot.ErrReadOnly, fmt.Errorf("database %s cannot be written: its file system is mounted read-only (remount it read-write): %w", path, err))
			}
			return kind(bot.ErrReadOnly, fmt.Errorf("database %s cannot be written (check the path and its permissions): %w", path, err))
		case sqlite3.ErrFull:
			return kind(bot.ErrDiskFull, fmt.Errorf("database %s: disk full: %w", path, err))
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return kind(bot.ErrBusy, fmt.Errorf("database %s is locked by another process: %w", path, err))
		}
	}
	if sk := storeKind(err); sk != nil {
		return err
	}
	if pe := describePG(path, err); pe != nil {
		return pe
	}
	return fmt.Errorf("database %s: %w", path, err)
}

// classify marks a driver error returned from inside a transaction with its kind, leaving
// every other error (refusals, not found) as it is.
func classify(path string, err error) error {
	var se sqlite3.Error
	if err == nil || storeKind(err) != nil || !errors.As(err, &se) && describePG(path, err) == nil {
		return err
	}
	return describe(path, err)
}

func kind(k, err error) error { return &bot.StoreError{Kind: k, Err: err} }

// storeKind is the failure kind err already carries, or nil.
func storeKind(err error) error {
	var e *bot.StoreError
	if errors.As(err, &e) {
		return e.Kind
	}
	return nil
}

// onReadOnlyFS reports whether path exists on a file system mounted read-only (opening
// it for writing, which changes nothing, fails with EROFS even for root).
func onReadOnlyFS(path string) bool {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err == nil {
		f.Close()
		return false
	}
	return errors.Is(err, syscall.EROFS)
}

// ErrReadOnly marks errors from a database that cannot be written.
var ErrReadOnly = bot.ErrReadOnly

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int {
	ms, _ := migrations()
	return ms[len(ms)-1].version
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) { return readMigrations(migrationFiles, "migrations") }

func readMigrations(files embed.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number", e.Name())
		}
		b, err := files.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// migrate applies the migrations the database lacks, all in one transaction, and refuses a
// database written by a newer warroom.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return err
	}
	latest, err := applyMigrations(ctx, tx, ms, current)
	if err != nil {
		return err
	}
	if current < latest {
		// PRAGMA takes no parameters; latest is our own integer.
		if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(latest)); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// applyMigrations runs, inside tx, the migrations newer than current and returns the
// latest version; a database newer than this binary is refused.
func applyMigrations(ctx context.Context, tx *sql.Tx, ms []migration, current int) (int, error) {
	latest := ms[len(ms)-1].version
	if current > latest {
		return 0, fmt.Errorf("its schema is version %d but this warroom knows only up to %d: upgrade warroom", current, latest)
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return 0, fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return latest, nil
}
