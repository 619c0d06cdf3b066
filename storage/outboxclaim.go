package storage

import (
	"context"
	"sort"
	"time"

	"github.com/warroom/warroom/bot"
)

// Outbox claims on PostgreSQL. Several replicas share the database and only the leader
// delivers, but around a failover two deliverers can look at once: the new leader, and an
// old one that has not yet noticed it lost its lock. So DueOutbound claims the lane heads
// it returns, in one write transaction:
//
//   - FOR UPDATE SKIP LOCKED: of two claimers at once, each takes the rows the other is not
//     taking (and the write lock serialises them besides);
//   - the claim is a lease: the row's next_at moves leaseFor(op) ahead, so no other claim
//     finds it due until the lease ends. Delivering it ends the lease (done, failed, or a
//     retry time), and an attempt must end before its lease (bot.Outbound.Until), so a
//     row is only ever taken again once its last attempt is over — its platform call
//     answered, failed or abandoned. A deliverer that died mid-call leaves its lease to
//     run out; the next one then finds the row inherited (created before it started) and
//     the adapter looks the message up before sending it again (bot.Delivery.MaybeDone);
//   - fenced by leadership: while this process campaigns (Campaign), the claim succeeds
//     only if the database itself says the campaign's connection holds the leader lock, so
//     a deposed leader claims nothing more, however late it notices.

// OutboxLease is how long a claim holds an outbox row on PostgreSQL, and so how long a row
// a dead leader was delivering waits for the next one: long enough for an attempt's calls
// (the deliverer stops an attempt 5 s before its claim ends), short enough that a failover
// does not hold a channel's messages up for long. An upload (a report, a file) may take
// longer, and gets OutboxUploadLease.
const (
	OutboxLease       = 15 * time.Second
	OutboxUploadLease = 2 * time.Minute
)

// leaseFor is the claim on an operation op.
func leaseFor(op string) time.Duration {
	if op == bot.OpUpload {
		return OutboxUploadLease
	}
	return OutboxLease
}

func (db *DB) claimOutbound(ctx context.Context, now time.Time, limit int, creations bool) ([]bot.Outbound, error) {
	args := []any{bot.OpUpload, ts(now.Add(OutboxUploadLease)), ts(now.Add(OutboxLease)), ts(now)}
	fence := ``
	if e := db.elector.Load(); e != nil {
		pid, lead := e.fence()
		if !lead {
			return nil, nil
		}
		// pg_locks shows a bigint advisory key as its two 32-bit halves.
		fence = ` AND EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = ? AND objid = ? AND objsubid = 1 AND granted AND pid = ?)`
		key := uint64(pgLeaderLock)
		args = append(args, uint32(key>>32), uint32(key), pid)
	}
	args = append(args, oneIf(creations), bot.OpCreateChannel, bot.OpCreateChannel, limit)
	var out []bot.Outbound
	err := db.Update(ctx, func(tx *Tx) error {
		rows, err := tx.query(`UPDATE outbox AS o SET next_at = CASE WHEN o.op = ? THEN ? ELSE ? END WHERE o.id IN (
			`+pendingLanes+` SELECT d.id FROM outbox d WHERE d.id IN (SELECT `+laneHead+` FROM lanes WHERE lanes.lane IS NOT NULL)
			AND d.next_at <= ?`+fence+` AND (? = 1 OR d.op <> ?) ORDER BY d.op <> ?, d.id LIMIT ? FOR UPDATE OF d SKIP LOCKED)
			RETURNING `+outboundColumns, args...)
		if err != nil {
			return err
		}
		out, err = scanOutbound(rows, nil) // claimed rows are not read again while claimed
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	for i := range out {
		out[i].Until = now.Add(leaseFor(out[i].Op))
	}
	return out, nil
}

// ReleaseOutbound gives up the claim that ends at until on operation id (its deliverer
// stops before attempting it, or abandoned the attempt): it is due again at next. A claim
// that has run out and been taken by another deliverer since (next_at is no longer until)
// is left alone.
func (db *DB) ReleaseOutbound(ctx context.Context, id int64, until, next time.Time) error {
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(`UPDATE outbox SET next_at = ? WHERE id = ? AND state = 'pending' AND next_at = ?`, ts(next), id, ts(until))
		return err
	})
}
