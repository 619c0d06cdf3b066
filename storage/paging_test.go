package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/duration"
	"github.com/warroom/warroom/oncall"
)

func update(t *testing.T, db *DB, fn func(tx *Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// A delivered operation with a Ref records its message id against it; one without, or an
// unknown message, resolves to nothing.
func TestMessageRefRecordedOnDelivery(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	db.Enqueue(ctx, bot.Outbound{Lane: "dm:console:bob", Platform: "console", Op: bot.OpDM, Ref: "page:3", Payload: bot.Payload{User: "bob"}}, t0)
	db.Enqueue(ctx, bot.Outbound{Lane: "dm:console:carol", Platform: "console", Op: bot.OpDM, Payload: bot.Payload{User: "carol"}}, t0)
	due, err := db.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(due) != 2 {
		t.Fatalf("due %+v %v", due, err)
	}
	for _, o := range due {
		if err := db.CompleteOutbound(ctx, o, bot.Delivered{ID: o.Payload.User + "/1"}, t0); err != nil {
			t.Fatal(err)
		}
	}
	view := func(platform, id string) (string, error) {
		var ref string
		err := db.View(ctx, func(tx *Tx) (err error) { ref, err = tx.MessageRef(platform, id); return err })
		return ref, err
	}
	if ref, err := view("console", "bob/1"); err != nil || ref != "page:3" {
		t.Errorf("bob/1 → %q %v", ref, err)
	}
	for _, k := range [][2]string{{"console", "carol/1"}, {"slack", "bob/1"}, {"console", "nope"}} {
		if _, err := view(k[0], k[1]); !errors.Is(err, ErrNotFound) {
			t.Errorf("%v: %v, want not found", k, err)
		}
	}
	// A redelivery (the platform's answer was lost) keeps the first record.
	update(t, db, func(tx *Tx) error { return tx.addMessageRef("console", "bob/1", "page:9", t0) })
	if ref, _ := view("console", "bob/1"); ref != "page:3" {
		t.Errorf("ref overwritten: %q", ref)
	}
}

func TestPagesLifecycle(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	pol := oncall.Policy{Repeat: 2, Steps: []oncall.Step{{Notify: oncall.NotifyOnCall, Wait: duration.Duration(5 * time.Minute)},
		{Notify: oncall.NotifyUser, User: "dave", Wait: duration.Duration(10 * time.Minute)}}}
	p := &bot.Page{Target: "secops", Team: "secops", Message: "phish", PagedBy: "alice", Platform: "console", Channel: "inc-1",
		Incident: inc.Number, Policy: pol, CreatedAt: t0}
	q := &bot.Page{Target: "@bob", Person: "bob", Message: "host-7", PagedBy: "carol", Platform: "console", Policy: pol, CreatedAt: t0.Add(time.Minute)}
	update(t, db, func(tx *Tx) error {
		if err := tx.CreatePage(p); err != nil {
			return err
		}
		if err := tx.CreatePage(q); err != nil {
			return err
		}
		for _, n := range []bot.PageNotification{{Page: p.ID, Person: "bob", Step: 0, Round: 1, At: t0}, {Page: p.ID, Person: "dave", Step: 1, Round: 1, At: t0.Add(5 * time.Minute)},
			{Page: q.ID, Person: "bob", Step: 0, Round: 1, At: t0.Add(time.Minute)}} {
			if _, err := tx.AddPageNotification(n); err != nil {
				return err
			}
		}
		if again, err := tx.AddPageNotification(bot.PageNotification{Page: p.ID, Person: "bob", Step: 0, Round: 1, At: t0}); again || err != nil {
			t.Errorf("the same notification recorded twice: %v %v", again, err)
		}
		return tx.SetPageStep(p.ID, 1)
	})
	update(t, db, func(tx *Tx) error {
		got, err := tx.Page(p.ID)
		if err != nil {
			return err
		}
		if got.State != bot.PageOpen || got.Step != 1 || got.Incident != inc.Number || got.Policy.Repeat != 2 || len(got.Policy.Steps) != 2 ||
			got.Policy.Steps[1].User != "dave" || got.Policy.Steps[1].Wait.Std() != 10*time.Minute || !got.CreatedAt.Equal(t0) {
			t.Errorf("page %+v", got)
		}
		if got, _ := tx.Page(q.ID); got.Incident != 0 || got.Person != "bob" {
			t.Errorf("direct page %+v", got)
		}
		if mine, err := tx.PagesNotifying("bob", bot.PageOpen); err != nil || len(mine) != 2 || mine[0].ID != q.ID {
			t.Errorf("bob's open pages, newest first: %+v %v", mine, err)
		}
		if ok, err := tx.AckPage(p.ID, "dave", t0.Add(7*time.Minute)); !ok || err != nil {
			t.Errorf("ack: %v %v", ok, err)
		}
		if ok, _ := tx.AckPage(p.ID, "bob", t0.Add(8*time.Minute)); ok {
			t.Error("acknowledged twice")
		}
		if ok, _ := tx.EndPage(p.ID, bot.PageUnanswered, t0.Add(9*time.Minute)); ok {
			t.Error("an acknowledged page went unanswered")
		}
		if ok, _ := tx.EndPage(q.ID, bot.PageUnanswered, t0.Add(16*time.Minute)); !ok {
			t.Error("unanswered refused")
		}
		// Nobody answered, but a late acknowledgement still counts.
		if ok, _ := tx.AckPage(q.ID, "bob", t0.Add(20*time.Minute)); !ok {
			t.Error("late ack refused")
		}
		if _, err := tx.Page(99); !errors.Is(err, ErrNotFound) {
			t.Errorf("page 99: %v", err)
		}
		return nil
	})
	update(t, db, func(tx *Tx) error {
		pages, err := tx.IncidentPages(inc.Number)
		if err != nil || len(pages) != 1 {
			t.Fatalf("incident pages %+v %v", pages, err)
		}
		if tta, ok := pages[0].TimeToAck(); !ok || tta != 7*time.Minute || pages[0].AckedBy != "dave" {
			t.Errorf("time to acknowledge %v %v (%+v)", tta, ok, pages[0])
		}
		if open, _ := tx.PagesSince(t0.Add(time.Hour)); len(open) != 0 {
			t.Errorf("open pages %+v", open)
		}
		ns, err := tx.PageNotifications(p.ID)
		if err != nil || len(ns) != 2 || ns[1].Person != "dave" || !ns[1].At.Equal(t0.Add(5*time.Minute)) {
			t.Errorf("notifications %+v %v", ns, err)
		}
		return nil
	})
}

func TestOverridesCancel(t *testing.T) {
	db := openTest(t)
	a := &bot.Override{Override: oncall.Override{Team: "secops", Person: "carol", From: t0, Until: t0.Add(4 * time.Hour)}, CreatedBy: "bob", CreatedAt: t0}
	b := &bot.Override{Override: oncall.Override{Team: "secops", Person: "dave", From: t0.Add(5 * time.Hour), Until: t0.Add(6 * time.Hour)}, CreatedBy: "bob", CreatedAt: t0}
	update(t, db, func(tx *Tx) error {
		if err := tx.AddOverride(a); err != nil {
			return err
		}
		return tx.AddOverride(b)
	})
	update(t, db, func(tx *Tx) error {
		if ok, err := tx.CancelOverride(a.ID, "alice", t0.Add(time.Hour)); !ok || err != nil {
			t.Errorf("cancel a: %v %v", ok, err)
		}
		if ok, _ := tx.CancelOverride(a.ID, "alice", t0.Add(time.Hour)); ok {
			t.Error("cancelled twice")
		}
		// Cancelled before it starts: it never applies.
		if ok, _ := tx.CancelOverride(b.ID, "alice", t0.Add(time.Hour)); !ok {
			t.Error("cancel b")
		}
		got, err := tx.Override(a.ID)
		if err != nil || !got.Until.Equal(t0.Add(time.Hour)) || got.CancelledBy != "alice" || got.CancelledAt == nil || got.CreatedBy != "bob" {
			t.Errorf("a after cancel %+v %v", got, err)
		}
		got, _ = tx.Override(b.ID)
		if !got.Until.Equal(got.From) {
			t.Errorf("b after cancel %+v", got)
		}
		all, err := tx.Overrides(t0)
		if err != nil || len(all) != 2 {
			t.Errorf("overrides since t0: %+v %v", all, err)
		}
		if later, _ := tx.Overrides(t0.Add(time.Hour)); len(later) != 1 || later[0].ID != b.ID {
			t.Errorf("overrides after the cut: %+v", later)
		}
		return nil
	})
}
