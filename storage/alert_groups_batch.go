package storage

import (
	"encoding/json"
	"time"

	"github.com/warroom/warroom/alerts/alert"
)

// OpenAlertGroups is OpenAlertGroup for several keys in one statement: a batch of alerts
// looked each key's group up one statement at a time, ten keys costing ten statements
// (most of it database/sql and the driver, not SQLite's index search). A key with no open
// group is not in the answer. Each key's group is the one OpenAlertGroup would give at
// since. The groups' incidents are not read: the query has checked each is open and no
// drill, and an alert appended to one needs its number alone (the batch reads an incident
// when an alert has something to say in its channel).
func (t *Tx) OpenAlertGroups(keys []alert.GroupKey, since time.Time) (map[alert.GroupKey]*alert.Group, error) {
	groups := map[alert.GroupKey]*alert.Group{}
	if len(keys) == 0 {
		return groups, nil
	}
	list := make([][3]string, len(keys))
	for i, k := range keys {
		list[i] = [3]string{k.Source, k.Route, k.Key}
	}
	arg, err := json.Marshal(list)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(openGroupsQuery(t.pg), ts(since), string(arg))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		groups[g.GroupKey()] = g
	}
	return groups, rows.Err()
}

// openGroupsQuery finds, for each key of a JSON list, the newest group OpenAlertGroup's
// conditions accept: the index alert_groups_by_key searched once per key
// (TestOpenAlertGroupsPlan).
func openGroupsQuery(pg bool) string {
	elems := `json_each(?) j`
	if pg {
		elems = `jsonb_array_elements(CAST(? AS jsonb)) AS j(value)`
	}
	return `SELECT ` + groupColumns + ` FROM alert_groups WHERE id IN (
		SELECT (SELECT g.id FROM alert_groups g
			WHERE g.source = j.value ->> 0 AND g.route = j.value ->> 1 AND g.dedup_key = j.value ->> 2 AND (
				(g.state = 'incident' AND EXISTS (SELECT 1 FROM incidents i WHERE i.number = g.incident AND i.status = 'open' AND i.drill = 0))
				OR (g.state IN ('triage', 'dismissed') AND g.last_at >= ?))
			ORDER BY g.id DESC LIMIT 1)
		FROM ` + elems + `)`
}

// saveArrivals is SaveAlertGroupArrivals for several groups in one statement, the groups a
// JSON list (jsonlist.go); a group whose status or source link a JSON string would not give
// back exactly (jsonCarries) is written alone.
func (t *Tx) saveArrivals(gs []*alert.Group) error {
	var rows [][5]any
	for _, g := range gs {
		if !jsonCarries(g.Status) || !jsonCarries(g.SourceURL) {
			if err := t.saveArrival(g); err != nil {
				return err
			}
			continue
		}
		rows = append(rows, [5]any{g.ID, ts(g.LastAt), g.Count, g.Status, g.SourceURL})
	}
	if len(rows) == 0 {
		return nil
	}
	return t.execList(saveArrivalsQuery(t.pg), rows)
}

// saveArrivalsQuery sets each listed group's arrivals: on SQLite the list is the outer loop
// and each group found by its primary key (TestSaveArrivalsPlan).
func saveArrivalsQuery(pg bool) string {
	if pg {
		return `UPDATE alert_groups AS g SET last_at = j.value ->> 1, count = CAST(j.value ->> 2 AS bigint), status = j.value ->> 3,
			source_url = j.value ->> 4
		FROM jsonb_array_elements(CAST(? AS jsonb)) AS j(value) WHERE g.id = CAST(j.value ->> 0 AS bigint)`
	}
	return `UPDATE alert_groups SET last_at = j.value ->> 1, count = j.value ->> 2, status = j.value ->> 3, source_url = j.value ->> 4
		FROM json_each(?) AS j WHERE alert_groups.id = j.value ->> 0`
}
