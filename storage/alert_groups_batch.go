package storage

import (
	"encoding/json"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
)

// OpenAlertGroups is OpenAlertGroup for several keys in one statement, and the incidents
// of the groups found in a second: a batch of alerts looked each key's group and incident
// up one statement at a time, ten keys costing twenty statements (~0.25 ms a batch, most
// of it database/sql and the driver, not SQLite's index search). A key with no open group
// is not in the answer. Each key's group is the one OpenAlertGroup would give at since.
func (t *Tx) OpenAlertGroups(keys []alert.GroupKey, since time.Time) (map[alert.GroupKey]*alert.Group, map[int64]*bot.Incident, error) {
	groups, incidents := map[alert.GroupKey]*alert.Group{}, map[int64]*bot.Incident{}
	if len(keys) == 0 {
		return groups, incidents, nil
	}
	list := make([][3]string, len(keys))
	for i, k := range keys {
		list[i] = [3]string{k.Source, k.Route, k.Key}
	}
	arg, err := json.Marshal(list)
	if err != nil {
		return nil, nil, err
	}
	rows, err := t.query(openGroupsQuery(t.pg), ts(since), string(arg))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var numbers []int64
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, nil, err
		}
		groups[g.GroupKey()] = g
		if g.State == alert.StateIncident {
			numbers = append(numbers, g.Incident)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows.Close()
	if len(numbers) == 0 {
		return groups, incidents, nil
	}
	if arg, err = json.Marshal(numbers); err != nil {
		return nil, nil, err
	}
	q := `SELECT ` + incidentColumns + ` FROM incidents WHERE number IN (SELECT value FROM json_each(?))`
	if t.pg {
		q = `SELECT ` + incidentColumns + ` FROM incidents WHERE number IN (SELECT CAST(value AS bigint) FROM jsonb_array_elements_text(CAST(? AS jsonb)))`
	}
	list2, err := t.incidents(q, string(arg))
	if err != nil {
		return nil, nil, err
	}
	for i := range list2 {
		incidents[list2[i].Number] = &list2[i]
	}
	return groups, incidents, nil
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
