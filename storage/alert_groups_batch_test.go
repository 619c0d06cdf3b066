package storage

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
)

// OpenAlertGroups answers every key as OpenAlertGroup does, in one look-up: an open
// incident's group however old, a triage or dismissed post within the window only, never a
// closed incident's or a drill's group, another source's or route's, and the newest open
// group of a key even when a newer one is shut (a triage post past the window). A key with
// no open group is left out; a key named twice is answered once. Both stores.
func TestOpenAlertGroupsAnswersAsOpenAlertGroup(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	fire := func(key string) alert.Alert {
		return alert.Alert{Source: "siem", Key: key, Status: alert.StatusFiring, Summary: "s", ObservedAt: t0}
	}
	group := func(key, state string, inc int64, last time.Time) {
		g := &alert.Group{Source: "siem", Route: "r1", Key: key, State: state, Incident: inc, Summary: "s", Status: alert.StatusFiring, FirstAt: t0, LastAt: last}
		if state == alert.StateTriage || state == alert.StateDismissed {
			g.Platform, g.Channel = "console", "#soc"
		}
		addGroup(t, db, g, fire(key), last)
	}
	open, closed := newIncident(t, db), newIncident(t, db)
	appendN(t, db, open.Number, 3)
	drill := &bot.Incident{Title: "Drill", Severity: 3, Phase: bot.PhaseIdentification, Status: bot.StatusOpen, Drill: true,
		Platform: "console", ChannelName: "drill-9-x", DeclaredBy: "alice", DeclaredAt: t0}
	update(t, db, func(tx *Tx) error { return tx.CreateIncident(drill) })
	since := t0.Add(time.Hour)
	group("incident", alert.StateIncident, open.Number, t0)              // open however old
	group("closed", alert.StateIncident, closed.Number, since)           // its incident closed below
	group("drill", alert.StateIncident, drill.Number, since)             // never
	group("triage-in", alert.StateTriage, 0, since)                      // in the window
	group("triage-out", alert.StateTriage, 0, since.Add(-time.Second))   // past it
	group("dismissed-in", alert.StateDismissed, 0, since.Add(time.Hour)) // in the window
	group("older-open", alert.StateIncident, open.Number, t0)            // the answer …
	group("older-open", alert.StateTriage, 0, since.Add(-time.Minute))   // … not this newer, shut one
	update(t, db, func(tx *Tx) error {
		closed.Status = bot.StatusClosed
		return tx.SaveIncident(closed)
	})
	names := []string{"incident", "closed", "drill", "triage-in", "triage-out", "dismissed-in", "older-open", "none", "incident"}
	var keys []alert.GroupKey
	for _, k := range names {
		keys = append(keys, alert.GroupKey{Source: "siem", Route: "r1", Key: k})
	}
	keys = append(keys, alert.GroupKey{Source: "edr", Route: "r1", Key: "incident"}, alert.GroupKey{Source: "siem", Route: "r2", Key: "incident"})
	err := db.Update(ctx, func(tx *Tx) error {
		groups, err := tx.OpenAlertGroups(keys, since)
		if err != nil {
			return err
		}
		for _, k := range keys {
			one, err := tx.OpenAlertGroup(k.Source, k.Route, k.Key, since)
			if errors.Is(err, ErrNotFound) {
				if g, ok := groups[k]; ok {
					t.Errorf("%+v: OpenAlertGroups gave group %d, OpenAlertGroup none", k, g.ID)
				}
				continue
			}
			if err != nil {
				return err
			}
			if g, ok := groups[k]; !ok || *g != *one {
				t.Errorf("%+v: OpenAlertGroups gave %+v, OpenAlertGroup %+v", k, groups[k], one)
			}
		}
		var found []string
		for k := range groups {
			found = append(found, k.Key)
		}
		slices.Sort(found)
		if strings.Join(found, " ") != "dismissed-in incident older-open triage-in" {
			t.Errorf("groups found for %v, want dismissed-in incident older-open triage-in", found)
		}
		if g := groups[alert.GroupKey{Source: "siem", Route: "r1", Key: "older-open"}]; g == nil || g.State != alert.StateIncident {
			t.Errorf("older-open: %+v, want the older incident group", g)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// On SQLite each key's group is found by an index search of alert_groups_by_key, not a
// scan of every group.
func TestOpenAlertGroupsPlan(t *testing.T) {
	if onPostgres {
		t.Skip("SQLite's query plan")
	}
	db := openTest(t)
	plan := queryPlan(t, db, openGroupsQuery(false), ts(t0), `[["siem","r1","k"]]`)
	if !strings.Contains(plan, "SEARCH g USING INDEX alert_groups_by_key (source=? AND route=? AND dedup_key=?)") || strings.Contains(plan, "SCAN g") {
		t.Fatalf("plan %q: want each key's group found by alert_groups_by_key", plan)
	}
}

// An incident read in a write transaction gives its chain head to the Appends after it
// (knowHead: SQLite does not read the head again), and the chain those Appends make
// verifies, with heads deferred or not, after a second read that sees the moved head.
// Both stores.
func TestAppendsAfterAnIncidentReadKeepTheChain(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	inc := newIncident(t, db)
	appendN(t, db, inc.Number, 2)
	note := func(tx *Tx, text string) error {
		_, err := tx.Append(inc.Number, &bot.Entry{At: t0, Actor: "bob", Kind: bot.KindNote, Text: text, Data: []byte("{}")}, "")
		return err
	}
	for i, deferred := range []bool{false, true} {
		err := db.Update(ctx, func(tx *Tx) error {
			if deferred {
				tx.DeferChainHeads()
			}
			if _, err := tx.Incident(inc.Number); err != nil {
				return err
			}
			if err := note(tx, "after a read"); err != nil {
				return err
			}
			again, err := tx.Incident(inc.Number)
			if err != nil {
				return err
			}
			if want := int64(1 + 2 + 2*i + 1); again.HeadSeq != want {
				t.Errorf("read after an append: head %d, want %d", again.HeadSeq, want)
			}
			if err := note(tx, "after a second read"); err != nil {
				return err
			}
			if deferred {
				return tx.WriteChainHeads()
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	v, err := db.Verify(ctx, inc.Number)
	if err != nil || !v.OK || v.Entries != 1+2+4 {
		t.Fatalf("INC-%d: %+v %v, want the chain to verify with 7 entries", inc.Number, v, err)
	}
	var got *bot.Incident
	if err := db.View(ctx, func(tx *Tx) (err error) { got, err = tx.Incident(inc.Number); return }); err != nil || got.HeadSeq != 7 {
		t.Fatalf("INC-%d's recorded head %v (%v), want 7", inc.Number, got, err)
	}
}
