package storage

import (
	"context"
	"testing"

	"github.com/warroom/warroom/bot"
)

// A limited read of the due heads hands out channel creations first: the deliverer asks
// for only as many heads as it has free slots, and a new incident's channel must not be
// left out behind other channels' older messages. On PostgreSQL the claim picks the
// same way.
func TestDueOutboundHandsOutChannelCreationsFirst(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for _, lane := range []string{"inc:1", "inc:2", "dm:U1"} {
		if err := db.Enqueue(ctx, bot.Outbound{Lane: lane, Platform: "console", Op: bot.OpPost,
			Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("older " + lane)}}}, t0); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Enqueue(ctx, bot.Outbound{Lane: "inc:3", Platform: "console", Op: bot.OpCreateChannel,
		Payload: bot.Payload{Name: "inc-3-new", Private: true}}, t0); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueOutbound(ctx, t0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].Op != bot.OpCreateChannel || due[0].Payload.Name != "inc-3-new" {
		t.Fatalf("limit 1 handed out %+v, want the channel creation of inc:3", due)
	}
}
