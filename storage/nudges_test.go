package storage

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func TestNudgeStateRoundTrip(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	ctx := context.Background()
	err := db.Update(ctx, func(tx *Tx) error {
		st, err := tx.NudgeState(inc.Number)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(st, bot.NudgeState{Incident: inc.Number}) {
			t.Errorf("an incident without state: %+v", st)
		}
		want := bot.NudgeState{Incident: inc.Number, Muted: true, MutedBy: "bob", SnoozedUntil: t0.Add(time.Hour),
			LastUpdate: t0.Add(time.Minute), PhaseEntered: t0, StatusReminded: t0.Add(30 * time.Minute), TasksReminded: t0.Add(2 * time.Hour)}
		if err := tx.SaveNudgeState(want); err != nil {
			return err
		}
		want.Muted, want.SnoozedUntil = false, time.Time{}
		if err := tx.SaveNudgeState(want); err != nil {
			return err
		}
		got, err := tx.NudgeState(inc.Number)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got.LastUpdate.UTC(), want.LastUpdate) || got.Muted || !got.SnoozedUntil.IsZero() || !got.CommanderReminded.IsZero() ||
			!got.StatusReminded.Equal(want.StatusReminded) || !got.TasksReminded.Equal(want.TasksReminded) || got.MutedBy != "bob" {
			t.Errorf("round trip: %+v, want %+v", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestClocksAreKeptAndOrderedByDeadline(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	ctx := context.Background()
	done := t0.Add(20 * time.Hour)
	err := db.Update(ctx, func(tx *Tx) error {
		for _, c := range []bot.Clock{
			{Incident: inc.Number, Name: "nis2-notification", Label: "NIS2 notification", Start: t0, Deadline: t0.Add(72 * time.Hour), SetBy: "alice", SetAt: t0},
			{Incident: inc.Number, Name: "nis2-early-warning", Label: "NIS2 early warning", Start: t0, Deadline: t0.Add(24 * time.Hour), SetBy: "alice", SetAt: t0},
		} {
			if err := tx.SetClock(c); err != nil {
				return err
			}
		}
		// Filing one is an upsert of the same clock.
		return tx.SetClock(bot.Clock{Incident: inc.Number, Name: "nis2-early-warning", Label: "NIS2 early warning", Start: t0,
			Deadline: t0.Add(24 * time.Hour), SetBy: "alice", SetAt: t0, Reminded: 2, DoneAt: &done, DoneBy: "carol", DoneNote: "CSIRT ref 7"})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(ctx, func(tx *Tx) error {
		cs, err := tx.Clocks(inc.Number)
		if err != nil {
			return err
		}
		if len(cs) != 2 || cs[0].Name != "nis2-early-warning" || cs[1].Name != "nis2-notification" {
			t.Fatalf("clocks: %+v", cs)
		}
		if met, decided := cs[0].Met(); !met || !decided || cs[0].Reminded != 2 || cs[0].DoneBy != "carol" || cs[0].DoneNote != "CSIRT ref 7" || !cs[0].DoneAt.Equal(done) {
			t.Errorf("filed clock: %+v", cs[0])
		}
		if _, decided := cs[1].Met(); decided || cs[1].DoneAt != nil {
			t.Errorf("open clock: %+v", cs[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReviewRoundTrip(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	err := db.Update(context.Background(), func(tx *Tx) error {
		if _, err := tx.Review(inc.Number); !errors.Is(err, ErrNotFound) {
			t.Errorf("no review yet: %v", err)
		}
		meeting, held := t0.Add(72*time.Hour), t0.Add(73*time.Hour)
		want := bot.Review{Incident: inc.Number, Opened: t0, Due: t0.Add(14 * 24 * time.Hour), MeetingAt: &meeting, ScheduledBy: "bob",
			ScheduledAt: t0.Add(time.Hour), RemindedAt: t0.Add(48 * time.Hour), HeldAt: &held, HeldBy: "alice"}
		if err := tx.SaveReview(bot.Review{Incident: inc.Number}); err != nil {
			return err
		}
		if err := tx.SaveReview(want); err != nil {
			return err
		}
		got, err := tx.Review(inc.Number)
		if err != nil {
			return err
		}
		if !got.Opened.Equal(want.Opened) || !got.Due.Equal(want.Due) || !got.MeetingAt.Equal(meeting) || got.ScheduledBy != "bob" ||
			!got.ScheduledAt.Equal(want.ScheduledAt) || !got.RemindedAt.Equal(want.RemindedAt) || !got.HeldAt.Equal(held) || got.HeldBy != "alice" {
			t.Errorf("round trip: %+v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
