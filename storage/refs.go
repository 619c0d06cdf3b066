package storage

import (
	"database/sql"
	"errors"
	"time"
)

// addMessageRef records that a delivered message (platform and its message id) is about
// ref. A redelivery of the same message keeps the first record.
func (t *Tx) addMessageRef(platform, messageID, ref string, at time.Time) error {
	_, err := t.exec(`INSERT INTO message_refs (platform, message_id, ref, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (platform, message_id) DO NOTHING`, platform, messageID, ref, ts(at))
	return err
}

// MessageRef returns what a delivered message is about (the Ref of the operation that sent
// it, e.g. "page:3"); ErrNotFound for a message warroom did not send with a Ref.
func (t *Tx) MessageRef(platform, messageID string) (string, error) {
	var ref string
	err := t.row(`SELECT ref FROM message_refs WHERE platform = ? AND message_id = ?`, platform, messageID).Scan(&ref)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return ref, err
}
