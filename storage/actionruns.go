package storage

import (
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/warroom/warroom/bot"
)

const runColumns = `incident, n, action, params, requester, approvers, state, undo_of, requested_at, expires_at, deadline, next_at, attempts, status`

func scanRun(sc interface{ Scan(...any) error }) (bot.Run, error) {
	var r bot.Run
	var params, approvers, requested string
	var expires, deadline, next sql.NullString
	err := sc.Scan(&r.Incident, &r.N, &r.Action, &params, &r.Requester, &approvers, &r.State, &r.UndoOf, &requested, &expires, &deadline, &next, &r.Attempts, &r.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(params), &r.Params); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(approvers), &r.Approvers); err != nil {
		return r, err
	}
	r.RequestedAt, r.ExpiresAt, r.Deadline, r.NextAt = parseTS(requested), parseNullTS(expires), parseNullTS(deadline), parseNullTS(next)
	return r, nil
}

// CreateRun numbers a new run of incident r.Incident (one past its highest) and stores it.
func (t *Tx) CreateRun(r *bot.Run) error {
	if err := t.row(`SELECT COALESCE(MAX(n), 0) + 1 FROM action_runs WHERE incident = ?`, r.Incident).Scan(&r.N); err != nil {
		return err
	}
	return t.saveRun(*r, `INSERT INTO action_runs (`+runColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
}

// SaveRun writes a run's changed state.
func (t *Tx) SaveRun(r bot.Run) error {
	return t.saveRun(r, `INSERT INTO action_runs (`+runColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (incident, n) DO UPDATE SET approvers = excluded.approvers, state = excluded.state, expires_at = excluded.expires_at,
		deadline = excluded.deadline, next_at = excluded.next_at, attempts = excluded.attempts, status = excluded.status`)
}

func (t *Tx) saveRun(r bot.Run, q string) error {
	params, err := json.Marshal(r.Params)
	if err != nil {
		return err
	}
	if r.Approvers == nil {
		r.Approvers = []string{}
	}
	approvers, err := json.Marshal(r.Approvers)
	if err != nil {
		return err
	}
	_, err = t.exec(q, r.Incident, r.N, r.Action, string(params), r.Requester, string(approvers), r.State, r.UndoOf,
		ts(r.RequestedAt), tsPtr(r.ExpiresAt), tsPtr(r.Deadline), tsPtr(r.NextAt), r.Attempts, r.Status)
	return err
}

// Run loads run k of incident n.
func (t *Tx) Run(n, k int64) (bot.Run, error) {
	return scanRun(t.row(`SELECT `+runColumns+` FROM action_runs WHERE incident = ? AND n = ?`, n, k))
}

// Runs lists incident n's runs in order.
func (t *Tx) Runs(n int64) ([]bot.Run, error) {
	return t.runs(`WHERE incident = ? ORDER BY n`, n)
}

// DueRuns lists runs to send (queued or sending) whose next attempt is due by now, oldest
// first.
func (t *Tx) DueRuns(now time.Time, limit int) ([]bot.Run, error) {
	return t.runs(`WHERE state IN ('queued', 'sending') AND next_at <= ? ORDER BY next_at, incident, n LIMIT ?`, ts(now), limit)
}

// NextRunAt is when the earliest queued or sending run is due (nil: none).
func (t *Tx) NextRunAt() (*time.Time, error) {
	var at sql.NullString
	if err := t.row(`SELECT MIN(next_at) FROM action_runs WHERE state IN ('queued', 'sending')`).Scan(&at); err != nil {
		return nil, err
	}
	return parseNullTS(at), nil
}

func (t *Tx) runs(where string, args ...any) ([]bot.Run, error) {
	rows, err := t.query(`SELECT `+runColumns+` FROM action_runs `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RedactRunParams replaces every parameter value of run k of incident n with
// bot.RedactedText, as its redacted request entry says (bot.RedactedParams).
func (t *Tx) RedactRunParams(n, k int64) error {
	r, err := t.Run(n, k)
	if err != nil {
		return err
	}
	r.Params = bot.RedactedParams(bot.ParamNames(r.Params))
	params, err := json.Marshal(r.Params)
	if err != nil {
		return err
	}
	_, err = t.exec(`UPDATE action_runs SET params = ? WHERE incident = ? AND n = ?`, string(params), n, k)
	return err
}
