package storage

import (
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/warroom/warroom/alerts/alert"
)

// DeliveryRetention is how long a Standard Webhooks id is remembered. A replay is refused
// by its timestamp after 5 minutes anyway; a day leaves room for clock skew and for an
// operator reading the table.
const DeliveryRetention = 24 * time.Hour

const groupColumns = `id, source, dedup_key, state, COALESCE(incident, 0), platform, channel, summary, severity,
	status, source_url, first_at, last_at, count, decided_by, decided_at, route`

func scanGroup(sc interface{ Scan(...any) error }) (*alert.Group, error) {
	var g alert.Group
	var first, last string
	var decided sql.NullString
	err := sc.Scan(&g.ID, &g.Source, &g.Key, &g.State, &g.Incident, &g.Platform, &g.Channel, &g.Summary, &g.Severity,
		&g.Status, &g.SourceURL, &first, &last, &g.Count, &g.DecidedBy, &decided, &g.Route)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	g.FirstAt, g.LastAt, g.DecidedAt = parseTS(first), parseTS(last), parseNullTS(decided)
	return &g, nil
}

// OpenAlertGroup finds the group an alert of source, route and key joins: one on an open incident
// that is not a drill (drills never receive alerts), or a triage post — undecided or
// dismissed — whose last alert arrived at or after since. ErrNotFound when there is none.
//
// Every alert runs this, so it must stay prepared. With plain "= ?" terms SQLite's planner
// compared the bound values while planning the ORDER BY and marked the statement to be
// re-prepared on every new binding: a full parse and plan per alert, a third of the
// writer's time (sqlite3Reprepare ran once per execution). COLLATE BINARY — the columns'
// own collation, so the same comparison — keeps the one prepared plan (the index search).
// PostgreSQL has no such collation and no such re-preparing.
func (t *Tx) OpenAlertGroup(source, route, key string, since time.Time) (*alert.Group, error) {
	bin := ` COLLATE BINARY`
	if t.pg {
		bin = ``
	}
	return scanGroup(t.row(`SELECT `+groupColumns+` FROM alert_groups g
		WHERE g.source = ?`+bin+` AND g.route = ?`+bin+` AND g.dedup_key = ?`+bin+` AND (
			(g.state = 'incident' AND EXISTS (SELECT 1 FROM incidents i WHERE i.number = g.incident AND i.status = 'open' AND i.drill = 0))
			OR (g.state IN ('triage', 'dismissed') AND g.last_at >= ?))
		ORDER BY g.id DESC LIMIT 1`, source, route, key, ts(since)))
}

