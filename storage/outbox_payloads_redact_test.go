package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// A redaction removes a secret from the outbox payloads; the decoded-payload cache, keyed
// by the JSON as it was, must not keep the removed text once the deliverer's reads no
// longer return that JSON (a redaction takes it "from everywhere warroom keeps it").
func TestPayloadCacheForgetsWhatARedactionRemoved(t *testing.T) {
	db := openTest(t)
	if db.pg {
		t.Skip("PostgreSQL keeps no decoded payloads")
	}
	ctx := context.Background()
	const secret = "hunter2-db-admin-password"
	o := bot.Outbound{Lane: "inc:1", Platform: "console", Op: bot.OpPost,
		Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("the password is " + secret)}}}
	if err := db.Enqueue(ctx, o, t0); err != nil {
		t.Fatal(err)
	}
	if due, err := db.DueOutbound(ctx, t0, 10, true); err != nil || len(due) != 1 {
		t.Fatalf("%d heads (%v)", len(due), err)
	}
	if !cacheHolds(db, secret) {
		t.Fatal("the pending post's payload was not kept; this test needs it kept")
	}
	if err := db.Update(ctx, func(tx *Tx) error {
		_, err := tx.Scrub(1, []string{secret})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		due, err := db.DueOutbound(ctx, t0, 10, true)
		if err != nil || len(due) != 1 || strings.Contains(due[0].Payload.Message.Text.String(), secret) {
			t.Fatalf("after the redaction: %+v (%v)", due, err)
		}
	}
	if cacheHolds(db, secret) {
		t.Fatal("the payload cache still holds the text the redaction removed")
	}
}

func cacheHolds(db *DB, s string) bool {
	db.payloads.mu.Lock()
	defer db.payloads.mu.Unlock()
	for _, m := range []map[string]bot.Payload{db.payloads.m, db.payloads.prev} {
		for raw, p := range m {
			if strings.Contains(raw, s) || strings.Contains(p.Message.Text.String(), s) {
				return true
			}
		}
	}
	return false
}
