package storage

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

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
	plan := queryPlan(t, db, entriesOfKinds(len(bot.FactKinds), false), args...)
	if got := plan; !strings.Contains(got, "USING INDEX timeline_by_kind") {
		t.Errorf("EachEntryOfKind's plan is %q; it must search timeline_by_kind", got)
	}
}

// timeline_by_kind leaves the alert entries out (migration 0015), yet a read by kind finds
// every entry of the kinds it names, alerts too, in seq order, and one that names no alert
// kind none of them. Both stores.
func TestEntriesOfKindReadAlertsTheIndexLeavesOut(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	kinds := []string{bot.KindAlert, bot.KindNote, bot.KindAlert, bot.KindSummary, bot.KindAlert}
	update(t, db, func(tx *Tx) error {
		for i, k := range kinds {
			e := &bot.Entry{At: t0.Add(time.Duration(i+1) * time.Minute), Actor: "alerts:siem", Kind: k, Text: k + " " + strconv.Itoa(i), Data: []byte("{}")}
			if _, err := tx.Append(inc.Number, e, ""); err != nil {
				return err
			}
		}
		return nil
	})
	read := func(kinds ...string) string {
		var got []string
		err := db.View(context.Background(), func(tx *Tx) error {
			return tx.EachEntryOfKind(inc.Number, kinds, func(e bot.Entry) error {
				got = append(got, strconv.FormatInt(e.Seq, 10)+":"+e.Kind)
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, " ")
	}
	// Entry 1 is the declaration; the entries above are 2 to 6.
	if got, want := read(bot.KindAlert), "2:alert 4:alert 6:alert"; got != want {
		t.Errorf("alert entries read %q, want %q", got, want)
	}
	if got, want := read(bot.KindSummary, bot.KindAlert), "2:alert 4:alert 5:summary 6:alert"; got != want {
		t.Errorf("summary and alert entries read %q, want %q", got, want)
	}
	if got, want := read(bot.KindNote, bot.KindSummary), "3:note 5:summary"; got != want {
		t.Errorf("note and summary entries read %q, want %q", got, want)
	}
}
