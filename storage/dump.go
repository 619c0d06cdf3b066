package storage

import (
	"context"
	"fmt"
	"strings"
)

// Dump writes every row of every table as text, in a stable order: two dumps are equal
// exactly when the database holds the same data. Tests use it to show that a refused
// request changed nothing.
func (db *DB) Dump(ctx context.Context) (string, error) {
	var b strings.Builder
	err := db.View(ctx, func(tx *Tx) error {
		if db.pg {
			tables, err := tx.pgTables()
			if err != nil {
				return err
			}
			for _, table := range tables {
				if err := dumpTable(tx, &b, table); err != nil {
					return err
				}
			}
			return nil
		}
		rows, err := tx.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
		if err != nil {
			return err
		}
		var tables []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return err
			}
			tables = append(tables, n)
		}
		rows.Close()
		for _, table := range tables {
			if err := dumpTable(tx, &b, table); err != nil {
				return err
			}
		}
		return nil
	})
	return b.String(), err
}

func dumpTable(tx *Tx, b *strings.Builder, table string) error {
	// The name comes from sqlite_master, not from outside; quoted as an identifier.
	quoted := `"` + strings.ReplaceAll(table, `"`, `""`) + `"`
	probe, err := tx.query(`SELECT * FROM ` + quoted + ` LIMIT 0`)
	if err != nil {
		return err
	}
	cols, err := probe.Columns()
	probe.Close()
	if err != nil {
		return err
	}
	order := make([]string, len(cols))
	for i := range cols {
		order[i] = fmt.Sprint(i + 1)
	}
	rows, err := tx.query(`SELECT * FROM ` + quoted + ` ORDER BY ` + strings.Join(order, ", "))
	if err != nil {
		return err
	}
	defer rows.Close()
	fmt.Fprintf(b, "== %s (%s)\n", table, strings.Join(cols, ", "))
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteString(" | ")
			}
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(b, "%v", v)
		}
		b.WriteString("\n")
	}
	return rows.Err()
}
