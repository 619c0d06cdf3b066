package storage

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// PendingTimer is how the scheduler learns whether a fire took: a claimed or cancelled
// timer is not pending; one set again (the same key keeps its id) is, at its new time.
func TestPendingTimerFollowsTheTimersState(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	due := time.Date(2026, 3, 1, 9, 5, 0, 0, time.UTC)
	set := func(at time.Time) {
		t.Helper()
		if err := db.Update(ctx, func(tx *Tx) error { return tx.SetTimer(bot.Timer{Key: "k", Kind: "nudge", Incident: 0, Due: at}) }); err != nil {
			t.Fatal(err)
		}
	}
	set(due)
	all, err := db.PendingTimers(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("pending %v, %v", all, err)
	}
	id := all[0].ID
	expect := func(what string, pending bool, at time.Time) {
		t.Helper()
		tm, ok, err := db.PendingTimer(ctx, id)
		if err != nil || ok != pending || pending && (!tm.Due.Equal(at) || tm.Key != "k" || tm.ID != id) {
			t.Fatalf("%s (%s): PendingTimer = %+v, %v, %v; want pending %v at %v", what, store(), tm, ok, err, pending, at)
		}
	}
	expect("set", true, due)
	if err := db.Update(ctx, func(tx *Tx) error { _, _, err := tx.ClaimTimer(id, due); return err }); err != nil {
		t.Fatal(err)
	}
	expect("claimed", false, due)
	set(due) // set again for the same time
	expect("set again", true, due)
	set(due.Add(time.Hour))
	expect("moved", true, due.Add(time.Hour))
	if err := db.Update(ctx, func(tx *Tx) error { _, err := tx.CancelTimer("k"); return err }); err != nil {
		t.Fatal(err)
	}
	expect("cancelled", false, due)
	if _, ok, err := db.PendingTimer(ctx, id+1000); ok || err != nil {
		t.Fatalf("an unknown id: %v, %v", ok, err)
	}
}
