package storage

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
)

func addGroup(t *testing.T, db *DB, g *alert.Group, a alert.Alert, at time.Time) {
	t.Helper()
	update(t, db, func(tx *Tx) error {
		if err := tx.CreateAlertGroup(g); err != nil {
			return err
		}
		return tx.AddAlert(&alert.Record{Group: g.ID, Alert: a, ReceivedAt: at})
	})
}

func openGroup(t *testing.T, db *DB, source, key string, since time.Time) (*alert.Group, error) {
	t.Helper()
	var g *alert.Group
	err := db.View(context.Background(), func(tx *Tx) error {
		var err error
		g, err = tx.OpenAlertGroup(source, "r1", key, since)
		return err
	})
	return g, err
}

func TestAlertGroupsJoinOpenIncidentsAndRecentTriage(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	fire := alert.Alert{Source: "siem", Key: "k1", Status: alert.StatusFiring, Summary: "Beacon", ObservedAt: t0,
		Labels: map[string]string{"host": "db1"}, Members: []alert.Member{{Status: "firing", Fingerprint: "abc"}}}
	addGroup(t, db, &alert.Group{Source: "siem", Route: "r1", Key: "k1", State: alert.StateIncident, Incident: inc.Number, Summary: "Beacon",
		Status: alert.StatusFiring, FirstAt: t0, LastAt: t0}, fire, t0)
	// An open incident's group is open however long ago its last alert came.
	if g, err := openGroup(t, db, "siem", "k1", t0.Add(48*time.Hour)); err != nil || g.Incident != inc.Number || g.Count != 1 {
		t.Fatalf("incident group: %+v %v", g, err)
	}
	if _, err := openGroup(t, db, "edr", "k1", t0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another source's key matched: %v", err)
	}
	if err := db.View(context.Background(), func(tx *Tx) error {
		_, err := tx.OpenAlertGroup("siem", "r2", "k1", t0)
		return err
	}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another route's group matched: %v", err)
	}
	// A triage post is open within the window only.
	addGroup(t, db, &alert.Group{Source: "siem", Route: "r1", Key: "k2", State: alert.StateTriage, Platform: "console", Channel: "#soc",
		Summary: "Scan", Status: alert.StatusFiring, FirstAt: t0, LastAt: t0}, alert.Alert{Source: "siem", Key: "k2", Status: "firing", Summary: "Scan", ObservedAt: t0}, t0)
	if g, err := openGroup(t, db, "siem", "k2", t0.Add(-time.Hour)); err != nil || g.State != alert.StateTriage {
		t.Fatalf("triage group in window: %+v %v", g, err)
	}
	if _, err := openGroup(t, db, "siem", "k2", t0.Add(time.Second)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("triage group outside the window matched: %v", err)
	}
	// Closing the incident closes its group; a drill's group never matches.
	update(t, db, func(tx *Tx) error {
		inc.Status = bot.StatusClosed
		return tx.SaveIncident(inc)
	})
	if _, err := openGroup(t, db, "siem", "k1", t0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a closed incident's group matched: %v", err)
	}
	var recs []alert.Record
	if err := db.View(context.Background(), func(tx *Tx) (err error) { recs, err = tx.Alerts(1); return }); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Alert.Labels["host"] != "db1" || recs[0].Alert.Members[0].Fingerprint != "abc" || !recs[0].Alert.ObservedAt.Equal(t0) {
		t.Fatalf("stored alert: %+v", recs)
	}
}

func TestDecideAlertGroupOnce(t *testing.T) {
	db := openTest(t)
	g := &alert.Group{Source: "siem", Key: "k", State: alert.StateTriage, Summary: "s", Status: "firing", FirstAt: t0, LastAt: t0}
	addGroup(t, db, g, alert.Alert{Source: "siem", Key: "k", Status: "firing", Summary: "s", ObservedAt: t0}, t0)
	var first, second bool
	update(t, db, func(tx *Tx) (err error) {
		first, err = tx.DecideAlertGroup(g.ID, alert.StateDismissed, 0, "bob", t0)
		return
	})
	update(t, db, func(tx *Tx) (err error) {
		second, err = tx.DecideAlertGroup(g.ID, alert.StateDismissed, 0, "carol", t0)
		return
	})
	if !first || second {
		t.Fatalf("decided %v then %v", first, second)
	}
	var got *alert.Group
	_ = db.View(context.Background(), func(tx *Tx) (err error) { got, err = tx.AlertGroup(g.ID); return })
	if got.DecidedBy != "bob" || got.State != alert.StateDismissed {
		t.Fatalf("group after decisions: %+v", got)
	}
}

