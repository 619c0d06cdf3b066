package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/warroom/warroom/bot"
)

// CreatePage stores a new open page and sets p.ID.
func (t *Tx) CreatePage(p *bot.Page) error {
	policy, err := json.Marshal(p.Policy)
	if err != nil {
		return err
	}
	var incident any
	if p.Incident != 0 {
		incident = p.Incident
	}
	err = t.row(`INSERT INTO pages (target, team, person, message, paged_by, platform, channel, incident, policy, created_at, state, step)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?) RETURNING id`,
		p.Target, p.Team, p.Person, p.Message, p.PagedBy, p.Platform, p.Channel, incident, string(policy), ts(p.CreatedAt), p.Step).Scan(&p.ID)
	p.State = bot.PageOpen
	return err
}

const pageColumns = `id, target, team, person, message, paged_by, platform, channel, incident, policy, created_at,
	state, step, acked_by, acked_at, ended_at`

func scanPage(sc interface{ Scan(...any) error }) (*bot.Page, error) {
	var p bot.Page
	var incident sql.NullInt64
	var policy, created string
	var acked, ended sql.NullString
	err := sc.Scan(&p.ID, &p.Target, &p.Team, &p.Person, &p.Message, &p.PagedBy, &p.Platform, &p.Channel, &incident,
		&policy, &created, &p.State, &p.Step, &p.AckedBy, &acked, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(policy), &p.Policy); err != nil {
		return nil, err
	}
	p.Incident = incident.Int64
	p.CreatedAt = parseTS(created)
	p.AckedAt = parseNullTS(acked)
	p.EndedAt = parseNullTS(ended)
	return &p, nil
}

func (t *Tx) pages(q string, args ...any) ([]bot.Page, error) {
	rows, err := t.query(`SELECT `+pageColumns+` FROM pages `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.Page
	for rows.Next() {
		p, err := scanPage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// Page loads a page by id.
func (t *Tx) Page(id int64) (*bot.Page, error) {
	return scanPage(t.row(`SELECT `+pageColumns+` FROM pages WHERE id = ?`, id))
}

// PagesSince lists the pages that are open, and those that ended (acknowledged, unanswered,
// cancelled) at or after since, oldest first.
func (t *Tx) PagesSince(since time.Time) ([]bot.Page, error) {
	return t.pages(`WHERE state = 'open' OR ended_at >= ? ORDER BY id`, ts(since))
}

// IncidentPages lists the pages sent from an incident, oldest first, with when each was
// sent and acknowledged (time-to-acknowledge, for the report and metrics).
func (t *Tx) IncidentPages(n int64) ([]bot.Page, error) {
	return t.pages(`WHERE incident = ? ORDER BY id`, n)
}

// SetPageStep records the escalation step a page has reached.
func (t *Tx) SetPageStep(id int64, step int) error {
	_, err := t.exec(`UPDATE pages SET step = ? WHERE id = ?`, step, id)
	return err
}

// AckPage marks a page acknowledged by person at at; false if it was already acknowledged
// or cancelled (an unanswered page can still be acknowledged late).
func (t *Tx) AckPage(id int64, person string, at time.Time) (bool, error) {
	res, err := t.exec(`UPDATE pages SET state = 'acked', acked_by = ?, acked_at = ?, ended_at = ?
		WHERE id = ? AND state IN ('open', 'unanswered')`, person, ts(at), ts(at), id)
	if err != nil {
		return false, err
	}
	c, err := res.RowsAffected()
	return c == 1, err
}

// EndPage moves an open page to state (unanswered or cancelled); false if it was not open.
func (t *Tx) EndPage(id int64, state string, at time.Time) (bool, error) {
	if state != bot.PageUnanswered && state != bot.PageCancelled {
		return false, errors.New("EndPage: state must be unanswered or cancelled")
	}
	res, err := t.exec(`UPDATE pages SET state = ?, ended_at = ? WHERE id = ? AND state = 'open'`, state, ts(at), id)
	if err != nil {
		return false, err
	}
	c, err := res.RowsAffected()
	return c == 1, err
}

// AddPageNotification records that a person was sent a page at an escalation step; false
// if that was already recorded.
func (t *Tx) AddPageNotification(n bot.PageNotification) (bool, error) {
	res, err := t.exec(`INSERT INTO page_notifications (page, person, step, round, at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, n.Page, n.Person, n.Step, n.Round, ts(n.At))
	if err != nil {
		return false, err
	}
	c, err := res.RowsAffected()
	return c == 1, err
}

// PageNotifications lists who was sent a page, in order.
func (t *Tx) PageNotifications(page int64) ([]bot.PageNotification, error) {
	rows, err := t.query(`SELECT page, person, step, round, at FROM page_notifications WHERE page = ? ORDER BY step, at, person`, page)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.PageNotification
	for rows.Next() {
		var n bot.PageNotification
		var at string
		if err := rows.Scan(&n.Page, &n.Person, &n.Step, &n.Round, &at); err != nil {
			return nil, err
		}
		n.At = parseTS(at)
		out = append(out, n)
	}
	return out, rows.Err()
}

// PagesNotifying lists the pages in the given states that were sent to person, newest
// first.
func (t *Tx) PagesNotifying(person string, states ...string) ([]bot.Page, error) {
	q := `WHERE id IN (SELECT page FROM page_notifications WHERE person = ?)`
	args := []any{person}
	if len(states) > 0 {
		q += ` AND state IN (?` + repeatPlaceholder(len(states)-1) + `)`
		for _, s := range states {
			args = append(args, s)
		}
	}
	return t.pages(q+` ORDER BY id DESC`, args...)
}

func repeatPlaceholder(n int) string {
	s := ""
	for range n {
		s += ", ?"
	}
	return s
}

// OpenPages counts pages nobody has acknowledged yet (for metrics).
func (db *DB) OpenPages(ctx context.Context) (int, error) {
	var n int
	err := db.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM pages WHERE state = 'open'`).Scan(&n)
	return n, err
}
