package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Backup writes a consistent snapshot of the live database to dest (VACUUM INTO: a single
// read transaction, so the bot keeps running). dest must not exist; it is made mode 0600.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if db.pg {
		return errors.New("backup: the database is PostgreSQL: back it up with pg_dump (docs/postgres.md)")
	}
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

// IntegrityCheck runs SQLite's own consistency check. PostgreSQL has none to run from
// here (its page checksums and amcheck are the operator's): it says so instead of "ok".
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	if db.pg {
		return "not checked: PostgreSQL (use pg_amcheck)", nil
	}
	var res string
	err := db.reader.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res)
	return res, err
}

// minFreeBytes is the free space below which the database counts as full for /readyz.
const minFreeBytes = 1 << 20

// Writable checks the database takes writes (for /readyz) by committing one tiny row: a
// full disk or a read-only file fails here, as it would fail the next command.
func (db *DB) Writable(ctx context.Context, at time.Time) error {
	// A nearly full disk still takes a tiny write (the WAL file reuses its own space) while
	// real commands fail, so look at the free space too.
	// (PostgreSQL's disk is the server's, not ours to look at: a full one fails the write.)
	var st syscall.Statfs_t
	if !db.pg && syscall.Statfs(filepath.Dir(db.path), &st) == nil {
		if free := st.Bavail * uint64(st.Bsize); free < minFreeBytes {
			return fmt.Errorf("database %s: disk full (%d KiB free)", db.path, free/1024)
		}
	}
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO health (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at`,
			ts(at))
		return err
	})
}

// OpenIncidents counts open incidents (for metrics).
func (db *DB) OpenIncidents(ctx context.Context) (int, error) {
	var n int
	err := db.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM incidents WHERE status = 'open'`).Scan(&n)
	return n, err
}
