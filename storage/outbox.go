package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// Enqueue adds an outbound operation inside the current transaction.
func (t *Tx) Enqueue(o bot.Outbound, at time.Time) error {
	payload, err := json.Marshal(o.Payload)
	if err != nil {
		return err
	}
	const insert = `INSERT INTO outbox (lane, platform, op, incident, target, payload, next_at, created_at, ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	args := []any{o.Lane, o.Platform, o.Op, o.Incident, o.Target, string(payload), ts(at), ts(at), o.Ref}
	if f := o.Payload.File; f != nil && f.Stored != 0 {
		// The row takes its file (outbox_files.go), in this transaction.
		var id int64
		if err = t.row(insert+` RETURNING id`, args...).Scan(&id); err == nil {
			err = t.takeFile(f.Stored, id)
		}
	} else {
		_, err = t.exec(insert, args...)
	}
	t.outboxQueued()
	t.queued = t.queued || err == nil
	if err == nil {
		t.lanes = append(t.lanes, o.Lane)
	}
	return err
}

// Queued reports whether this transaction queued an outbound operation: the engine wakes
// the deliverer only after a commit that did.
func (t *Tx) Queued() bool { return t.queued }

// Enqueue adds an outbound operation in its own transaction.
func (db *DB) Enqueue(ctx context.Context, o bot.Outbound, at time.Time) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.Enqueue(o, at) })
}

// DueOutbound returns the oldest pending operation of each lane, if it is due: channel
// creations first, so a new incident's channel is never left out of a limited read behind
// other lanes' messages (the deliverer asks for as many as it can start), then oldest
// first. Without creations, lanes whose head is a channel creation are left out: the
// deliverer has no creation slot free, and a read full of creations it cannot start would
// leave every other lane waiting. On SQLite one process serves the database and its
// deliverer keeps its own lanes apart, so this is a read; on PostgreSQL several deliverers
// may look at once, and it claims what it returns (outboxclaim.go).
func (db *DB) DueOutbound(ctx context.Context, now time.Time, limit int, creations bool) ([]bot.Outbound, error) {
	if db.pg {
		return db.claimOutbound(ctx, now, limit, creations)
	}
	rows, err := db.reader.QueryContext(ctx, dueHeads, ts(now), oneIf(creations), bot.OpCreateChannel, bot.OpCreateChannel, limit)
	if err != nil {
		return nil, describe(db.path, err)
	}
	db.payloads.newRead()
	return scanOutbound(rows, &db.payloads)
}

// DueLaneHead returns the oldest pending operation of one lane if it is due (ok false if the
// lane has none, or its head waits for a retry). The deliverer asks it when it has just
// recorded an operation of that lane, instead of walking every lane (dueHeads) to find
// the one lane that moved; it reads a few of the lane's operations at once and hands out
// the rest as they come (outbox_ahead.go). PostgreSQL hands out operations only under a
// claim (outboxclaim.go), so there it answers nothing and the deliverer asks DueOutbound.
func (db *DB) DueLaneHead(ctx context.Context, lane string, now time.Time) (o bot.Outbound, ok bool, err error) {
	if db.pg {
		return bot.Outbound{}, false, nil
	}
	if o, ok := db.ahead.next(lane); ok {
		return o, true, nil
	}
	gen := outboxScrubs.Load() // before the read: a scrub after it makes the rest stale
	db.ahead.read()
	rows, err := db.reader.QueryContext(ctx, dueLaneRun, ts(now), lane, laneReadAhead)
	if err != nil {
		return bot.Outbound{}, false, describe(db.path, err)
	}
	var due []bool
	run, err := scanOutboundDue(rows, &due)
	if err != nil || len(run) == 0 || !due[0] {
		return bot.Outbound{}, false, err
	}
	db.ahead.keep(lane, gen, run, due)
	return run[0], true, nil
}

// dueLaneRun is a lane's first pending operations, each with whether it is due.
const dueLaneRun = `SELECT ` + outboundColumns + `, o.next_at <= ? FROM outbox o
	WHERE o.state = 'pending' AND o.lane = ? ORDER BY o.lane, o.id LIMIT ?`

// QueuedAfter tells the deliverer, after a commit's kick, which lanes the operations queued
// since the id after fall in, so it can skip reading every lane's head when they all fall
// in lanes it is following anyway (outbox/kicks.go). last is the highest id in the outbox.
// ok is false when it cannot say: more than limit operations, ids reused after a prune
// (the highest id fell below after), or PostgreSQL, where ids are not committed in order.
func (db *DB) QueuedAfter(ctx context.Context, after int64, limit int) (lanes []string, last int64, ok bool, err error) {
	if db.pg {
		return nil, 0, false, nil
	}
	tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, false, describe(db.path, err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM outbox`).Scan(&last); err != nil {
		return nil, 0, false, describe(db.path, err)
	}
	if last < after {
		return nil, last, false, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT lane FROM outbox WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`, after, last, limit+1)
	if err != nil {
		return nil, 0, false, describe(db.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var lane string
		if err := rows.Scan(&lane); err != nil {
			return nil, 0, false, err
		}
		lanes = append(lanes, lane)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, false, err
	}
	return lanes, last, len(lanes) <= limit, nil
}

// dueHeads finds each lane's head by walking the lanes in the pending index, one seek per
// lane and one for its oldest operation: the deliverer asks after every delivery, and the
// plain MIN(id) … GROUP BY lane read every pending row to answer, so a backlog of
// thousands in one busy lane (a note a millisecond, each posted) made each delivery cost
// as much as the backlog — nearly half the bot's CPU at 1,000 notes/s.
const dueHeads = pendingLanes + `
	SELECT ` + outboundColumns + ` FROM lanes JOIN outbox o ON o.id = ` + laneHead + `
	WHERE o.next_at <= ? AND (? = 1 OR o.op <> ?) ORDER BY o.op <> ?, o.id LIMIT ?`

// oneIf is a flag as a query argument (1 or 0), compared with = 1 in both stores' SQL.
func oneIf(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pendingLanes walks the lanes with a pending operation (lanes.lane), and laneHead is the
// id of a lane's oldest pending one; PostgreSQL's claim (outboxclaim.go) uses them too.
const (
	pendingLanes = `WITH RECURSIVE lanes(lane) AS (
		SELECT (SELECT lane FROM outbox WHERE state = 'pending' ORDER BY lane LIMIT 1)
		UNION ALL
		SELECT (SELECT lane FROM outbox WHERE state = 'pending' AND lane > lanes.lane ORDER BY lane LIMIT 1)
		FROM lanes WHERE lanes.lane IS NOT NULL)`
	laneHead = `(SELECT id FROM outbox WHERE state = 'pending' AND lane = lanes.lane ORDER BY lane, id LIMIT 1)`
)

const outboundColumns = `o.id, o.lane, o.platform, o.op, o.incident, o.target, o.payload, o.attempts, o.created_at`

// scanOutbound reads outbox rows, their payloads through cache (outbox_payloads.go; nil:
// decoded each time).
func scanOutbound(rows *sql.Rows, cache *payloadCache) ([]bot.Outbound, error) {
	return scanRows(rows, cache, nil)
}

// scanOutboundDue is scanOutbound for rows with one more column, whether the row is due,
// appended to due.
func scanOutboundDue(rows *sql.Rows, due *[]bool) ([]bot.Outbound, error) {
	return scanRows(rows, nil, due)
}

func scanRows(rows *sql.Rows, cache *payloadCache, due *[]bool) ([]bot.Outbound, error) {
	defer rows.Close()
	var out []bot.Outbound
	for rows.Next() {
		var o bot.Outbound
		var payload, created string
		dest := []any{&o.ID, &o.Lane, &o.Platform, &o.Op, &o.Incident, &o.Target, &payload, &o.Attempts, &created}
		var isDue bool
		if due != nil {
			dest = append(dest, &isDue)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if due != nil {
			*due = append(*due, isDue)
		}
		o.Created = parseTS(created)
		var err error
		if o.Payload, err = cache.decode(payload); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// CompleteOutbound marks operation o delivered and applies what it created to the
// incident (the channel id of create_channel, the card's message id) in one transaction;
// a secret message loses its text in it.
// The message id of an operation with a Ref is recorded against it (see MessageRef).
// o is the operation as the deliverer read and delivered it (only its id and payload are
// used): what a redaction scrubbed meanwhile is edited, or its channel told (afterScrub).
func (db *DB) CompleteOutbound(ctx context.Context, o bot.Outbound, res bot.Delivered, at time.Time) error {
	err := db.completeOutbound(ctx, o, res, at)
	if err == nil {
		db.ahead.completed(o)
	}
	return err
}

func (db *DB) completeOutbound(ctx context.Context, o bot.Outbound, res bot.Delivered, at time.Time) error {
	id, result := o.ID, res.ID
	return db.Update(ctx, func(tx *Tx) error {
		stored := bot.Outbound{ID: id}
		var ref, payload, state string
		if err := tx.row(`SELECT lane, op, incident, platform, target, ref, payload, state FROM outbox WHERE id = ?`+tx.forUpdate(), id).Scan(
			&stored.Lane, &stored.Op, &stored.Incident, &stored.Platform, &stored.Target, &ref, &payload, &state); err != nil {
			return err
		}
		op, platform, incident := stored.Op, stored.Platform, stored.Incident
		if state != "pending" {
			// Recorded already: another deliverer took the row after this one's lease ran
			// out (PostgreSQL, outboxclaim.go). Recording it twice would count twice.
			return nil
		}
		if ref != "" && result != "" {
			if err := tx.addMessageRef(platform, result, ref, at); err != nil {
				return err
			}
		}
		switch op {
		case bot.OpCreateChannel:
			if err := tx.SetIncidentChannel(incident, res.ID, res.ChannelName); err != nil {
				return err
			}
		case bot.OpCard:
			if err := tx.SetCardRef(incident, result); err != nil {
				return err
			}
		}
		if err := tx.afterScrub(stored, o.Payload, payload, result, at); err != nil {
			return err
		}
		_, err := tx.exec(`UPDATE outbox SET state = 'done', done_at = ?, result = ?, attempts = attempts + 1, payload = COALESCE(?, payload) WHERE id = ?`,
			ts(at), result, withoutSecret(payload), id)
		return err
	})
}

// withoutSecret is the payload of a finished operation marked Secret with its text
// replaced by bot.SecretRemoved; nil (keep the payload) for any other.
func withoutSecret(payload string) any {
	if !strings.Contains(payload, `"secret"`) {
		// Not marked Secret (its key is the only place the quoted word can appear: a
		// quote inside a text is escaped), so not decoded: every delivery records one.
		return nil
	}
	var p bot.Payload
	if json.Unmarshal([]byte(payload), &p) != nil || !p.Secret {
		return nil
	}
	p.Message = bot.Message{Text: bot.Plain(bot.SecretRemoved)}
	b, err := json.Marshal(p)
	if err != nil {
		return nil
	}
	return string(b)
}

// RetryOutbound records a failed attempt and when to try again. until is the claim the
// attempt was made under (zero: none, SQLite): a deliverer whose claim ran out records
// nothing — the row is another claim's now, and writing a retry time over it would end
// that claim early, so a third deliverer could take the row while the second is still
// sending it. A row recorded already (done or failed) is left as it is too.
func (db *DB) RetryOutbound(ctx context.Context, id int64, until, next time.Time, reason string) error {
	claim, args := underClaim(until)
	db.ahead.forget()
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(`UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ? AND state = 'pending'`+claim,
			append([]any{ts(next), reason, id}, args...)...)
		return err
	})
}

// underClaim is the condition that a row is still under the claim that ends at until
// (outboxclaim.go): its next_at is the claim's end. Nothing without a claim.
func underClaim(until time.Time) (string, []any) {
	if until.IsZero() {
		return ``, nil
	}
	return ` AND next_at = ?`, []any{ts(until)}
}

// FailOutbound gives up on an operation (a permanent platform error); it stays in the table
// with its reason for the operator (a secret message without its text). until is the
// claim, as for RetryOutbound: a late failure from a deliverer whose claim ran out must
// not turn another's delivery into "failed", nor a row recorded already.
func (db *DB) FailOutbound(ctx context.Context, id int64, until time.Time, reason string, at time.Time) error {
	claim, args := underClaim(until)
	db.ahead.forget()
	return db.Update(ctx, func(tx *Tx) error {
		var payload string
		if err := tx.row(`SELECT payload FROM outbox WHERE id = ?`, id).Scan(&payload); err != nil {
			return err
		}
		_, err := tx.exec(`UPDATE outbox SET state = 'failed', attempts = attempts + 1, done_at = ?, last_error = ?, payload = COALESCE(?, payload) WHERE id = ? AND state = 'pending'`+claim,
			append([]any{ts(at), reason, withoutSecret(payload), id}, args...)...)
		return err
	})
}

// IncidentChannel returns the incident's channel id and card message id.
func (db *DB) IncidentChannel(ctx context.Context, n int64) (string, string, error) {
	var ch, card string
	err := db.reader.QueryRowContext(ctx, `SELECT channel_id, card_ref FROM incidents WHERE number = ?`, n).Scan(&ch, &card)
	if err == sql.ErrNoRows {
		return "", "", ErrNotFound
	}
	return ch, card, err
}

// OutboxDepth counts pending operations (for metrics and readiness).
func (db *DB) OutboxDepth(ctx context.Context) (int, error) {
	var n int
	err := db.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE state = 'pending'`).Scan(&n)
	return n, err
}

// Delivered is one delivered operation that created a message: its op, the channel it went
// to ("" for a DM, whose channel the platform chose) and the platform's message id.
type Delivered struct {
	ID      int64
	Op      string
	Channel string
	Message string
}

// DeliveredMessages lists the delivered post, card and DM operations of one platform, oldest
// first, so a test can hold them against the messages the platform shows (exactly once).
func (db *DB) DeliveredMessages(ctx context.Context, platform string) ([]Delivered, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT o.id, o.op,
		CASE WHEN o.op = ? THEN '' WHEN o.target <> '' THEN o.target ELSE COALESCE(i.channel_id, '') END, o.result
		FROM outbox o LEFT JOIN incidents i ON i.number = o.incident
		WHERE o.state = 'done' AND o.platform = ? AND o.op IN (?, ?, ?) ORDER BY o.id`,
		bot.OpDM, platform, bot.OpPost, bot.OpCard, bot.OpDM)
	if err != nil {
		return nil, describe(db.path, err)
	}
	defer rows.Close()
	var out []Delivered
	for rows.Next() {
		var d Delivered
		if err := rows.Scan(&d.ID, &d.Op, &d.Channel, &d.Message); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
