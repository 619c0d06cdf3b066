package main

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/warroom/warroom/storage"
)

// migrate copies the SQLite database (--db) into an empty PostgreSQL one (--to): every row,
// chains and checkpoints as they are (storage.CopyTo), then verifies every incident on the
// copy. Stop `warroom run` first: what it writes after the copy began is not copied.
func (m *Main) migrate(ctx context.Context, o *options, pos []string) int {
	if len(pos) != 0 {
		return m.failUsage("migrate", fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if !storage.IsPostgresURL(o.to) {
		return m.failUsage("migrate", errors.New("--to must be a postgres:// URL"))
	}
	if storage.IsPostgresURL(o.db) {
		return m.failUsage("migrate", errors.New("--db must be the SQLite database to copy from"))
	}
	src, err := m.openDB(ctx, o, true)
	if err != nil {
		return m.fail("%v", err)
	}
	defer src.Close()
	dst, err := storage.Open(ctx, o.to)
	if err != nil {
		return m.fail("%v", err)
	}
	defer dst.Close()
	copied, err := src.CopyTo(ctx, dst)
	if err != nil {
		return m.fail("migrate to %s: %v", dst.Path(), err)
	}
	var tables []string
	var rows int64
	for t, n := range copied {
		tables = append(tables, t)
		rows += n
	}
	sort.Strings(tables)
	var incidents []int64
	if err := dst.View(ctx, func(tx *storage.Tx) error {
		all, err := tx.Incidents(true)
		for _, i := range all {
			incidents = append(incidents, i.Number)
		}
		return err
	}); err != nil {
		return m.fail("%v", err)
	}
	for _, n := range incidents {
		v, err := dst.Verify(ctx, n)
		if err != nil {
			return m.fail("verify the copy: %v", err)
		}
		if !v.OK {
			return m.fail("the copy of INC-%d does not verify: %s", n, v.Problem)
		}
	}
	fmt.Fprintf(m.Stdout, "Copied %s (%d rows in %d tables) to %s; all %d incidents verify there.\n", src.Path(), rows, len(tables), dst.Path(), len(incidents))
	return exitOK
}