// Delivery ids survive a restart (replays are refused by the database, not by memory) and
// are forgotten after DeliveryRetention.
func TestAlertDeliveriesAreDurableAndPruned(t *testing.T) {
	path := testDBAt(t, filepath.Join(t.TempDir(), "w.db"))
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	msg1, msg2 := alert.Delivery{Source: "siem", ID: "msg_1"}, alert.Delivery{Source: "siem", ID: "msg_2"}
	remember := func(db *DB, d alert.Delivery, answer string, at time.Time) error {
		return db.Update(context.Background(), func(tx *Tx) error {
			if err := tx.RememberAlertDeliveries(map[alert.Delivery]string{d: answer}, at); err != nil {
				return err
			}
			return tx.ForgetAlertDeliveries(at)
		})
	}
	answers := func(db *DB) map[alert.Delivery]string {
		var got map[alert.Delivery]string
		if err := db.View(context.Background(), func(tx *Tx) (err error) { got, err = tx.AlertDeliveries([]alert.Delivery{msg1, msg2}); return }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if err := remember(db, msg1, `{"incident":"INC-1","new":true}`, t0); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if answer := answers(db)[msg1]; answer != `{"incident":"INC-1","new":true}` {
		t.Fatalf("answer after restart = %q", answer)
	}
	if err := remember(db, msg1, "{}", t0); err == nil {
		t.Fatal("the same delivery id was recorded twice")
	}
	if err := remember(db, msg2, "{}", t0.Add(DeliveryRetention+time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, ok := answers(db)[msg1]; ok {
		t.Fatal("old delivery not pruned")
	}
}

// Drills never receive alerts: a group on a drill incident is never open.
func TestAlertGroupOnADrillNeverMatches(t *testing.T) {
	db := openTest(t)
	inc := &bot.Incident{Title: "Drill", Severity: 3, Phase: bot.PhaseIdentification, Status: bot.StatusOpen, Drill: true,
		Platform: "console", ChannelName: "drill-1-x", DeclaredBy: "alice", DeclaredAt: t0}
	update(t, db, func(tx *Tx) error { return tx.CreateIncident(inc) })
	addGroup(t, db, &alert.Group{Source: "siem", Key: "k", State: alert.StateIncident, Incident: inc.Number, Summary: "s",
		Status: alert.StatusFiring, FirstAt: t0, LastAt: t0}, alert.Alert{Source: "siem", Key: "k", Status: "firing", Summary: "s", ObservedAt: t0}, t0)
	if _, err := openGroup(t, db, "siem", "k", t0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a drill's group matched: %v", err)
	}
}

// A batch's delivery ids are looked up and remembered in one statement each: the answers
// come back by source and id (the same id of another source is another delivery), and a
// remembered id cannot be remembered again.
func TestAlertDeliveriesInBatches(t *testing.T) {
	db := openTest(t)
	update(t, db, func(tx *Tx) error {
		return tx.RememberAlertDeliveries(map[alert.Delivery]string{
			{Source: "siem", ID: "msg_1"}: `{"incident":"INC-1","new":true}`,
			{Source: "siem", ID: "msg_2"}: `{"triage":"TRI-2","new":false}`,
		}, t0)
	})
	var got map[alert.Delivery]string
	err := db.View(context.Background(), func(tx *Tx) (err error) {
		got, err = tx.AlertDeliveries([]alert.Delivery{{Source: "siem", ID: "msg_1"}, {Source: "prom", ID: "msg_2"}, {Source: "siem", ID: "msg_2"}, {Source: "siem", ID: "new"}})
		return err
	})
	want := map[alert.Delivery]string{{Source: "siem", ID: "msg_1"}: `{"incident":"INC-1","new":true}`, {Source: "siem", ID: "msg_2"}: `{"triage":"TRI-2","new":false}`}
	if err != nil || len(got) != len(want) {
		t.Fatalf("got %v, %v; want %v", got, err, want)
	}
	for d, a := range want {
		if got[d] != a {
			t.Errorf("%v: %q, want %q", d, got[d], a)
		}
	}
	if err := db.Update(context.Background(), func(tx *Tx) error {
		return tx.RememberAlertDeliveries(map[alert.Delivery]string{{Source: "siem", ID: "msg_1"}: "{}"}, t0)
	}); err == nil {
		t.Fatal("a delivery id was remembered twice")
	}
}

// incidentGroup makes an incident with an alert group of one alert, and returns the group
// and an alert of it.
func incidentGroup(t *testing.T, db *DB) (*alert.Group, alert.Alert) {
	t.Helper()
	inc := newIncident(t, db)
	g := &alert.Group{Source: "siem", Route: "r1", Key: "k", State: alert.StateIncident, Incident: inc.Number, Summary: "s",
		Status: alert.StatusFiring, FirstAt: t0, LastAt: t0}
	a := alert.Alert{Source: "siem", Key: "k", Status: "firing", Summary: "s", ObservedAt: t0}
	addGroup(t, db, g, a, t0)
	return g, a
}

// An alert's id is known before its row is written (NewAlertID), so its timeline entry can
// name it and the row is written once with the entry's seq. Ids handed out and ids of rows
// inserted without one never collide, in one transaction or across them, and a rolled-back
// transaction's ids are simply not there.
func TestNewAlertIDsNeverCollide(t *testing.T) {
	db := openTest(t)
	g, a := incidentGroup(t, db) // one row, its id from InsertAlert
	ids := map[int64]bool{}
	// take runs inside transactions (on the writer goroutine, where t.Fatal must not run).
	take := func(id int64) {
		if id <= 0 || ids[id] {
			t.Errorf("alert id %d handed out twice (or not positive); so far %v", id, ids)
		}
		ids[id] = true
	}
	var rows []alert.Record
	update(t, db, func(tx *Tx) error {
		for i := 0; i < 3; i++ {
			id, err := tx.NewAlertID()
			if err != nil {
				return err
			}
			take(id)
			r := alert.Record{ID: id, Group: g.ID, Alert: a, ReceivedAt: t0, Seq: int64(10 + i)}
			if err := tx.InsertAlert(&r); err != nil {
				return err
			}
			// Between them, a row that asks for no id (a triage post's alert).
			plain := alert.Record{Group: g.ID, Alert: a, ReceivedAt: t0}
			if err := tx.AddAlert(&plain); err != nil {
				return err
			}
			take(plain.ID)
		}
		return nil
	})
	errUndo := errors.New("undo")
	if err := db.Update(context.Background(), func(tx *Tx) error {
		if _, err := tx.NewAlertID(); err != nil {
			return err
		}
		return errUndo
	}); !errors.Is(err, errUndo) {
		t.Fatal(err)
	}
	update(t, db, func(tx *Tx) error {
		r := alert.Record{Group: g.ID, Alert: a, ReceivedAt: t0}
		if err := tx.InsertAlert(&r); err != nil {
			return err
		}
		take(r.ID)
		id, err := tx.NewAlertID()
		take(id)
		return err
	})
	if err := db.View(context.Background(), func(tx *Tx) (err error) { rows, err = tx.Alerts(g.ID); return }); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+6+1 {
		t.Fatalf("%d alert rows, want 8", len(rows))
	}
	seqs := map[int64]int64{}
	for _, r := range rows {
		seqs[r.ID] = r.Seq
	}
	for i, want := range []int64{10, 11, 12} {
		found := false
		for id, seq := range seqs {
			if seq == want {
				found = ids[id]
			}
		}
		if !found {
			t.Errorf("the row given id %d up front does not carry its seq %d: %v", i, want, seqs)
		}
	}
}
