package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// A message marked Secret (the sign-in link of /incident web) is in the outbox only while
// it is pending: delivering it, or giving up on it, removes its text in the same
// transaction. Other messages keep theirs.
func TestSecretMessageTextIsRemovedOnceDeliveredOrFailed(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	const link = "https://warroom.example/login?token=AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHHIIIIJJJJKKK"
	enqueue := func(lane string, secret bool) {
		t.Helper()
		if err := db.Enqueue(ctx, bot.Outbound{Lane: lane, Platform: "console", Op: bot.OpDM,
			Payload: bot.Payload{User: "U1", Message: bot.Message{Text: bot.Plain("Your link: " + link)}, Secret: secret}}, t0); err != nil {
			t.Fatal(err)
		}
	}
	enqueue("dm:delivered", true)
	enqueue("dm:failed", true)
	enqueue("dm:plain", false)
	payload := func(lane string) string {
		t.Helper()
		var p string
		if err := db.reader.QueryRowContext(ctx, `SELECT payload FROM outbox WHERE lane = ?`, lane).Scan(&p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	due, err := db.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(due) != 3 {
		t.Fatalf("due: %v %v", due, err)
	}
	for _, o := range due {
		// Pending: the deliverer needs the text, and gets it.
		if !strings.Contains(o.Payload.Message.Text.String(), link) || !strings.Contains(payload(o.Lane), link) {
			t.Fatalf("pending %s lost its text: %+v", o.Lane, o.Payload)
		}
		if o.Payload.Secret != (o.Lane != "dm:plain") {
			t.Fatalf("%s: secret flag %v", o.Lane, o.Payload.Secret)
		}
	}
	for _, o := range due {
		switch o.Lane {
		case "dm:failed":
			err = db.FailOutbound(ctx, o.ID, o.Until, "user not found", t0)
		default:
			err = db.CompleteOutbound(ctx, o, bot.Delivered{ID: "m-" + o.Lane}, t0)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, lane := range []string{"dm:delivered", "dm:failed"} {
		p := payload(lane)
		if strings.Contains(p, "token=") || !strings.Contains(p, bot.SecretRemoved) || !strings.Contains(p, `"user":"U1"`) {
			t.Errorf("%s: payload after delivery %s, want the text replaced and the rest kept", lane, p)
		}
	}
	if p := payload("dm:plain"); !strings.Contains(p, link) {
		t.Errorf("a message not marked secret lost its text: %s", p)
	}
}
