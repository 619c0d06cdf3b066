package storage

import (
	"context"
	"errors"
	"testing"

	"github.com/warroom/warroom/bot"
)

// A write that called DeferChainHeads and returned without WriteChainHeads would commit
// entries with its incident's chain head behind them: the next Append links to the old head
// and the chain fails verification from then on. The writer refuses to commit it: the write
// fails, nothing of it is committed, and a write batched with it is not harmed. Both stores.
func TestAWriteStillDeferringChainHeadsIsNotCommitted(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	inc := newIncident(t, db)
	appendN(t, db, inc.Number, 1)
	err := db.Update(ctx, func(tx *Tx) error {
		tx.DeferChainHeads()
		_, err := tx.Append(inc.Number, &bot.Entry{At: t0, Actor: "bob", Kind: bot.KindNote, Text: "deferred", Data: []byte("{}")}, "")
		return err // WriteChainHeads forgotten
	})
	if !errors.Is(err, errHeadsDeferred) {
		t.Fatalf("a write that left its chain heads deferred: %v, want it refused (%v)", err, errHeadsDeferred)
	}
	appendN(t, db, inc.Number, 1)
	v, err := db.Verify(ctx, inc.Number)
	if err != nil || !v.OK || v.Entries != 1+1+1 {
		t.Fatalf("INC-%d after a deferring write: %+v %v, want the chain to verify with 3 entries (the refused one not committed)", inc.Number, v, err)
	}
}