// CreateAlertGroup stores a new group (count 0: AddAlert counts) and sets its ID.
func (t *Tx) CreateAlertGroup(g *alert.Group) error {
	var inc any
	if g.Incident != 0 {
		inc = g.Incident
	}
	// RETURNING rather than LastInsertId: PostgreSQL has no last insert id.
	err := t.row(`INSERT INTO alert_groups (source, route, dedup_key, state, incident, platform, channel, summary, severity, status, source_url, first_at, last_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, g.Source, g.Route, g.Key, g.State, inc, g.Platform, g.Channel, g.Summary, g.Severity,
		g.Status, g.SourceURL, ts(g.FirstAt), ts(g.LastAt)).Scan(&g.ID)
	return err
}

// AlertGroup loads a group by id.
func (t *Tx) AlertGroup(id int64) (*alert.Group, error) {
	return scanGroup(t.row(`SELECT `+groupColumns+` FROM alert_groups WHERE id = ?`, id))
}

// AlertGroups lists the groups on an incident, oldest first.
func (t *Tx) AlertGroups(incident int64) ([]alert.Group, error) {
	rows, err := t.query(`SELECT `+groupColumns+` FROM alert_groups WHERE incident = ? ORDER BY id`, incident)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []alert.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *g)
	}
	return out, rows.Err()
}

// DecideAlertGroup moves a triage group to state (incident or dismissed), recording who and
// when; false when it was no longer undecided (someone else pressed first).
func (t *Tx) DecideAlertGroup(id int64, state string, incident int64, by string, at time.Time) (bool, error) {
	var inc any
	if incident != 0 {
		inc = incident
	}
	res, err := t.exec(`UPDATE alert_groups SET state = ?, incident = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = 'triage'`,
		state, inc, by, ts(at), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// AddAlert stores a received alert in its group and moves the group's last arrival, count
// and status; it sets r.ID.
func (t *Tx) AddAlert(r *alert.Record) error {
	if err := t.InsertAlert(r); err != nil {
		return err
	}
	_, err := t.exec(`UPDATE alert_groups SET last_at = ?, count = count + 1, status = ?,
		source_url = CASE WHEN source_url = '' THEN ? ELSE source_url END WHERE id = ?`, ts(r.ReceivedAt), r.Alert.Status, r.Alert.SourceURL, r.Group)
	return err
}

// InsertAlert stores a received alert's row only, leaving its group as it is (the caller
// moves the group with SaveAlertGroupArrivals). r.ID is the id NewAlertID gave, or 0 for a
// new one (then set).
func (t *Tx) InsertAlert(r *alert.Record) error {
	a := r.Alert
	// Most alerts carry no labels: "{}" is what json.Marshal gives an empty map, without
	// its reflection (~0.15 µs and 2 allocations an alert on the writer).
	labels, err := []byte("{}"), error(nil)
	if len(a.Labels) > 0 {
		if labels, err = json.Marshal(a.Labels); err != nil {
			return err
		}
	}
	members := []byte("[]")
	if len(a.Members) > 0 {
		if members, err = json.Marshal(a.Members); err != nil {
			return err
		}
	}
	if r.ID == 0 {
		if r.ID, err = t.NewAlertID(); err != nil {
			return err
		}
	}
	var seq any
	if r.Seq != 0 {
		seq = r.Seq
	}
	_, err = t.exec(`INSERT INTO alerts (id, grp, status, severity, summary, details, labels, members, source_url, observed_at, received_at, delivery_id, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Group, a.Status, a.Severity, a.Summary, a.Details, string(labels), string(members),
		a.SourceURL, ts(a.ObservedAt), ts(r.ReceivedAt), a.DeliveryID, seq)
	return err
}

// NewAlertID is the id of an alert row this transaction is about to insert. Knowing it
// first lets an alert's timeline entry name it and its row carry the entry's seq, so the
// row is written once (an INSERT … RETURNING id and an UPDATE of its seq cost twice the
// statements, and RETURNING is the dearer kind). Every alert row gets its id here: on
// SQLite one past the highest, read once per transaction (what SQLite itself would pick,
// and nothing else writes meanwhile: one writer); on PostgreSQL from the identity's own
// sequence, so ids never collide with another replica's.
func (t *Tx) NewAlertID() (int64, error) {
	if t.pg {
		if len(t.alertIDs) > 0 {
			id := t.alertIDs[0]
			t.alertIDs = t.alertIDs[1:]
			return id, nil
		}
		var id int64
		err := t.row(`SELECT nextval(pg_get_serial_sequence('alerts', 'id'))`).Scan(&id)
		return id, err
	}
	if t.lastAlertID == 0 {
		if err := t.row(`SELECT COALESCE(MAX(id), 0) FROM alerts`).Scan(&t.lastAlertID); err != nil {
			return 0, err
		}
	}
	t.lastAlertID++
	return t.lastAlertID, nil
}

// ReserveAlertIDs says the transaction is about to need up to n alert ids (a batch of
// alerts). On PostgreSQL, where each NewAlertID is otherwise a nextval round trip to the
// server, the n are taken from the sequence in one query, and NewAlertID hands them out in
// ascending order before asking for more; the ones left unused are a gap in the ids, as a
// rolled-back transaction's are (a sequence never gives an id twice). On SQLite ids cost
// no round trip and this does nothing.
func (t *Tx) ReserveAlertIDs(n int) error {
	if !t.pg || n <= 1 {
		return nil
	}
	rows, err := t.query(`SELECT nextval(pg_get_serial_sequence('alerts', 'id')) FROM generate_series(1, CAST(? AS integer))`, n)
	if err != nil {
		return err
	}
	defer rows.Close()
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	slices.Sort(ids)
	t.alertIDs = append(t.alertIDs, ids...)
	return nil
}

// SaveAlertGroupArrivals writes each group's last arrival, count, status and source link
// as gs hold them: several alerts of one group that arrived together are counted with one
// write, and the groups of a batch are written with one statement (saveArrivals).
func (t *Tx) SaveAlertGroupArrivals(gs ...*alert.Group) error {
	if len(gs) > 1 {
		return t.saveArrivals(gs)
	}
	for _, g := range gs {
		if err := t.saveArrival(g); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tx) saveArrival(g *alert.Group) error {
	_, err := t.exec(`UPDATE alert_groups SET last_at = ?, count = ?, status = ?, source_url = ? WHERE id = ?`,
		ts(g.LastAt), g.Count, g.Status, g.SourceURL, g.ID)
	return err
}

// SetAlertSeq records the timeline entry an alert already stored became (a triage post's
// alerts, when it is declared).
func (t *Tx) SetAlertSeq(id, seq int64) error {
	_, err := t.exec(`UPDATE alerts SET seq = ? WHERE id = ?`, seq, id)
	return err
}

// Alerts lists a group's alerts in arrival order.
func (t *Tx) Alerts(group int64) ([]alert.Record, error) {
	rows, err := t.query(`SELECT a.id, a.grp, g.source, g.dedup_key, a.status, a.severity, a.summary, a.details, a.labels, a.members,
		a.source_url, a.observed_at, a.received_at, a.delivery_id, COALESCE(a.seq, 0)
		FROM alerts a JOIN alert_groups g ON g.id = a.grp WHERE a.grp = ? ORDER BY a.id`, group)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []alert.Record
	for rows.Next() {
		var r alert.Record
		var labels, members, observed, received string
		a := &r.Alert
		if err := rows.Scan(&r.ID, &r.Group, &a.Source, &a.Key, &a.Status, &a.Severity, &a.Summary, &a.Details, &labels, &members,
			&a.SourceURL, &observed, &received, &a.DeliveryID, &r.Seq); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(labels), &a.Labels); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(members), &a.Members); err != nil {
			return nil, err
		}
		a.ObservedAt, r.ReceivedAt = parseTS(observed), parseTS(received)
		out = append(out, r)
	}
	return out, rows.Err()
}

