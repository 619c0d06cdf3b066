package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// Every command in an incident channel finds its incident by channel. The index on
// (platform, channel_id) is partial (only ids that are not empty), and SQLite uses a partial
// index only when the query's own WHERE implies its condition: without that the lookup
// scanned every incident, so each command cost more the more incidents there were (the
// cost bench, 1,000 open incidents: 7.6 % more of the bot's CPU, all of it in the single
// writer). The plan must name the index.
func TestIncidentByChannelUsesItsIndex(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := queryPlan(t, db, incidentByChannel, "slack", "C123"); !strings.Contains(got, "USING INDEX incidents_by_channel") {
		t.Errorf("IncidentByChannel's plan is %q; it must search incidents_by_channel", got)
	}
}

// A refusal outside an incident channel names a few open incidents the caller is in. The
// query walked every open incident and probed the members key of each (1,000 probes with
// 1,000 open, for a caller in none of them); it must start from the caller's memberships.
func TestOpenIncidentsOfAMemberStartFromTheMember(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := queryPlan(t, db, openOfMember, "U1", "slack", 3)
	if !strings.Contains(got, "members_by_person (person=?)") || strings.Contains(got, "CORRELATED") {
		t.Errorf("the plan of open incidents of a member is %q; it must search members_by_person, not probe each open incident", got)
	}
	// What it answers: the member's open incidents on the platform, newest first, at most limit.
	now := time.Now()
	err = db.Update(ctx, func(tx *Tx) error {
		for i := 1; i <= 6; i++ {
			inc := &bot.Incident{Title: "t", Severity: 3, Phase: bot.PhaseIdentification, Status: bot.StatusOpen, Platform: "slack", DeclaredBy: "U1", DeclaredAt: now}
			if i == 2 {
				inc.Platform = "discord"
			}
			if i == 5 {
				inc.Status = bot.StatusClosed
			}
			if err := tx.CreateIncident(inc); err != nil {
				return err
			}
			if i != 4 {
				if _, err := tx.AddMember(inc.Number, "U1", now); err != nil {
					return err
				}
			}
		}
		open, err := tx.OpenIncidentsOn("slack", "U1", 3)
		if err != nil {
			return err
		}
		var ns []int64
		for _, inc := range open {
			ns = append(ns, inc.Number)
		}
		if fmt.Sprint(ns) != "[6 3 1]" {
			t.Errorf("U1's open incidents on slack: %v, want [6 3 1] (2 is on discord, 4 without U1, 5 closed)", ns)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// queryPlan is SQLite's EXPLAIN QUERY PLAN of q, its steps joined by "; ".
func queryPlan(t *testing.T, db *DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.reader.Query(`EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "; ")
}
