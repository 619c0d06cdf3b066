package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Copying a SQLite database into PostgreSQL (`warroom migrate --to postgres://…`). Every row
// of every table is copied as it is — timeline entries with their digests, hashes, salts and
// text commitments, checkpoints with their signatures — so every chain verifies on the copy
// exactly as on the original. The two schemas have the same tables and columns in the same
// order (TestPostgresSchemaMatchesSQLite), so a row goes across column for column.

// Copied says how many rows of each table CopyTo wrote.
type Copied map[string]int64

// copyBatch is how many rows go in one INSERT.
const copyBatch = 200

// CopyTo copies everything in db (SQLite) into dst (PostgreSQL, migrated and empty: a
// target holding any row is refused before anything is written). It reads one snapshot of
// db and writes in one transaction of dst, so the copy is all of it or nothing.
func (db *DB) CopyTo(ctx context.Context, dst *DB) (Copied, error) {
	if db.pg || !dst.pg {
		return nil, errors.New("migrate copies a SQLite database into a PostgreSQL one")
	}
	tables, err := db.copyOrder(ctx)
	if err != nil {
		return nil, err
	}
	copied := Copied{}
	err = db.View(ctx, func(src *Tx) error {
		return dst.Update(ctx, func(out *Tx) error {
			for _, table := range tables {
				var n int64
				// The names come from SQLite's own catalogue.
				if err := out.row(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
					return fmt.Errorf("target table %s: %w", table, err)
				}
				if n > 0 {
					return fmt.Errorf("the target database is not empty (%s has %d rows): migrate copies into a new, empty database only", table, n)
				}
			}
			for _, table := range tables {
				n, err := copyTable(src, out, table)
				if err != nil {
					return fmt.Errorf("copy %s: %w", table, err)
				}
				copied[table] = n
			}
			return restartIdentities(out)
		})
	})
	if err != nil {
		return nil, err
	}
	return copied, nil
}

// restartIdentities moves every identity column's sequence past the highest value copied:
// the rows were given their ids explicitly, and the next insert must not collide.
func restartIdentities(out *Tx) error {
	rows, err := out.query(`SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return err
	}
	var ids [][2]string
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, [2]string{t, c})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		// The names come from PostgreSQL's catalogue of our own schema.
		if _, err := out.exec(`SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX(`+id[1]+`) FROM `+id[0]+`), 0) + 1, false)`, id[0], id[1]); err != nil {
			return err
		}
	}
	return nil
}

// copyOrder lists the SQLite tables so that every table comes after the tables its foreign
// keys point to (PostgreSQL checks each row as it arrives).
func (db *DB) copyOrder(ctx context.Context) ([]string, error) {
	deps := map[string][]string{}
	err := db.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT m.name, COALESCE(f."table", '') FROM sqlite_master m LEFT JOIN pragma_foreign_key_list(m.name) f
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var table, ref string
			if err := rows.Scan(&table, &ref); err != nil {
				return err
			}
			deps[table] = append(deps[table], ref)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(deps))
	for n := range deps {
		names = append(names, n)
	}
	sort.Strings(names)
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("the foreign keys of table %s form a cycle", n)
		case 2:
			return nil
		}
		state[n] = 1
		for _, d := range deps[n] {
			if d != "" && d != n {
				if err := visit(d); err != nil {
					return err
				}
			}
		}
		state[n] = 2
		order = append(order, n)
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// copyTable copies one table's rows, in rowid order (a WITHOUT ROWID table's, having no
// rowid, in its key's: rowOrder), in INSERTs of copyBatch rows.
func copyTable(src, out *Tx, table string) (int64, error) {
	order, err := rowOrder(src, table)
	if err != nil {
		return 0, err
	}
	rows, err := src.query(`SELECT * FROM ` + table + ` ORDER BY ` + order)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		return 0, err
	}
	blob := make([]bool, len(cols))
	for i, ct := range types {
		blob[i] = strings.EqualFold(ct.DatabaseTypeName(), "BLOB")
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	var n int64
	var batch []any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		k := len(batch) / len(cols)
		q := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES ` + strings.TrimSuffix(strings.Repeat(one+", ", k), ", ")
		if _, err := out.exec(q, batch...); err != nil {
			return err
		}
		n += int64(k)
		batch = batch[:0]
		return nil
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok && !blob[i] {
				// SQLite hands TEXT back as bytes; every column but a BLOB is text or integer.
				vals[i] = string(b)
			}
		}
		batch = append(batch, vals...)
		if len(batch)/len(cols) == copyBatch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// rowOrder is the order copyTable reads table's rows in: rowid, or for a WITHOUT ROWID
// table (SQLite's table list says which) its primary key's columns in the key's order.
// (copyOrder is the tables' order.)
func rowOrder(src *Tx, table string) (string, error) {
	var keyed int
	if err := src.row(`SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?`, table).Scan(&keyed); err != nil {
		return "", err
	}
	if keyed == 0 {
		return "rowid", nil
	}
	rows, err := src.query(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, table)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var key []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return "", err
		}
		key = append(key, `"`+c+`"`)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if len(key) == 0 {
		return "", errors.New("copy " + table + ": a WITHOUT ROWID table without a primary key")
	}
	return strings.Join(key, ", "), nil
}
