package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/warroom/warroom/internal/pgtest"
)

// The storage conformance suite: every test of this package runs twice, first on SQLite and
// then on PostgreSQL (a throwaway cluster, internal/pgtest), because TestMain runs them all
// a second time with onPostgres set. A test opens its database through openTest or
// testDBAt and so gets whichever store the pass is for. The few tests about SQLite's file
// (its mode, WAL, damage, a read-only disk, VACUUM INTO backups, snapshots) call
// sqliteOnly and skip on the second pass; each has a PostgreSQL counterpart where one
// makes sense (postgres_test.go).

var onPostgres bool

func TestMain(m *testing.M) {
	code := m.Run()
	fmt.Println("=== storage conformance: every test again, on PostgreSQL")
	onPostgres = true
	if pg := m.Run(); code == 0 {
		code = pg
	}
	pgtest.StopShared()
	os.Exit(code)
}

// store names the pass, for messages.
func store() string {
	if onPostgres {
		return "PostgreSQL"
	}
	return "SQLite"
}

// sqliteOnly skips t on the PostgreSQL pass: it tests something only SQLite's file has.
func sqliteOnly(t *testing.T, why string) {
	t.Helper()
	if onPostgres {
		t.Skip("SQLite only: " + why)
	}
}

var (
	pgMu    sync.Mutex
	pgNames = map[string]string{} // a test's SQLite path → its PostgreSQL schema
	pgFree  []string              // migrated schemas no running test uses
)

// testDBAt is what a test opens for the database "at path": the path itself on SQLite; on
// PostgreSQL an empty, migrated schema, the same one every time the test names that path
// again (a reopen after Close). Schemas are kept in a pool and emptied when handed out
// again: migrating a fresh one for every test would cost more than the tests.
func testDBAt(t *testing.T, path string) string {
	t.Helper()
	if !onPostgres {
		return path
	}
	pgMu.Lock()
	if u, ok := pgNames[path]; ok {
		pgMu.Unlock()
		return u
	}
	var u string
	if n := len(pgFree); n > 0 {
		u, pgFree = pgFree[n-1], pgFree[:n-1]
	}
	pgMu.Unlock()
	if u == "" {
		u = pgtest.Schema(t)
	} else {
		emptySchema(t, u)
	}
	pgMu.Lock()
	pgNames[path] = u
	pgMu.Unlock()
	t.Cleanup(func() {
		pgMu.Lock()
		defer pgMu.Unlock()
		delete(pgNames, path)
		pgFree = append(pgFree, u)
	})
	return u
}

// emptySchema deletes every row of a pooled schema and restarts its id sequences, in one
// transaction (TRUNCATE would be simpler but makes new files for every table and index,
// which costs more than the tests).
func emptySchema(t *testing.T, u string) {
	t.Helper()
	db, err := Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = func() error {
		tx, err := db.writer.Begin()
		if err != nil {
			return err
		}
		defer tx.Rollback()
		// The superuser's test session skips the foreign-key triggers, so the tables can
		// be emptied in any order.
		if _, err := tx.Exec(`SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		var tables []string
		if err := db.View(context.Background(), func(v *Tx) (err error) { tables, err = v.pgTables(); return err }); err != nil {
			return err
		}
		for _, table := range tables {
			// The names come from the catalogue of our own schema.
			if _, err := tx.Exec(`DELETE FROM ` + table); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`SELECT setval(pg_get_serial_sequence(table_name, column_name), 1, false)
			FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'`); err != nil {
			return err
		}
		return tx.Commit()
	}()
	if err != nil {
		t.Fatalf("empty a pooled test schema: %v", err)
	}
}

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), testDBAt(t, filepath.Join(t.TempDir(), "w.db")))
	if err != nil {
		t.Fatalf("%s: %v", store(), err)
	}
	t.Logf("store: %s", store())
	t.Cleanup(func() { db.Close() })
	return db
}
