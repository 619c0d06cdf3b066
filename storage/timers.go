package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/warroom/warroom/bot"
)

// SetTimer creates or moves the timer with t.Key to t.Due (re-arming it if it had fired or
// been cancelled).
func (t *Tx) SetTimer(tm bot.Timer) error {
	_, err := t.exec(`INSERT INTO timers (key, kind, incident, due_at, payload) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, incident = excluded.incident, due_at = excluded.due_at,
		payload = excluded.payload, state = 'pending', fired_at = NULL`,
		tm.Key, tm.Kind, tm.Incident, ts(tm.Due), tm.Payload)
	t.timersChanged()
	return err
}

// CancelTimer cancels a pending timer; false if there was none pending.
func (t *Tx) CancelTimer(key string) (bool, error) {
	res, err := t.exec(`UPDATE timers SET state = 'cancelled' WHERE key = ? AND state = 'pending'`, key)
	if err != nil {
		return false, err
	}
	t.timersChanged()
	n, err := res.RowsAffected()
	return n > 0, err
}

// CancelIncidentTimers cancels an incident's pending timers, except the kinds in keep.
func (t *Tx) CancelIncidentTimers(n int64, keep ...string) (int, error) {
	q := `UPDATE timers SET state = 'cancelled' WHERE incident = ? AND state = 'pending'`
	args := []any{n}
	for _, k := range keep {
		q += ` AND kind != ?`
		args = append(args, k)
	}
	res, err := t.exec(q, args...)
	if err != nil {
		return 0, err
	}
	t.timersChanged()
	c, err := res.RowsAffected()
	return int(c), err
}

const timerColumns = `id, key, kind, incident, due_at, payload`

func scanTimer(sc interface{ Scan(...any) error }) (bot.Timer, error) {
	var tm bot.Timer
	var due string
	err := sc.Scan(&tm.ID, &tm.Key, &tm.Kind, &tm.Incident, &due, &tm.Payload)
	if errors.Is(err, sql.ErrNoRows) {
		return tm, ErrNotFound
	}
	tm.Due = parseTS(due)
	return tm, err
}

// Timer loads a pending timer by key; ErrNotFound if none is pending.
func (t *Tx) Timer(key string) (bot.Timer, error) {
	return scanTimer(t.row(`SELECT `+timerColumns+` FROM timers WHERE key = ? AND state = 'pending'`, key))
}

// ClaimTimer marks timer id fired if it is pending and due at now, returning it; ok is false
// when it was cancelled, moved later, or already fired (so a timer's effects happen once).
func (t *Tx) ClaimTimer(id int64, now time.Time) (bot.Timer, bool, error) {
	// FOR UPDATE (PostgreSQL): a second claimer waits for this transaction and then finds
	// the timer fired.
	tm, err := scanTimer(t.row(`SELECT `+timerColumns+` FROM timers WHERE id = ? AND state = 'pending' AND due_at <= ?`+t.forUpdate(), id, ts(now)))
	if errors.Is(err, ErrNotFound) {
		return tm, false, nil
	}
	if err != nil {
		return tm, false, err
	}
	_, err = t.exec(`UPDATE timers SET state = 'fired', fired_at = ? WHERE id = ?`, ts(now), id)
	return tm, err == nil, err
}

// PendingTimers lists every pending timer, soonest first.
func (db *DB) PendingTimers(ctx context.Context) ([]bot.Timer, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT `+timerColumns+` FROM timers WHERE state = 'pending' ORDER BY due_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.Timer
	for rows.Next() {
		tm, err := scanTimer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, tm)
	}
	return out, rows.Err()
}

// PendingTimer reads timer id; ok is false when it is not pending (fired, cancelled, gone).
// The scheduler asks after firing it, to learn whether the fire took.
func (db *DB) PendingTimer(ctx context.Context, id int64) (bot.Timer, bool, error) {
	tm, err := scanTimer(db.reader.QueryRowContext(ctx, `SELECT `+timerColumns+` FROM timers WHERE id = ? AND state = 'pending'`, id))
	if errors.Is(err, ErrNotFound) {
		return tm, false, nil
	}
	return tm, err == nil, err
}
