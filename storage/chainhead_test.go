package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// Appends interleaved across incidents in one transaction (as alerts recorded together are)
// each chain on their own incident's head, and a rolled-back transaction's heads are not
// carried into the next one.
func TestAppendsInterleavedInOneTransaction(t *testing.T) {
	db := openTest(t)
	a, b := newIncident(t, db), newIncident(t, db)
	note := func(i int) *bot.Entry {
		return &bot.Entry{At: t0.Add(time.Duration(i) * time.Minute), Actor: "bob", Kind: bot.KindNote, Text: "note", Data: []byte("{}")}
	}
	err := db.Update(context.Background(), func(tx *Tx) error {
		for i := 0; i < 6; i++ {
			n := a.Number
			if i%3 == 1 {
				n = b.Number
			}
			if _, err := tx.Append(n, note(i), ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	errUndo := errors.New("undo")
	if err := db.Update(context.Background(), func(tx *Tx) error {
		if _, err := tx.Append(a.Number, note(10), ""); err != nil {
			return err
		}
		return errUndo
	}); !errors.Is(err, errUndo) {
		t.Fatal(err)
	}
	appendN(t, db, a.Number, 2)
	for n, want := range map[int64]int64{a.Number: 1 + 4 + 2, b.Number: 1 + 2} {
		v, err := db.Verify(context.Background(), n)
		if err != nil || !v.OK || v.Entries != want {
			t.Errorf("INC-%d: %+v %v, want %d entries", n, v, err, want)
		}
	}
}
