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

// With DeferChainHeads (an alert batch) the heads are written once, by WriteChainHeads:
// meanwhile the transaction's own reads see the moved heads, afterwards the database holds
// them, and a deferred transaction that fails leaves the heads as they were.
func TestDeferredChainHeads(t *testing.T) {
	db := openTest(t)
	a, b := newIncident(t, db), newIncident(t, db)
	note := func(i int) *bot.Entry {
		return &bot.Entry{At: t0.Add(time.Duration(i) * time.Minute), Actor: "bob", Kind: bot.KindNote, Text: "note", Data: []byte("{}")}
	}
	var lastA *bot.Entry
	update(t, db, func(tx *Tx) error {
		tx.DeferChainHeads()
		for i := 0; i < 6; i++ {
			n, e := a.Number, note(i)
			if i%3 == 1 {
				n = b.Number
			}
			if _, err := tx.Append(n, e, ""); err != nil {
				return err
			}
			if n == a.Number {
				lastA = e
			}
		}
		inc, err := tx.Incident(a.Number)
		if err != nil {
			return err
		}
		if inc.HeadSeq != 5 || inc.HeadHash != lastA.Hash {
			t.Errorf("inside the transaction INC-%d reads head %d %.12s, want 5 %.12s", a.Number, inc.HeadSeq, inc.HeadHash, lastA.Hash)
		}
		if seq, err := tx.HeadSeq(b.Number); err != nil || seq != 3 {
			t.Errorf("inside the transaction INC-%d's head seq is %d (%v), want 3", b.Number, seq, err)
		}
		return tx.WriteChainHeads()
	})
	var inc *bot.Incident
	update(t, db, func(tx *Tx) (err error) { inc, err = tx.Incident(a.Number); return err })
	if inc.HeadSeq != 5 || inc.HeadHash != lastA.Hash {
		t.Errorf("stored head of INC-%d: %d %.12s, want 5 %.12s", a.Number, inc.HeadSeq, inc.HeadHash, lastA.Hash)
	}
	errUndo := errors.New("undo")
	if err := db.Update(context.Background(), func(tx *Tx) error {
		tx.DeferChainHeads()
		if _, err := tx.Append(a.Number, note(10), ""); err != nil {
			return err
		}
		if err := tx.WriteChainHeads(); err != nil {
			return err
		}
		return errUndo
	}); !errors.Is(err, errUndo) {
		t.Fatal(err)
	}
	appendN(t, db, a.Number, 2)
	for n, want := range map[int64]int64{a.Number: 5 + 2, b.Number: 1 + 2} {
		v, err := db.Verify(context.Background(), n)
		if err != nil || !v.OK || v.Entries != want {
			t.Errorf("INC-%d: %+v %v, want %d entries", n, v, err, want)
		}
	}
}

// Append refuses data that is not one JSON object, and records nothing then.
func TestAppendRefusesDataThatIsNotAnObject(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	for _, data := range []string{`[1]`, `"x"`, `{"a":`, `{"a":1}{}`, `  `, `nope`} {
		err := db.Update(context.Background(), func(tx *Tx) error {
			_, err := tx.Append(inc.Number, &bot.Entry{At: t0, Actor: "bob", Kind: bot.KindNote, Text: "n", Data: []byte(data)}, "")
			return err
		})
		if err == nil {
			t.Errorf("data %q was appended", data)
		}
	}
	for _, data := range []string{`{}`, ` {"a":1}`, `{"a":[ "x" ],"b":true}`} {
		update(t, db, func(tx *Tx) error {
			_, err := tx.Append(inc.Number, &bot.Entry{At: t0, Actor: "bob", Kind: bot.KindNote, Text: "n", Data: []byte(data)}, "")
			return err
		})
	}
	if v, err := db.Verify(context.Background(), inc.Number); err != nil || !v.OK || v.Entries != 1+3 {
		t.Errorf("after refusals: %+v %v", v, err)
	}
}
