package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// edits lists the edit operations queued in the outbox, in order.
func edits(t *testing.T, db *DB) []bot.Outbound { return queuedOps(t, db, bot.OpEdit) }

// A redaction whose scrub commits while the post holding the secret is being delivered:
// the deliverer read the head before the scrub, so the platform got the secret, and the
// scrub listed only delivered posts for editing. Completing the delivery kept the scrubbed
// payload and nothing ever edited the posted copy. Now the completion sees that the
// payload it completes is not the one stored any more and queues the edit, in the post's
// lane, with the stored (scrubbed) message. Both stores.
func TestRedactionDuringADeliveryEditsThePostedCopy(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	inc := newIncident(t, db)
	const secret = "hunter2-db-admin-password"
	if err := db.Enqueue(ctx, bot.Outbound{Lane: "inc:1", Platform: "console", Op: bot.OpPost, Incident: inc.Number,
		Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("the password is " + secret)}}}, t0); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(due) != 1 {
		t.Fatalf("%d heads (%v)", len(due), err)
	}
	inFlight := due[0] // the deliverer has it; the platform is about to get the secret
	var scrub bot.Scrubbed
	if err := db.Update(ctx, func(tx *Tx) (err error) { scrub, err = tx.Scrub(inc.Number, []string{secret}); return err }); err != nil {
		t.Fatal(err)
	}
	if scrub.Outbox != 1 || len(scrub.Posted) != 0 {
		t.Fatalf("scrub of a pending post: %+v, want one payload rewritten and nothing to edit yet", scrub)
	}
	if err := db.CompleteOutbound(ctx, inFlight, bot.Delivered{ID: "m-42"}, t0); err != nil {
		t.Fatal(err)
	}
	got := edits(t, db)
	if len(got) != 1 {
		t.Fatalf("%d edits queued after delivering a post the redaction scrubbed in flight, want 1", len(got))
	}
	e := got[0]
	text := e.Payload.Message.Text.String()
	if e.Lane != "inc:1" || e.Incident != inc.Number || e.Payload.MessageID != "m-42" ||
		strings.Contains(text, secret) || !strings.Contains(text, bot.RedactedText) {
		t.Fatalf("edit %+v (text %q), want message m-42 of inc:1 edited to the scrubbed text", e, text)
	}
}

// A post delivered as it is stored (no redaction in between, or one before the read) is
// completed without an edit, even when its text says [redacted] itself.
func TestDeliveryAsStoredQueuesNoEdit(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	inc := newIncident(t, db)
	const secret = "hunter2-db-admin-password"
	for _, text := range []string{"the password is " + secret, "a note that says [redacted] itself"} {
		if err := db.Enqueue(ctx, bot.Outbound{Lane: "inc:1", Platform: "console", Op: bot.OpPost, Incident: inc.Number,
			Payload: bot.Payload{Message: bot.Message{Text: bot.Plain(text)}}}, t0); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Update(ctx, func(tx *Tx) error { _, err := tx.Scrub(inc.Number, []string{secret}); return err }); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		due, err := db.DueOutbound(ctx, t0, 10, true)
		if err != nil || len(due) != 1 {
			t.Fatalf("%d heads (%v)", len(due), err)
		}
		if err := db.CompleteOutbound(ctx, due[0], bot.Delivered{ID: "m"}, t0); err != nil {
			t.Fatal(err)
		}
	}
	if got := edits(t, db); len(got) != 0 {
		t.Fatalf("edits %+v queued for posts delivered as stored", got)
	}
}
