package storage

import (
	"database/sql"
	"errors"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/web/webauth"
)

// The web view's sign-in links, sessions and read-in log. Callers pass hashes
// (web/webauth), never the tokens themselves.

// CreateWebToken stores a sign-in link's hash for person, valid until expires. Links that
// expired more than a day ago are dropped at the same time, so the table stays small.
func (t *Tx) CreateWebToken(hash, person string, now, expires time.Time) error {
	if _, err := t.exec(`DELETE FROM web_tokens WHERE expires_at < ?`, ts(now.Add(-24*time.Hour))); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO web_tokens (hash, person, created_at, expires_at) VALUES (?, ?, ?, ?)`, hash, person, ts(now), ts(expires))
	return err
}

// RedeemWebToken uses a sign-in link once: it returns its person and marks it used, or
// fails with ErrNotFound, webauth.ErrUsed or webauth.ErrExpired and changes nothing.
func (t *Tx) RedeemWebToken(hash string, now time.Time) (string, error) {
	var person, expires string
	var used sql.NullString
	err := t.row(`SELECT person, expires_at, used_at FROM web_tokens WHERE hash = ?`, hash).Scan(&person, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	if used.Valid {
		return "", webauth.ErrUsed
	}
	if !now.Before(parseTS(expires)) {
		return "", webauth.ErrExpired
	}
	// The used_at IS NULL condition makes a second redemption racing this one lose.
	res, err := t.exec(`UPDATE web_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL`, ts(now), hash)
	if err != nil {
		return "", err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return "", errors.Join(err, webauth.ErrUsed)
	}
	return person, nil
}

// CreateWebSession stores a session's hash for person and returns its id.
func (t *Tx) CreateWebSession(hash, person string, now, expires time.Time) (int64, error) {
	if _, err := t.exec(`DELETE FROM web_sessions WHERE expires_at < ?`, ts(now.Add(-24*time.Hour))); err != nil {
		return 0, err
	}
	var id int64
	err := t.row(`INSERT INTO web_sessions (hash, person, created_at, expires_at) VALUES (?, ?, ?, ?) RETURNING id`, hash, person, ts(now), ts(expires)).Scan(&id)
	return id, err
}

// WebSession finds a live session by hash: ErrNotFound when there is none, or it expired
// or was revoked.
func (t *Tx) WebSession(hash string, now time.Time) (bot.WebSession, error) {
	var s bot.WebSession
	var created, expires string
	var revoked sql.NullString
	err := t.row(`SELECT id, person, created_at, expires_at, revoked_at FROM web_sessions WHERE hash = ?`, hash).
		Scan(&s.ID, &s.Person, &created, &expires, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, err
	}
	s.Created, s.Expires = parseTS(created), parseTS(expires)
	if revoked.Valid || !now.Before(s.Expires) {
		return bot.WebSession{}, ErrNotFound
	}
	return s, nil
}

// RevokeWebSession ends one session (sign-out).
func (t *Tx) RevokeWebSession(hash string, now time.Time) error {
	_, err := t.exec(`UPDATE web_sessions SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL`, ts(now), hash)
	return err
}

// RevokeWebAccess ends every session of person and voids their unused sign-in links; it
// returns how many sessions were live.
func (t *Tx) RevokeWebAccess(person string, now time.Time) (int, error) {
	res, err := t.exec(`UPDATE web_sessions SET revoked_at = ? WHERE person = ? AND revoked_at IS NULL AND expires_at > ?`, ts(now), person, ts(now))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if _, err := t.exec(`UPDATE web_tokens SET used_at = ? WHERE person = ? AND used_at IS NULL`, ts(now), person); err != nil {
		return 0, err
	}
	return int(n), nil
}

// RecordReadIn logs session's first view of incident n; later views in the same session
// change nothing. It reports whether this was the first.
func (t *Tx) RecordReadIn(session, n int64, person string, at time.Time) (bool, error) {
	res, err := t.exec(`INSERT INTO web_reads (session_id, incident, person, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, session, n, person, ts(at))
	if err != nil {
		return false, err
	}
	c, err := res.RowsAffected()
	return c == 1, err
}

// ReadIns lists who looked at incident n in the web view, and when, oldest first.
func (t *Tx) ReadIns(n int64) ([]bot.ReadIn, error) {
	rows, err := t.query(`SELECT person, at FROM web_reads WHERE incident = ? ORDER BY at, person`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.ReadIn
	for rows.Next() {
		var r bot.ReadIn
		var at string
		if err := rows.Scan(&r.Person, &at); err != nil {
			return nil, err
		}
		r.At = parseTS(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// EntriesAfter streams incident n's entries with seq > after, in order (the web view's
// live updates).
func (t *Tx) EntriesAfter(n, after int64, fn func(bot.Entry) error) error {
	return t.eachEntry(fn, `SELECT `+entryColumns+` FROM timeline WHERE incident = ? AND seq > ? ORDER BY seq`, n, after)
}

// HeadSeq is incident n's latest entry number (0 for none); ErrNotFound if there is no n.
func (t *Tx) HeadSeq(n int64) (int64, error) {
	var seq int64
	err := t.row(`SELECT head_seq FROM incidents WHERE number = ?`, n).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if h, ok := t.heads[n]; ok {
		seq = h.seq
	}
	return seq, err
}
