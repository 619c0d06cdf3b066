package storage

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// A command the SQLite writer has begun runs to its end even if its caller's context ends
// meanwhile: its caller waits for the outcome anyway (Update), and a cancelled statement
// would interrupt the one write connection the whole batch shares. Before, the second
// Append failed with "context canceled" and the command was rolled back.
func TestACommandTheWriterBeganRunsToItsEnd(t *testing.T) {
	db := openTest(t)
	if db.pg {
		t.Skip("on PostgreSQL the caller's context still cancels a statement waiting on the server")
	}
	inc := newIncident(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	entry := func(i int) *bot.Entry {
		return &bot.Entry{At: t0.Add(time.Duration(i) * time.Second), Actor: "bob", Kind: bot.KindNote, Text: "note", Data: []byte(`{}`)}
	}
	err := db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Append(inc.Number, entry(1), ""); err != nil {
			return err
		}
		cancel() // the caller gives up while the writer runs its command
		_, err := tx.Append(inc.Number, entry(2), "")
		return err
	})
	if err != nil {
		t.Fatalf("a command begun before its caller gave up failed: %v", err)
	}
	var entries []bot.Entry
	if err := db.View(context.Background(), func(tx *Tx) error {
		var err error
		entries, err = tx.Entries(inc.Number)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 { // the declaration and both notes
		t.Fatalf("%d entries, want the declaration and both notes", len(entries))
	}
	// A caller that gave up before the writer reached its command is still refused.
	if err := db.Update(ctx, func(*Tx) error { return nil }); err == nil {
		t.Fatal("a command whose caller had already given up was run")
	}
}
