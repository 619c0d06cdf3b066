package storage

import (
	"errors"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Retrying what PostgreSQL aborted. A write transaction that PostgreSQL chose as a
// deadlock's victim (SQLSTATE 40P01) or could not serialise (40001) did nothing: it is
// safe, and usually enough, to run it again. The writer (writer.go) does so up to
// pgMaxTries times, after a short random pause that grows, then gives up with the error,
// which counts as busy (bot.ErrBusy, describePG). Within warroom the write lock makes
// both rare between processes — everything writes in one order after it — but a
// database shared with a DBA's session, or the row locks alone (tests), can cause them.
//
// It runs the whole transaction again, every command of a group commit included: after
// such an error the transaction is aborted and what the others did is gone with it. So a
// function given to Update may run more than once; it must set, not accumulate, what it
// hands out (every caller does: the engine starts each run with a fresh call).

// pgMaxTries bounds the runs of one write transaction.
const pgMaxTries = 5

// retryable reports whether err is PostgreSQL's deadlock or serialisation failure.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// again prepares a batch whose transaction PostgreSQL aborted to run again: requests that
// have had their tries are answered with the failure, the others returned, after a pause.
func (db *DB) again(batch []*writeReq, cause error) []*writeReq {
	err := describe(db.path, cause)
	var out []*writeReq
	most := 0
	for _, r := range batch {
		r.tries++
		if r.tries >= pgMaxTries || r.ctx.Err() != nil {
			r.done <- err
			continue
		}
		most = max(most, r.tries)
		out = append(out, r)
	}
	if len(out) > 0 {
		time.Sleep(retryPause(most))
	}
	return out
}

// retryPause is the wait before try n+1: 2, 4, 8, 16 ms, each with up to as much again
// at random, so the two sides of a deadlock do not meet again in step.
func retryPause(n int) time.Duration {
	d := 2 * time.Millisecond << min(n-1, 4)
	return d + time.Duration(rand.Int64N(int64(d)))
}
