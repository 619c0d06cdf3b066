package storage

import (
	"context"
	"strconv"

	"github.com/warroom/warroom/bot"
)

// Verdict is the outcome of checking one incident's hash chain.
type Verdict = bot.Verdict

// Verify re-derives every digest and link of incident n's timeline and checks it against
// the head the incident records (bot.VerifyChain). It catches a row altered, deleted or
// inserted behind warroom's back, and a redaction not announced on the timeline.
func (db *DB) Verify(ctx context.Context, n int64) (Verdict, error) {
	var v Verdict
	err := db.View(ctx, func(tx *Tx) (err error) {
		v, err = tx.Verify(n)
		return err
	})
	return v, err
}

// Verify is DB.Verify inside a transaction.
func (t *Tx) Verify(n int64) (Verdict, error) {
	inc, err := t.Incident(n)
	if err != nil {
		return Verdict{Incident: bot.FormatID(n)}, err
	}
	return bot.VerifyChain(inc.ID(), inc.HeadSeq, inc.HeadHash, func(fn func(bot.Entry) error) error { return t.EachEntry(n, fn) })
}

// RedactionText is the text of the timeline entry that records a redaction; Verify reads
// the seq back from it (bot.RedactionTarget).
func RedactionText(seq int64, reason string) string {
	return "redacted entry " + strconv.FormatInt(seq, 10) + ": " + reason
}
