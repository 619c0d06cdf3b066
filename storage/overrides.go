package storage

import (
	"database/sql"
	"errors"
	"time"

	"github.com/warroom/warroom/bot"
)

// AddOverride stores an on-call override and sets o.ID. Overlaps are the caller's to refuse
// (oncall.OverlapsExisting) in the same transaction.
func (t *Tx) AddOverride(o *bot.Override) error {
	err := t.row(`INSERT INTO oncall_overrides (team, person, starts_at, ends_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		o.Team, o.Person, ts(o.From), ts(o.Until), o.CreatedBy, ts(o.CreatedAt)).Scan(&o.ID)
	return err
}

const overrideColumns = `id, team, person, starts_at, ends_at, created_by, created_at, cancelled_by, cancelled_at`

func scanOverride(sc interface{ Scan(...any) error }) (*bot.Override, error) {
	var o bot.Override
	var from, until, created string
	var cancelled sql.NullString
	err := sc.Scan(&o.ID, &o.Team, &o.Person, &from, &until, &o.CreatedBy, &created, &o.CancelledBy, &cancelled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	o.From, o.Until, o.CreatedAt = parseTS(from), parseTS(until), parseTS(created)
	o.CancelledAt = parseNullTS(cancelled)
	return &o, nil
}

// Override loads an override by id.
func (t *Tx) Override(id int64) (*bot.Override, error) {
	return scanOverride(t.row(`SELECT `+overrideColumns+` FROM oncall_overrides WHERE id = ?`, id))
}

// Overrides lists the overrides (of every team) that end after since, cancelled ones
// included with their cut-short end, ordered by start.
func (t *Tx) Overrides(since time.Time) ([]bot.Override, error) {
	rows, err := t.query(`SELECT `+overrideColumns+` FROM oncall_overrides WHERE ends_at > ? ORDER BY starts_at, id`, ts(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.Override
	for rows.Next() {
		o, err := scanOverride(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// CancelOverride ends an override at at (one that has not started yet ends before it
// starts, so it never applies); false if it was already cancelled or over.
func (t *Tx) CancelOverride(id int64, by string, at time.Time) (bool, error) {
	res, err := t.exec(`UPDATE oncall_overrides SET cancelled_by = ?, cancelled_at = ?,
		ends_at = CASE WHEN starts_at > ? THEN starts_at ELSE ? END
		WHERE id = ? AND cancelled_at IS NULL AND ends_at > ?`, by, ts(at), ts(at), ts(at), id, ts(at))
	if err != nil {
		return false, err
	}
	c, err := res.RowsAffected()
	return c == 1, err
}
