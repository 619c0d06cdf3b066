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
	due, err := db.DueOutbound(ctx, t0, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].Op != bot.OpCreateChannel || due[0].Payload.Name != "inc-3-new" {
		t.Fatalf("limit 1 handed out %+v, want the channel creation of inc:3", due)
	}
}

// Asked without creations (the deliverer has no creation slot free), the read leaves out the
// lanes whose head is a channel creation, however many are due, and hands out the others:
// a read full of creations nobody can start held every other lane. The lane behind a
// creation stays behind it (its head is the creation). Both stores.
func TestDueOutboundWithoutCreationsHandsOutTheOthers(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for _, lane := range []string{"inc:1", "inc:2", "inc:3"} {
		if err := db.Enqueue(ctx, bot.Outbound{Lane: lane, Platform: "console", Op: bot.OpCreateChannel,
			Payload: bot.Payload{Name: lane, Private: true}}, t0); err != nil {
			t.Fatal(err)
		}
	}
	for _, lane := range []string{"inc:1", "dm:U1"} {
		if err := db.Enqueue(ctx, bot.Outbound{Lane: lane, Platform: "console", Op: bot.OpPost,
			Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("after " + lane)}}}, t0); err != nil {
			t.Fatal(err)
		}
	}
	due, err := db.DueOutbound(ctx, t0, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].Lane != "dm:U1" || due[0].Op != bot.OpPost {
		t.Fatalf("without creations, limit 2 handed out %+v, want only the post of dm:U1", due)
	}
}
