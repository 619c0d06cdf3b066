package storage

import (
	"database/sql"
	"time"

	"github.com/warroom/warroom/bot"
)

// AddMember adds a person to an incident's channel membership; false if already a member.
func (t *Tx) AddMember(n int64, person string, at time.Time) (bool, error) {
	res, err := t.exec(`INSERT INTO members (incident, person, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, n, person, ts(at))
	if err != nil {
		return false, err
	}
	c, err := res.RowsAffected()
	return c == 1, err
}

// RemoveMember takes a person out of an incident; false if they were not in it.
func (t *Tx) RemoveMember(n int64, person string) (bool, error) {
	res, err := t.exec(`DELETE FROM members WHERE incident = ? AND person = ?`, n, person)
	if err != nil {
		return false, err
	}
	c, err := res.RowsAffected()
	return c == 1, err
}

// IsMember reports whether person is in the incident's channel.
func (t *Tx) IsMember(n int64, person string) (bool, error) {
	var one int
	err := t.row(`SELECT 1 FROM members WHERE incident = ? AND person = ?`, n, person).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

// Members lists the incident's members in the order they joined.
func (t *Tx) Members(n int64) ([]string, error) {
	return t.strings(`SELECT person FROM members WHERE incident = ? ORDER BY added_at, person`, n)
}

func (t *Tx) strings(q string, args ...any) ([]string, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SetRole gives role to person, ending the previous holder's assignment.
func (t *Tx) SetRole(n int64, role, person, by string, at time.Time) error {
	if _, err := t.exec(`UPDATE roles SET until = ? WHERE incident = ? AND role = ? AND until IS NULL`, ts(at), n, role); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO roles (incident, role, person, assigned_by, since) VALUES (?, ?, ?, ?, ?)`, n, role, person, by, ts(at))
	return err
}

// EndRoles ends every role person holds on the incident (they were removed); it returns the
// roles ended.
func (t *Tx) EndRoles(n int64, person string, at time.Time) ([]string, error) {
	roles, err := t.strings(`SELECT role FROM roles WHERE incident = ? AND person = ? AND until IS NULL ORDER BY role`, n, person)
	if err != nil {
		return nil, err
	}
	_, err = t.exec(`UPDATE roles SET until = ? WHERE incident = ? AND person = ? AND until IS NULL`, ts(at), n, person)
	return roles, err
}

// CurrentRoles maps each held role to its holder.
func (t *Tx) CurrentRoles(n int64) (map[string]string, error) {
	rows, err := t.query(`SELECT role, person FROM roles WHERE incident = ? AND until IS NULL`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var r, p string
		if err := rows.Scan(&r, &p); err != nil {
			return nil, err
		}
		out[r] = p
	}
	return out, rows.Err()
}

// RoleHistory lists every assignment, oldest first.
func (t *Tx) RoleHistory(n int64) ([]bot.RoleAssignment, error) {
	rows, err := t.query(`SELECT role, person, assigned_by, since, until FROM roles WHERE incident = ? ORDER BY id`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.RoleAssignment
	for rows.Next() {
		var a bot.RoleAssignment
		var since string
		var until sql.NullString
		if err := rows.Scan(&a.Role, &a.Person, &a.AssignedBy, &since, &until); err != nil {
			return nil, err
		}
		a.From = parseTS(since)
		a.Until = parseNullTS(until)
		out = append(out, a)
	}
	return out, rows.Err()
}
