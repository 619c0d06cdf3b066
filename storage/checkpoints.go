package storage

import (
	"github.com/warroom/warroom/bot"
)

// AddCheckpoint stores a signed checkpoint of incident n; a second one at the same seq
// (the same head signed twice) is ignored.
func (t *Tx) AddCheckpoint(n int64, c bot.Checkpoint) error {
	_, err := t.exec(`INSERT INTO checkpoints (incident, seq, hash, at, sig) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		n, c.Seq, c.Hash, ts(c.At), c.Sig)
	return err
}

// Checkpoints lists incident n's stored checkpoints in seq order.
func (t *Tx) Checkpoints(n int64) ([]bot.Checkpoint, error) {
	rows, err := t.query(`SELECT seq, hash, at, sig FROM checkpoints WHERE incident = ? ORDER BY seq`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.Checkpoint
	for rows.Next() {
		c := bot.Checkpoint{Incident: bot.FormatID(n)}
		var at string
		if err := rows.Scan(&c.Seq, &c.Hash, &at, &c.Sig); err != nil {
			return nil, err
		}
		c.At = parseTS(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountCheckpoints is how many checkpoints the database holds (a key must not be
// replaced once any exist).
func (db *DB) CountCheckpoints() (int, error) {
	var n int
	err := db.reader.QueryRow(`SELECT COUNT(*) FROM checkpoints`).Scan(&n)
	return n, err
}
