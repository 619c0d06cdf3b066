package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent snapshot of the live database to dest (VACUUM INTO: a single
// read transaction, so the bot keeps running). dest must not exist; it is made mode 0600.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists", dest)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	// Create the file first so it is never readable by others, even for a moment; SQLite
	// accepts an empty file as the target.
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	if _, err := db.writer.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		_ = os.Remove(dest)
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's own consistency check.
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	err := db.reader.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res)
	return res, err
}

// Writable checks the database accepts writes (for /readyz): it takes the write lock and
// lets it go without changing anything.
func (db *DB) Writable(ctx context.Context) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return describe(db.path, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE incidents SET number = number WHERE 0`); err != nil {
		return describe(db.path, err)
	}
	return nil
}

// OpenIncidents counts open incidents (for metrics).
func (db *DB) OpenIncidents(ctx context.Context) (int, error) {
	var n int
	err := db.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM incidents WHERE status = 'open'`).Scan(&n)
	return n, err
}
