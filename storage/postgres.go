package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/warroom/warroom/bot"
)

// PostgreSQL. The same DB, Tx and statements as SQLite (pgdriver.go translates the
// placeholders), with what differs kept here:
//
//   - its own migrations (pgmigrations/, numbered like migrations/ and kept in step);
//   - every write transaction first takes one transaction-scoped advisory lock, so the
//     writes of several warroom processes on one database are serialised as SQLite's single
//     writer serialises them, and every read-then-write the statements do (the next
//     incident, task or run number; a timer or alert claimed once) stays correct;
//     group commit still batches a process's commands into one transaction;
//   - the chain head is read with SELECT … FOR UPDATE (Tx.forUpdate), so appends to one
//     incident's timeline are serialised by its row lock even without that advisory lock;
//   - reads (View) run in repeatable-read transactions: one snapshot, as on SQLite.

//go:embed pgmigrations/*.sql
var pgMigrationFiles embed.FS

// The advisory lock keys (PostgreSQL scopes them to the database). Arbitrary constants,
// chosen not to collide with small numbers another application might use.
const (
	pgWriteLock   int64 = 0x7761_7272_6f6f_6d01 // "warroom" 1: every write transaction
	pgMigrateLock int64 = 0x7761_7272_6f6f_6d02 // "warroom" 2: migrations
)

// IsPostgresURL reports whether a --db value names a PostgreSQL database (postgres:// or
// postgresql://) rather than a SQLite file.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// IsPostgres reports whether the database is PostgreSQL.
func (db *DB) IsPostgres() bool { return db.pg }

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's message names the URL with its password masked.
		return nil, fmt.Errorf("database URL: %w", err)
	}
	name := displayURL(dsn)
	writer := sql.OpenDB(newPGConnector(writerConfig(cfg)))
	// One connection: the group-commit writer (writer.go) is this process's only writer.
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	db := &DB{path: name, writer: writer, pg: true, pgcfg: cfg, origin: newOrigin()}
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	if err := db.migratePG(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	reader := sql.OpenDB(newPGConnector(cfg))
	reader.SetMaxOpenConns(4)
	reader.SetMaxIdleConns(4)
	db.reader = reader
	db.startWriter()
	return db, nil
}

// writerIdleTimeout is how long the server lets the writer's session sit in a transaction
// waiting for it. Every write transaction holds the database-wide write lock: a process
// that stops inside one without its connection closing (frozen, its host gone, the network
// to it cut) would otherwise hold every replica's writes for as long as the server takes
// to notice a silent peer — hours with TCP's defaults. A write transaction waits for
// warroom only between its statements (milliseconds); one the server ends is rolled back
// and its commands answered with the failure.
const writerIdleTimeout = 10 * time.Second

// writerConfig is cfg for the writer's connection.
func writerConfig(cfg *pgx.ConnConfig) *pgx.ConnConfig {
	w := cfg.Copy()
	w.RuntimeParams["idle_in_transaction_session_timeout"] = strconv.FormatInt(writerIdleTimeout.Milliseconds(), 10)
	return w
}

// displayURL is the URL without its password (and without query parameters, which may
// hold one too), for messages and logs.
func displayURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}

// migratePG applies the migrations the database lacks in one transaction (PostgreSQL's DDL
// is transactional), under an advisory lock so replicas starting together migrate once,
// and refuses a database written by a newer warroom.
func (db *DB) migratePG(ctx context.Context) error {
	ms, err := readMigrations(pgMigrationFiles, "pgmigrations")
	if err != nil {
		return err
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, pgMigrateLock); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS warroom_schema (version BIGINT NOT NULL)`); err != nil {
		return err
	}
	var current int
	switch err := tx.QueryRowContext(ctx, `SELECT version FROM warroom_schema`).Scan(&current); err {
	case nil:
	case sql.ErrNoRows:
		if _, err := tx.ExecContext(ctx, `INSERT INTO warroom_schema (version) VALUES (0)`); err != nil {
			return err
		}
	default:
		return err
	}
	latest, err := applyMigrations(ctx, tx, ms, current)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE warroom_schema SET version = ?`, latest); err != nil {
		return err
	}
	return tx.Commit()
}

// beginWrite starts a write transaction; on PostgreSQL it waits for the database-wide
// write lock first (see the top of this file).
func (db *DB) beginWrite() (*sql.Tx, error) {
	tx, err := db.writer.BeginTx(context.Background(), nil)
	if err != nil || !db.pg || db.noWriteLock {
		return tx, err
	}
	if _, err := tx.Exec(`SELECT pg_advisory_xact_lock(?)`, pgWriteLock); err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// forUpdate ends a SELECT of a row the transaction is about to change: on PostgreSQL it
// locks the row until commit; SQLite, with one writer, has no such clause.
func (t *Tx) forUpdate() string {
	if t.pg {
		return ` FOR UPDATE`
	}
	return ``
}

// pgTables lists the database's tables (for Dump), warroom's own bookkeeping left out.
func (t *Tx) pgTables() ([]string, error) {
	rows, err := t.query(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'warroom_schema' ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// pgSize is the database's size on disk (PostgreSQL reuses the space of deleted rows after
// autovacuum, as SQLite reuses free pages).
func (db *DB) pgSize(ctx context.Context) (int64, error) {
	var n int64
	err := db.reader.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
	return n, err
}

// pgVacuum runs VACUUM on the tables a redaction rewrites, so the old row versions that
// held the text are removed from the tables as soon as no transaction can see them.
func (db *DB) pgVacuum(ctx context.Context) error {
	tables := []string{"timeline", "outbox", "outbox_file_parts"}
	seen := map[string]bool{"timeline": true, "outbox": true, "outbox_file_parts": true}
	for _, d := range derivedText {
		if !seen[d.table] {
			seen[d.table] = true
			tables = append(tables, d.table)
		}
	}
	// The names are this package's own constants; VACUUM cannot run in a transaction.
	_, err := db.writer.ExecContext(ctx, `VACUUM `+strings.Join(tables, ", "))
	return err
}

// describePG marks PostgreSQL's failures with their kind, as describe marks SQLite's (nil
// for an error that is not one of them).
func describePG(path string, err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return nil
	}
	switch {
	case pe.Code == "53100": // disk_full
		return kind(bot.ErrDiskFull, fmt.Errorf("database %s: the server's disk is full: %w", path, err))
	case pe.Code == "25006": // read_only_sql_transaction: a standby, or a database set read-only
		return kind(bot.ErrReadOnly, fmt.Errorf("database %s cannot be written (a read-only server or standby?): %w", path, err))
	case pe.Code == "55P03" || pe.Code == "40P01" || pe.Code == "40001": // lock_not_available, deadlock, serialization
		return kind(bot.ErrBusy, fmt.Errorf("database %s is locked by another process: %w", path, err))
	}
	return nil
}