// AlertDeliveries returns the answers given to earlier deliveries among ds, in one query for
// a batch of alerts (the list is one JSON parameter, so the statement stays one prepared
// statement whatever the batch's size).
func (t *Tx) AlertDeliveries(ds []alert.Delivery) (map[alert.Delivery]string, error) {
	out := map[alert.Delivery]string{}
	if len(ds) == 0 {
		return out, nil
	}
	pairs := make([][2]string, len(ds))
	for i, d := range ds {
		pairs[i] = [2]string{d.Source, d.ID}
	}
	list, err := json.Marshal(pairs)
	if err != nil {
		return nil, err
	}
	q := `SELECT d.source, d.delivery_id, d.answer FROM json_each(?) j
		JOIN alert_deliveries d ON d.source = j.value ->> 0 AND d.delivery_id = j.value ->> 1`
	if t.pg {
		q = `SELECT d.source, d.delivery_id, d.answer FROM jsonb_array_elements(CAST(? AS jsonb)) AS j(value)
		JOIN alert_deliveries d ON d.source = j.value ->> 0 AND d.delivery_id = j.value ->> 1`
	}
	rows, err := t.query(q, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d alert.Delivery
		var answer string
		if err := rows.Scan(&d.Source, &d.ID, &answer); err != nil {
			return nil, err
		}
		out[d] = answer
	}
	return out, rows.Err()
}

// RememberAlertDeliveries remembers several deliveries and their answers at once (none of
// them may be remembered already).
func (t *Tx) RememberAlertDeliveries(answers map[alert.Delivery]string, at time.Time) error {
	if len(answers) == 0 {
		return nil
	}
	rows := make([][3]string, 0, len(answers))
	for d, answer := range answers {
		rows = append(rows, [3]string{d.Source, d.ID, answer})
	}
	list, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	q := `INSERT INTO alert_deliveries (source, delivery_id, at, answer)
		SELECT value ->> 0, value ->> 1, ?, value ->> 2 FROM json_each(?)`
	if t.pg {
		q = `INSERT INTO alert_deliveries (source, delivery_id, at, answer)
		SELECT j.value ->> 0, j.value ->> 1, ?, j.value ->> 2 FROM jsonb_array_elements(CAST(? AS jsonb)) AS j(value)`
	}
	_, err = t.exec(q, ts(at), string(list))
	return err
}

// ForgetAlertDeliveries forgets the delivery ids remembered more than DeliveryRetention
// before now.
func (t *Tx) ForgetAlertDeliveries(now time.Time) error {
	_, err := t.exec(`DELETE FROM alert_deliveries WHERE at < ?`, ts(now.Add(-DeliveryRetention)))
	return err
}

// AlertFirstSeen gives, for every incident that alerts went to, its first alert's own time
// (for stats: time from the first alert to the declaration).
func (t *Tx) AlertFirstSeen() (map[int64]time.Time, error) {
	rows, err := t.query(`SELECT incident, MIN(first_at) FROM alert_groups WHERE incident IS NOT NULL GROUP BY incident`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var n int64
		var at string
		if err := rows.Scan(&n, &at); err != nil {
			return nil, err
		}
		out[n] = parseTS(at)
	}
	return out, rows.Err()
}
