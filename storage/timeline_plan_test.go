package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// The facts of an incident (the card's, on every command that refreshes it, and the
// close's) are read by kind. Ordered by the seq column, SQLite walked the primary key and
// read the whole timeline to skip the sort (30-38 ms of the close's write transaction at
// 100,000 entries). The plan must search timeline_by_kind.
func TestEntriesOfKindUseTheKindIndex(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	args := []any{int64(1)}
	for _, k := range bot.FactKinds {
		args = append(args, k)
	}
	plan := queryPlan(t, db, entriesOfKinds(len(bot.FactKinds)), args...)
	if got := plan; !strings.Contains(got, "USING INDEX timeline_by_kind") {
		t.Errorf("EachEntryOfKind's plan is %q; it must search timeline_by_kind", got)
	}
}
