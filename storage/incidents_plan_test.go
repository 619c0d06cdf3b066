package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
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
	plan := queryPlan(t, db, incidentByChannel, "slack", "C123")
	if got := plan; !strings.Contains(got, "USING INDEX incidents_by_channel") {
		t.Errorf("IncidentByChannel's plan is %q; it must search incidents_by_channel", got)
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
