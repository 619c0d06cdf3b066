package storage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/pgtest"
)

// What only PostgreSQL has: several processes on one database, its own migrations, its URL.

func postgresOnly(t *testing.T) {
	t.Helper()
	if !onPostgres {
		t.Skip("PostgreSQL pass only")
	}
}

// twoProcesses opens one PostgreSQL database twice, as two warroom replicas would.
func twoProcesses(t *testing.T) (*DB, *DB) {
	t.Helper()
	u := testDBAt(t, filepath.Join(t.TempDir(), "shared.db"))
	var dbs [2]*DB
	for i := range dbs {
		db, err := Open(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}

// Two processes appending to one incident at once leave one unbroken chain: every append
// reads the head under the incident's row lock (and the write lock), so no two entries get
// the same seq or link to the same predecessor.
func TestPostgresAppendsFromTwoProcessesKeepOneChain(t *testing.T) {
	postgresOnly(t)
	for _, rowLocksOnly := range []bool{false, true} {
		t.Run(fmt.Sprintf("row locks only %v", rowLocksOnly), func(t *testing.T) {
			a, b := twoProcesses(t)
			a.noWriteLock, b.noWriteLock = rowLocksOnly, rowLocksOnly
			appendFromBoth(t, a, b)
		})
	}
}

func appendFromBoth(t *testing.T, a, b *DB) {
	inc := newIncident(t, a)
	const each = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for p, db := range []*DB{a, b} {
		for i := 0; i < each; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.Update(context.Background(), func(tx *Tx) error {
					_, err := tx.Append(inc.Number, &bot.Entry{At: t0, Actor: "alice", Kind: "note", Text: fmt.Sprintf("p%d n%d", p, i), Data: []byte("{}")}, "")
					return err
				})
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	v, err := b.Verify(context.Background(), inc.Number)
	if err != nil || !v.OK || v.Entries != 2*each+1 {
		t.Fatalf("verify after concurrent appends from two processes: %+v %v", v, err)
	}
}

// A due timer claimed by two processes at once fires once, and a delivery key marked by
// both is new to exactly one of them.
func TestPostgresClaimsAndDedupOnceAcrossProcesses(t *testing.T) {
	postgresOnly(t)
	for _, rowLocksOnly := range []bool{false, true} {
		t.Run(fmt.Sprintf("row locks only %v", rowLocksOnly), func(t *testing.T) {
			a, b := twoProcesses(t)
			a.noWriteLock, b.noWriteLock = rowLocksOnly, rowLocksOnly
			claimFromBoth(t, a, b)
		})
	}
}

func claimFromBoth(t *testing.T, a, b *DB) {
	ctx := context.Background()
	if err := a.Update(ctx, func(tx *Tx) error {
		return tx.SetTimer(bot.Timer{Key: "nudge:1", Kind: "nudge", Incident: 0, Due: t0})
	}); err != nil {
		t.Fatal(err)
	}
	timers, err := a.PendingTimers(ctx)
	if err != nil || len(timers) != 1 {
		t.Fatalf("pending timers %v %v", timers, err)
	}
	for round := 0; round < 20; round++ {
		var claimed, fresh sync.Map
		var wg sync.WaitGroup
		for p, db := range []*DB{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := db.Update(ctx, func(tx *Tx) error {
					_, ok, err := tx.ClaimTimer(timers[0].ID, t0.Add(time.Minute))
					if ok {
						claimed.Store(p, true)
					}
					if err != nil {
						return err
					}
					first, err := tx.MarkSeen(fmt.Sprintf("slack:Ev%d", round), t0)
					if first {
						fresh.Store(p, true)
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if n := mapLen(&fresh); n != 1 {
			t.Fatalf("round %d: the same delivery was new to %d processes", round, n)
		}
		if n := mapLen(&claimed); round == 0 && n != 1 || round > 0 && n != 0 {
			t.Fatalf("round %d: the timer was claimed %d times", round, n)
		}
	}
}

func mapLen(m *sync.Map) int {
	n := 0
	m.Range(func(any, any) bool { n++; return true })
	return n
}

// Replicas starting together migrate once; a database migrated by a newer warroom is
// refused, naming the upgrade.
func TestPostgresMigratesOnceAndRefusesNewer(t *testing.T) {
	postgresOnly(t)
	u := pgtest.DB(t)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := Open(context.Background(), u)
			if err == nil {
				db.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent first opens: %v", err)
	}
	db, err := Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	var v int
	if err := db.writer.QueryRow(`SELECT version FROM warroom_schema`).Scan(&v); err != nil || v != SchemaVersion() {
		t.Fatalf("schema version %d %v, want %d", v, err, SchemaVersion())
	}
	if _, err := db.writer.Exec(`UPDATE warroom_schema SET version = 999`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(context.Background(), u); err == nil || !strings.Contains(err.Error(), "upgrade warroom") {
		t.Fatalf("want a refusal naming the upgrade, got %v", err)
	}
}

// The PostgreSQL migrations are the SQLite ones, number for number, and give the same
// tables with the same columns in the same order: a migration added to one store alone
// fails here.
func TestPostgresSchemaMatchesSQLite(t *testing.T) {
	postgresOnly(t)
	lite, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	pg, err := readMigrations(pgMigrationFiles, "pgmigrations")
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL ones", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].name != pg[i].name {
			t.Errorf("migration %d: SQLite %s, PostgreSQL %s", i+1, lite[i].name, pg[i].name)
		}
	}
	ctx := context.Background()
	sq, err := Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sq.Close()
	pdb := openTest(t)
	columns := func(db *DB, q string) map[string]string {
		out := map[string]string{}
		rows, err := db.reader.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var table, cols string
			if err := rows.Scan(&table, &cols); err != nil {
				t.Fatal(err)
			}
			out[table] = cols
		}
		return out
	}
	want := columns(sq, `SELECT m.name, group_concat(p.name, ',') FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' GROUP BY m.name`)
	got := columns(pdb, `SELECT table_name, string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> 'warroom_schema' GROUP BY table_name`)
	var names []string
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if got[n] != want[n] {
			t.Errorf("table %s: SQLite columns %s, PostgreSQL %s", n, want[n], got[n])
		}
		delete(got, n)
	}
	for n := range got {
		t.Errorf("table %s exists only on PostgreSQL", n)
	}
}

// A password in the URL is never shown: not in Path, not in an error.
func TestPostgresURLPasswordNeverShown(t *testing.T) {
	postgresOnly(t)
	u := pgtest.DB(t)
	withPW := strings.Replace(u, "postgres://warroom@", "postgres://warroom:s3cr3t-pw@", 1)
	db, err := Open(context.Background(), withPW)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if strings.Contains(db.Path(), "s3cr3t") || strings.Contains(db.Path(), "?") {
		t.Errorf("Path shows the password or the parameters: %s", db.Path())
	}
	missing := strings.Replace(withPW, "/warroom_test?", "/no_such_database?", 1)
	_, err = Open(context.Background(), missing)
	if err == nil || strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), "no_such_database") {
		t.Fatalf("want an error naming the database without the password, got %v", err)
	}
}

func TestPostgresBackupRefusedNamingPgDump(t *testing.T) {
	postgresOnly(t)
	db := openTest(t)
	dest := filepath.Join(t.TempDir(), "b.db")
	if err := db.Backup(context.Background(), dest); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("want a refusal naming pg_dump, got %v", err)
	}
}

// rebind numbers placeholders and leaves quoted text and comments alone.
func TestRebind(t *testing.T) {
	for in, want := range map[string]string{
		`SELECT 1`: `SELECT 1`,
		`SELECT a FROM t WHERE x = ? AND y IN (?, ?)`:     `SELECT a FROM t WHERE x = $1 AND y IN ($2, $3)`,
		`SELECT '?', "a?b", 'it''s ?' FROM t WHERE z = ?`: `SELECT '?', "a?b", 'it''s ?' FROM t WHERE z = $1`,
		"SELECT ? -- why?\nFROM t WHERE w = ?":            "SELECT $1 -- why?\nFROM t WHERE w = $2",
		`SELECT 'unterminated ?`:                          `SELECT 'unterminated ?`,
	} {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

// One process holds the run lock; a second is refused until the first releases it, and a
// holder whose connection is cut learns it has lost the lock.
func TestPostgresRunLockIsExclusiveAndLossIsNoticed(t *testing.T) {
	postgresOnly(t)
	a, b := twoProcesses(t)
	ctx := context.Background()
	la, err := a.TryRunLock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.TryRunLock(ctx); !errors.Is(err, ErrRunLockHeld) {
		t.Fatalf("second holder: want ErrRunLockHeld, got %v", err)
	}
	la.Release()
	lb, err := b.TryRunLock(ctx)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	defer lb.Release()
	// Cut the holder's connection from the server side, as a failover or a network
	// partition would.
	if _, err := a.writer.Exec(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = ? AND granted`,
		pgRunLock&0xffffffff); err != nil {
		t.Fatal(err)
	}
	select {
	case <-lb.Lost():
	case <-time.After(5 * runLockCheck):
		t.Fatal("the holder did not notice its lock was gone")
	}
	la, err = a.TryRunLock(ctx)
	if err != nil {
		t.Fatalf("after the holder's connection died: %v", err)
	}
	la.Release()
}

// busyOnPostgres: another process holding the write lock past lock_timeout is ErrBusy.
func busyOnPostgres(t *testing.T) {
	a, b := twoProcesses(t)
	ctx := context.Background()
	held := make(chan struct{})
	release := make(chan struct{})
	go func() {
		_ = a.Update(ctx, func(*Tx) error { close(held); <-release; return nil })
	}()
	<-held
	defer close(release)
	if _, err := b.writer.Exec(`SET lock_timeout = '50ms'`); err != nil {
		t.Fatal(err)
	}
	err := b.Update(ctx, func(*Tx) error { return nil })
	if !errors.Is(err, bot.ErrBusy) {
		t.Fatalf("err = %v, want bot.ErrBusy", err)
	}
}

// A server that refuses writes (a standby, a database set read-only) is ErrReadOnly.
func TestPostgresReadOnlyServerIsErrReadOnly(t *testing.T) {
	postgresOnly(t)
	db := openTest(t)
	if _, err := db.writer.Exec(`SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`); err != nil {
		t.Fatal(err)
	}
	err := db.Update(context.Background(), func(tx *Tx) error {
		_, err := tx.MarkSeen("slack:Ev1", t0)
		return err
	})
	if !errors.Is(err, bot.ErrReadOnly) {
		t.Fatalf("err = %v, want bot.ErrReadOnly", err)
	}
}
