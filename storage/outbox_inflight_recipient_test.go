package storage

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// A direct message or an ephemeral message a redaction scrubbed after the deliverer read
// it reached its one reader with the removed text, and neither can be edited. The DM's
// notice named only the outbox operation, so the lead running the redaction could not tell
// whom to ask to delete it; an ephemeral was not told at all. Now the redacted incident's
// channel is told, naming the recipient as a person (a mention on the platform), without
// the text. Both stores.
func TestAnUneditableMessageScrubbedInFlightNamesItsRecipient(t *testing.T) {
	const secret = "hunter2-db-admin-password"
	for _, op := range []string{bot.OpDM, bot.OpEphemeral} {
		t.Run(op, func(t *testing.T) {
			db := openTest(t)
			inc := newIncident(t, db)
			o := bot.Outbound{Lane: "dm:slack:U0BOB", Platform: "slack", Op: bot.OpDM,
				Payload: bot.Payload{User: "U0BOB", Message: bot.Message{Text: bot.Plain("page: the password is " + secret)}}}
			if op == bot.OpEphemeral {
				o = bot.Outbound{Lane: "ch:slack:C0GENERAL", Platform: "slack", Op: bot.OpEphemeral, Target: "C0GENERAL",
					Payload: bot.Payload{User: "U0BOB", Message: bot.Message{Text: bot.Plain("you said the password is " + secret)}}}
			}
			read := inFlight(t, db, inc, o, secret)
			if err := db.CompleteOutbound(context.Background(), read, bot.Delivered{}, t0); err != nil {
				t.Fatal(err)
			}
			told := posts(t, db)
			if len(told) != 1 {
				t.Fatalf("%d posts queued after delivering a %s the redaction scrubbed in flight, want 1 telling the channel", len(told), op)
			}
			text := told[0].Payload.Message.Text
			if told[0].Lane != bot.IncidentLane(inc.Number) || strings.Contains(text.String(), secret) || !strings.Contains(text.String(), "still holds") {
				t.Fatalf("post %+v (text %q), want INC-%d's channel told the %s still holds the removed text", told[0], text, inc.Number, op)
			}
			// The incident is on the console: its channel is told there, not on the
			// platform the message went out on (a page may go to another platform).
			if told[0].Platform != inc.Platform {
				t.Fatalf("notice queued for %s, want the incident's platform %s", told[0].Platform, inc.Platform)
			}
			if !slices.Contains(text, bot.Who("slack:U0BOB")) {
				t.Fatalf("notice %q does not name the %s's recipient as a person (slack:U0BOB)", text, op)
			}
		})
	}
}

// A pending payload marked as scrubbed for an incident that does not exist (written by
// hand into the database) is recorded as delivered, telling no one: before, looking up
// that incident's platform failed the record, and the deliverer retries a record forever.
// Both stores.
func TestAScrubMarkForNoIncidentDoesNotWedgeTheRecord(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	o := bot.Outbound{Lane: "dm:slack:U0BOB", Platform: "slack", Op: bot.OpDM,
		Payload: bot.Payload{User: "U0BOB", Message: bot.Message{Text: bot.Plain("hello")}, Scrubs: 1, ScrubbedFor: 999}}
	if err := db.Enqueue(ctx, o, t0); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(due) != 1 {
		t.Fatalf("%d heads (%v)", len(due), err)
	}
	read := due[0]
	read.Payload.Scrubs = 0 // as read before the (forged) scrub
	if err := db.CompleteOutbound(ctx, read, bot.Delivered{ID: "m-1"}, t0); err != nil {
		t.Fatalf("recording a delivery marked for no incident: %v", err)
	}
	if told := posts(t, db); len(told) != 0 {
		t.Fatalf("%d notices queued for an incident that does not exist", len(told))
	}
}
