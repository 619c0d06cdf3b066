package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// A pending head read again (the deliverer reads the due heads each time a lane is
// released) is not decoded again; each read gets its own copy; a secret payload and a
// large one are decoded at every read, never kept.
func TestDueOutboundDecodesAPendingHeadOnce(t *testing.T) {
	db := openTest(t)
	if db.pg {
		t.Skip("PostgreSQL claims what it hands out: a claimed head is not read again")
	}
	ctx := context.Background()
	for _, o := range []bot.Outbound{
		{Lane: "inc:1", Op: bot.OpPost, Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("the phase guide")}}},
		{Lane: "dm:U1", Op: bot.OpDM, Payload: bot.Payload{User: "U1", Secret: true, Message: bot.Message{Text: bot.Plain("sign-in link")}}},
		{Lane: "inc:2", Op: bot.OpUpload, Payload: bot.Payload{File: &bot.File{Name: "report.md", Data: []byte(strings.Repeat("x", 40<<10))}}},
	} {
		o.Platform = "console"
		if err := db.Enqueue(ctx, o, t0); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		due, err := db.DueOutbound(ctx, t0, 10, true)
		if err != nil || len(due) != 3 {
			t.Fatalf("read %d: %d heads (%v)", i, len(due), err)
		}
		if got := due[0].Payload.Message.Text.String(); got != "the phase guide" {
			t.Fatalf("read %d: the post says %q (a change to an earlier read's copy leaked)", i, got)
		}
		due[0].Payload.Message.Text[0].Text = "changed by a deliverer"
	}
	if n := db.payloads.decoded; n != 1+3+3 {
		t.Fatalf("%d decodes for 3 reads of 3 heads, want 7: the post once, the secret and the file each time", n)
	}
	for raw, p := range db.payloads.m {
		if p.Secret || p.File != nil {
			t.Fatalf("kept %.60s…", raw)
		}
	}
}
