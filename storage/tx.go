package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/warroom/warroom/bot"
)

// ErrNotFound is returned when an incident, task or entry does not exist.
var ErrNotFound = bot.ErrNotFound

// Tx is one transaction. Every command's effects go through one Tx and commit together or
// not at all.
type Tx struct {
	ctx context.Context
	tx  *sql.Tx
	pg  bool
	// heads are the chain heads this transaction appended, or on SQLite read with an
	// incident's row (knowHead) (timeline.go): the next Append to the same incident need
	// not read the head back.
	heads map[int64]chainHead
	// deferHeads and unwritten: with DeferChainHeads, Append keeps the heads it moves here
	// and WriteChainHeads writes each once (timeline.go).
	deferHeads bool
	unwritten  []int64
	// lastAlertID is the last alert id this transaction handed out (alerts.go); 0 before
	// the first. alertIDs are ids ReserveAlertIDs took on PostgreSQL, not yet handed out.
	lastAlertID int64
	alertIDs    []int64
	// notes is what this write transaction must announce to the leader (notify.go); nil
	// in reads and on SQLite.
	notes *txNotes
	// queued: Enqueue added an operation (Queued); lanes are the lanes it queued into,
	// announced after the commit (outbox_announce.go).
	queued bool
	lanes  []string
	// scrubbed: a redaction's scrub ran on the outbox (scrubsCommitted).
	scrubbed bool
}

// View runs fn in a read transaction on a consistent snapshot.
func (db *DB) View(ctx context.Context, fn func(*Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.pg {
		// PostgreSQL's default (read committed) takes a new snapshot per statement; a
		// report or a verification must see one state of the database, as on SQLite.
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.reader.BeginTx(ctx, opts)
	if err != nil {
		return describe(db.path, err)
	}
	defer tx.Rollback()
	return classify(db.path, fn(&Tx{ctx: ctx, tx: tx, pg: db.pg}))
}

func (t *Tx) exec(q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, q, args...)
}
func (t *Tx) query(q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, q, args...)
}
func (t *Tx) row(q string, args ...any) *sql.Row { return t.tx.QueryRowContext(t.ctx, q, args...) }

func ts(t time.Time) string { return bot.FormatTime(t) }

func tsPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return bot.FormatTime(*t)
}

func parseTS(s string) time.Time {
	t, _ := bot.ParseTime(s)
	return t
}

func parseNullTS(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := parseTS(s.String)
	return &t
}

// MarkSeen records a delivery key; it reports false when the key was seen before, so a
// retried platform event is processed once.
func (t *Tx) MarkSeen(key string, at time.Time) (bool, error) {
	res, err := t.exec(`INSERT INTO seen_events (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, ts(at))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
