package storage

import (
	"database/sql"
	"errors"
	"time"
)

// SetPlaybook records the playbook applied to incident n (replacing an earlier one: a
// reclassified incident follows its new type's playbook).
func (t *Tx) SetPlaybook(n int64, name, version string, at time.Time) error {
	_, err := t.exec(`INSERT INTO incident_playbooks (incident, name, version, applied_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (incident) DO UPDATE SET name = excluded.name, version = excluded.version, applied_at = excluded.applied_at`,
		n, name, version, ts(at))
	return err
}

// Playbook is the playbook applied to incident n and its version ("" when none).
func (t *Tx) Playbook(n int64) (name, version string, err error) {
	err = t.row(`SELECT name, version FROM incident_playbooks WHERE incident = ?`, n).Scan(&name, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	return name, version, err
}
