package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// A channel topic scrubbed after the deliverer read it was set with the removed text and
// stayed so: a topic is set again, with the stored, scrubbed one. Both stores.
func TestATopicScrubbedInFlightIsSetAgain(t *testing.T) {
	const secret = "hunter2-db-admin-password"
	db := openTest(t)
	inc := newIncident(t, db)
	read := inFlight(t, db, inc, bot.Outbound{Lane: "inc:1", Platform: "console", Op: bot.OpTopic, Incident: inc.Number,
		Payload: bot.Payload{Topic: "sev2 · the password is " + secret}}, secret)
	if err := db.CompleteOutbound(context.Background(), read, bot.Delivered{}, t0); err != nil {
		t.Fatal(err)
	}
	rows, err := db.reader.Query(`SELECT lane, payload FROM outbox WHERE op = ? AND state = 'pending'`, bot.OpTopic)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var lane, raw string
		if err := rows.Scan(&lane, &raw); err != nil {
			t.Fatal(err)
		}
		p, err := (*payloadCache)(nil).decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		if lane == "inc:1" && !strings.Contains(p.Topic, secret) && strings.Contains(p.Topic, bot.RedactedText) {
			got = append(got, p.Topic)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d scrubbed topics queued after setting one the redaction scrubbed in flight, want 1", len(got))
	}
}
