package storage

import (
	"database/sql"
	"errors"
	"time"

	"github.com/warroom/warroom/bot"
)

const incidentColumns = `number, title, type, severity, phase, status, drill, platform, team, channel_id,
	channel_name, card_ref, origin_channel, origin_link, declared_by, declared_at, closed_at, closed_from,
	close_class, resolution, duplicate_of, report_version, head_seq, head_hash`

func scanIncident(sc interface{ Scan(...any) error }) (*bot.Incident, error) {
	var i bot.Incident
	var phase, declared string
	var closed sql.NullString
	var dup sql.NullInt64
	var closedFrom string
	err := sc.Scan(&i.Number, &i.Title, &i.Type, &i.Severity, &phase, &i.Status, &i.Drill, &i.Platform, &i.Team,
		&i.ChannelID, &i.ChannelName, &i.CardRef, &i.OriginChannel, &i.OriginLink, &i.DeclaredBy, &declared,
		&closed, &closedFrom, &i.CloseClass, &i.Resolution, &dup, &i.ReportVersion, &i.HeadSeq, &i.HeadHash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	i.Phase = bot.Phase(phase)
	i.ClosedFrom = bot.Phase(closedFrom)
	i.DeclaredAt = parseTS(declared)
	i.ClosedAt = parseNullTS(closed)
	i.DuplicateOf = dup.Int64
	return &i, nil
}

// CreateIncident inserts a new incident, numbering it one past the highest so far, and sets
// inc.Number. ChannelName may contain "{n}", replaced by the number.
func (t *Tx) CreateIncident(inc *bot.Incident) error {
	var next int64
	if err := t.row(`SELECT COALESCE(MAX(number), 0) + 1 FROM incidents`).Scan(&next); err != nil {
		return err
	}
	inc.Number = next
	if inc.ReportVersion == 0 {
		inc.ReportVersion = 1
	}
	inc.HeadHash = bot.GenesisHash
	_, err := t.exec(`INSERT INTO incidents (`+incidentColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		inc.Number, inc.Title, inc.Type, inc.Severity, string(inc.Phase), inc.Status, inc.Drill, inc.Platform, inc.Team,
		inc.ChannelID, inc.ChannelName, inc.CardRef, inc.OriginChannel, inc.OriginLink, inc.DeclaredBy, ts(inc.DeclaredAt),
		tsPtr(inc.ClosedAt), string(inc.ClosedFrom), inc.CloseClass, inc.Resolution, nullInt(inc.DuplicateOf),
		inc.ReportVersion, 0, bot.GenesisHash)
	return err
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// SaveIncident writes the incident's mutable fields (not its channel, card or chain head,
// which have their own writers).
func (t *Tx) SaveIncident(inc *bot.Incident) error {
	res, err := t.exec(`UPDATE incidents SET title = ?, type = ?, severity = ?, phase = ?, status = ?, closed_at = ?,
		closed_from = ?, close_class = ?, resolution = ?, duplicate_of = ?, report_version = ? WHERE number = ?`,
		inc.Title, inc.Type, inc.Severity, string(inc.Phase), inc.Status, tsPtr(inc.ClosedAt), string(inc.ClosedFrom),
		inc.CloseClass, inc.Resolution, nullInt(inc.DuplicateOf), inc.ReportVersion, inc.Number)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Incident loads one incident by number.
func (t *Tx) Incident(n int64) (*bot.Incident, error) {
	return t.scanIncident(t.row(`SELECT `+incidentColumns+` FROM incidents WHERE number = ?`, n))
}

// scanIncident reads an incident row with the chain head this transaction moved it to.
func (t *Tx) scanIncident(sc interface{ Scan(...any) error }) (*bot.Incident, error) {
	inc, err := scanIncident(sc)
	if err == nil {
		t.ownHead(inc)
		t.knowHead(inc)
	}
	return inc, err
}

// IncidentByChannel finds the incident whose channel this is.
func (t *Tx) IncidentByChannel(platform, channelID string) (*bot.Incident, error) {
	if channelID == "" {
		return nil, ErrNotFound
	}
	return t.scanIncident(t.row(incidentByChannel, platform, channelID))
}

// incidentByChannel finds an incident by its channel. Its test that channel_id is not
// empty changes no answer (an empty id is refused above) but lets SQLite use the partial
// index incidents_by_channel, which it does only when the WHERE implies the index's
// condition: without it every command's lookup scanned all incidents
// (incidents_plan_test.go).
const incidentByChannel = `SELECT ` + incidentColumns + ` FROM incidents WHERE platform = ? AND channel_id = ? AND channel_id != ''`

// Incidents lists incidents by number; only open ones unless all.
func (t *Tx) Incidents(all bool) ([]bot.Incident, error) {
	q := `SELECT ` + incidentColumns + ` FROM incidents`
	if !all {
		q += ` WHERE status = 'open'`
	}
	return t.incidents(q + ` ORDER BY number`)
}

// incidents runs a query of incident rows (incidentColumns).
func (t *Tx) incidents(q string, args ...any) ([]bot.Incident, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.Incident
	for rows.Next() {
		i, err := t.scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *i)
	}
	return out, rows.Err()
}

// OpenIncidentsOn lists up to limit open incidents on platform, newest first; with person
// set, only those person is a member of. A refusal that names a few incidents costs the
// same with 1,000 open as with one: with person set the query starts from the person's
// memberships (members_by_person), so a caller in none of 1,000 open incidents costs no
// probe of each of them (openOfMember; TestOpenIncidentsOfAMemberStartFromTheMember).
func (t *Tx) OpenIncidentsOn(platform, person string, limit int) ([]bot.Incident, error) {
	if person != "" {
		return t.incidents(openOfMember, person, platform, limit)
	}
	return t.incidents(`SELECT `+incidentColumns+` FROM incidents WHERE status = 'open' AND platform = ? ORDER BY number DESC LIMIT ?`, platform, limit)
}

const openOfMember = `SELECT ` + incidentColumns + ` FROM incidents
	WHERE number IN (SELECT incident FROM members WHERE person = ?) AND status = 'open' AND platform = ?
	ORDER BY number DESC LIMIT ?`

// IncidentsSince lists every incident declared at or after since (all when zero).
func (t *Tx) IncidentsSince(since time.Time) ([]bot.Incident, error) {
	all, err := t.Incidents(true)
	if err != nil || since.IsZero() {
		return all, err
	}
	var out []bot.Incident
	for _, i := range all {
		if !i.DeclaredAt.Before(since) {
			out = append(out, i)
		}
	}
	return out, nil
}

// SetIncidentChannel records the channel created for an incident.
func (t *Tx) SetIncidentChannel(n int64, channelID, name string) error {
	_, err := t.exec(`UPDATE incidents SET channel_id = ?, channel_name = CASE WHEN ? = '' THEN channel_name ELSE ? END WHERE number = ?`,
		channelID, name, name, n)
	return err
}

// SetCardRef records the message id of the incident's pinned card.
func (t *Tx) SetCardRef(n int64, ref string) error {
	_, err := t.exec(`UPDATE incidents SET card_ref = ? WHERE number = ?`, ref, n)
	return err
}
