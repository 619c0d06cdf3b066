package storage

import (
	"context"
	"errors"
	"testing"

	"github.com/warroom/warroom/alerts/alert"
)

// A batch reserves the alert ids it may need (ReserveAlertIDs: on PostgreSQL one query
// instead of a nextval per alert). The reserved ids are handed out in ascending order and
// never twice: not to the rows that ask for no id in the same transaction, not beyond the
// reservation, not in a later transaction after the reserving one was rolled back or left
// some unused.
func TestReservedAlertIDs(t *testing.T) {
	db := openTest(t)
	g, a := incidentGroup(t, db)
	var order []int64 // ids in the order they were handed out
	seen := map[int64]bool{}
	rows := 1
	// take runs inside transactions (on the writer goroutine, where t.Fatal must not run).
	take := func(id int64) {
		if id <= 0 || seen[id] {
			t.Errorf("alert id %d handed out twice (or not positive); so far %v", id, order)
		}
		seen[id] = true
		order = append(order, id)
	}
	insert := func(tx *Tx, id int64) error {
		r := alert.Record{ID: id, Group: g.ID, Alert: a, ReceivedAt: t0}
		if err := tx.InsertAlert(&r); err != nil {
			return err
		}
		rows++
		take(r.ID)
		return nil
	}
	update(t, db, func(tx *Tx) error {
		if err := tx.ReserveAlertIDs(4); err != nil {
			return err
		}
		// Three taken up front, one by a row that asks for none, two past the reservation.
		for i := 0; i < 6; i++ {
			var id int64
			if i != 1 {
				var err error
				if id, err = tx.NewAlertID(); err != nil {
					return err
				}
			}
			if err := insert(tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	for i := 1; i < len(order); i++ {
		if order[i] <= order[i-1] {
			t.Errorf("ids not handed out in ascending order: %v", order)
		}
	}
	errUndo := errors.New("undo")
	if err := db.Update(context.Background(), func(tx *Tx) error {
		if err := tx.ReserveAlertIDs(5); err != nil {
			return err
		}
		if _, err := tx.NewAlertID(); err != nil {
			return err
		}
		return errUndo
	}); !errors.Is(err, errUndo) {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ {
		update(t, db, func(tx *Tx) error {
			// Three reserved, one used: the two left over are never handed out again.
			if err := tx.ReserveAlertIDs(3); err != nil {
				return err
			}
			id, err := tx.NewAlertID()
			if err != nil {
				return err
			}
			return insert(tx, id)
		})
	}
	var recs []alert.Record
	if err := db.View(context.Background(), func(tx *Tx) (err error) { recs, err = tx.Alerts(g.ID); return }); err != nil {
		t.Fatal(err)
	}
	if len(recs) != rows {
		t.Fatalf("%d alert rows, want %d", len(recs), rows)
	}
	for _, r := range recs[1:] {
		if !seen[r.ID] {
			t.Errorf("row %d has an id nobody was handed", r.ID)
		}
	}
}
