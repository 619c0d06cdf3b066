package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// A lane's read-ahead (outbox_ahead.go) made while a redaction's transaction is under way:
// the scrub has counted itself (outboxScrubs) but not committed, so the read's snapshot
// still holds the text and its generation is already the scrub's. The kept operation was
// then handed out after the commit with the removed text — not in flight, but read long
// before its turn. A scrub counts itself again once committed, so such a read is stale.
// SQLite only: PostgreSQL hands out operations under a claim and reads nothing ahead.
func TestAReadAheadDuringAScrubIsNotHandedOut(t *testing.T) {
	sqliteOnly(t, "PostgreSQL reads no lane ahead (DueLaneHead answers nothing there)")
	const secret = "hunter2-db-admin-password"
	ctx := context.Background()
	db := openTest(t)
	inc := newIncident(t, db)
	for _, text := range []string{"first", "the password is " + secret, "third"} {
		if err := db.Enqueue(ctx, bot.Outbound{Lane: "inc:1", Platform: "console", Op: bot.OpPost, Incident: inc.Number,
			Payload: bot.Payload{Message: bot.Message{Text: bot.Plain(text)}}}, t0); err != nil {
			t.Fatal(err)
		}
	}
	scrubbed, commit := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Update(ctx, func(tx *Tx) error {
			if _, err := tx.Scrub(inc.Number, []string{secret}); err != nil {
				return err
			}
			close(scrubbed)
			<-commit
			return nil
		})
	}()
	<-scrubbed
	head, ok, err := db.DueLaneHead(ctx, "inc:1", t0) // reads ahead from before the commit
	if err != nil || !ok || head.Payload.Message.Text.String() != "first" {
		t.Fatalf("head %+v %v %v, want the first post", head, ok, err)
	}
	close(commit)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := db.CompleteOutbound(ctx, head, bot.Delivered{ID: "m-1"}, t0); err != nil {
		t.Fatal(err)
	}
	next, ok, err := db.DueLaneHead(ctx, "inc:1", t0)
	if err != nil || !ok {
		t.Fatalf("next head: %v %v", ok, err)
	}
	if text := next.Payload.Message.Text.String(); strings.Contains(text, secret) {
		t.Fatalf("the lane's next operation was handed out as read before the redaction committed: %q", text)
	}
}
