package storage

import (
	"context"
	"testing"

	"github.com/warroom/warroom/bot"
)

// A card update scrubbed in flight is not edited again when a later update of the card is
// still to go in its lane: that one was queued or scrubbed after the redaction, and an edit
// to the older card queued behind it would put the card back a step. Both stores.
func TestACardScrubbedInFlightLeavesALaterUpdateToMendIt(t *testing.T) {
	const secret = "hunter2-db-admin-password"
	db := openTest(t)
	inc := newIncident(t, db)
	card := func(text string) bot.Outbound {
		return bot.Outbound{Lane: "inc:1", Platform: "console", Op: bot.OpCard, Incident: inc.Number,
			Payload: bot.Payload{Message: bot.Message{Text: bot.Plain(text)}}}
	}
	read := inFlight(t, db, inc, card("status: the password is "+secret), secret)
	if err := db.Enqueue(context.Background(), card("status: newer"), t0); err != nil {
		t.Fatal(err)
	}
	if err := db.CompleteOutbound(context.Background(), read, bot.Delivered{ID: "card-9"}, t0); err != nil {
		t.Fatal(err)
	}
	if got := edits(t, db); len(got) != 0 {
		t.Fatalf("edits %+v queued behind a newer card update: the card would go back to the older one", got)
	}
}
