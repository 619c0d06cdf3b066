package storage

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// inFlight queues o, reads it back as the deliverer does (the platform is about to get what
// it holds), and then lets a redaction of inc scrub secret: the operation as read.
func inFlight(t *testing.T, db *DB, inc *bot.Incident, o bot.Outbound, secret string) bot.Outbound {
	t.Helper()
	ctx := context.Background()
	if err := db.Enqueue(ctx, o, t0); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(due) != 1 {
		t.Fatalf("%d heads (%v)", len(due), err)
	}
	if err := db.Update(ctx, func(tx *Tx) error { _, err := tx.Scrub(inc.Number, []string{secret}); return err }); err != nil {
		t.Fatal(err)
	}
	return due[0]
}

// An edit (a card's update, a redaction's own edit) whose payload a redaction scrubbed
// after the deliverer read it sent the removed text to the platform, and only posts were
// edited again afterwards: the card then showed the secret until its next update. Now the
// completion of a card or an edit read before a scrub queues the edit of the same message
// with the stored, scrubbed text. Both stores.
func TestAnEditScrubbedInFlightIsEditedAgain(t *testing.T) {
	const secret = "hunter2-db-admin-password"
	for _, c := range []struct {
		op, msg string
		res     bot.Delivered
	}{
		{bot.OpCard, "", bot.Delivered{ID: "card-9"}}, // the card posted or updated: its id is the result
		{bot.OpEdit, "m-7", bot.Delivered{}},          // an edit answers no id: it edits MessageID
	} {
		t.Run(c.op, func(t *testing.T) {
			db := openTest(t)
			inc := newIncident(t, db)
			read := inFlight(t, db, inc, bot.Outbound{Lane: "inc:1", Platform: "console", Op: c.op, Incident: inc.Number,
				Payload: bot.Payload{MessageID: c.msg, Message: bot.Message{Text: bot.Plain("status: the password is " + secret)}}}, secret)
			if err := db.CompleteOutbound(context.Background(), read, c.res, t0); err != nil {
				t.Fatal(err)
			}
			got := edits(t, db)
			if c.op == bot.OpEdit {
				got = got[1:] // the first is the operation itself
			}
			want := c.res.ID + c.msg
			if len(got) != 1 {
				t.Fatalf("%d edits queued after delivering a %s the redaction scrubbed in flight, want 1", len(got), c.op)
			}
			text := got[0].Payload.Message.Text.String()
			if got[0].Lane != "inc:1" || got[0].Payload.MessageID != want || strings.Contains(text, secret) || !strings.Contains(text, bot.RedactedText) {
				t.Fatalf("edit %+v (text %q), want message %s of inc:1 edited to the scrubbed text", got[0], text, want)
			}
		})
	}
}

// posts lists the posts queued in the outbox, in order.
func posts(t *testing.T, db *DB) []bot.Outbound { return queuedOps(t, db, bot.OpPost) }

// queuedOps lists the operations of kind op queued in the outbox, in order.
func queuedOps(t *testing.T, db *DB, op string) []bot.Outbound {
	t.Helper()
	rows, err := db.reader.Query(`SELECT lane, platform, incident, target, payload FROM outbox WHERE op = ? ORDER BY id`, op)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []bot.Outbound
	for rows.Next() {
		var o bot.Outbound
		var raw string
		if err := rows.Scan(&o.Lane, &o.Platform, &o.Incident, &o.Target, &raw); err != nil {
			t.Fatal(err)
		}
		if o.Payload, err = (*payloadCache)(nil).decode(raw); err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// A direct message or an upload (a stored report file) that a redaction scrubbed after the
// deliverer read it reached the platform with the removed text; neither can be edited, and
// the redaction's reply, written before, counted neither (their rows were still pending).
// Now its completion tells the redacted incident's channel that it still holds the text.
// Both stores; the stored file is the close's report, kept apart from its row.
func TestADeliveryThatCannotBeEditedIsToldInTheChannel(t *testing.T) {
	const secret = "hunter2-db-admin-password"
	ctx := context.Background()
	for _, op := range []string{bot.OpDM, bot.OpUpload} {
		t.Run(op, func(t *testing.T) {
			db := openTest(t)
			inc := newIncident(t, db)
			o := bot.Outbound{Lane: "dm:console:bob", Platform: "console", Op: bot.OpDM,
				Payload: bot.Payload{User: "bob", Message: bot.Message{Text: bot.Plain("page: the password is " + secret)}}}
			if op == bot.OpUpload {
				id, err := db.StoreFile(ctx, []byte("# Report\n\nthe password is "+secret+"\n"), t0)
				if err != nil {
					t.Fatal(err)
				}
				o = bot.Outbound{Lane: "inc:1", Platform: "console", Op: bot.OpUpload, Incident: inc.Number,
					Payload: bot.Payload{File: &bot.File{Name: "report.md", Stored: id}}}
			}
			read := inFlight(t, db, inc, o, secret)
			if err := db.CompleteOutbound(ctx, read, bot.Delivered{ID: "m-3"}, t0); err != nil {
				t.Fatal(err)
			}
			told := posts(t, db)
			if len(told) != 1 {
				t.Fatalf("%d posts queued after delivering a %s the redaction scrubbed in flight, want 1 telling the channel", len(told), op)
			}
			text := told[0].Payload.Message.Text.String()
			if told[0].Lane != "inc:"+strconv.FormatInt(inc.Number, 10) || told[0].Incident != inc.Number ||
				strings.Contains(text, secret) || !strings.Contains(text, "still hold") {
				t.Fatalf("post %+v (text %q), want INC-%d's channel told the %s still holds the removed text", told[0], text, inc.Number, op)
			}
		})
	}
}
