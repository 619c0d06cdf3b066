package storage

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// DueLaneHead answers for one lane what DueOutbound answers for all: its oldest pending
// operation, only while that one is due (a later due operation never overtakes a head
// waiting for its retry), never another lane's, nothing once the lane is drained.
func TestDueLaneHeadGivesOneLanesHead(t *testing.T) {
	db := openTest(t)
	if db.pg {
		t.Skip("PostgreSQL hands out operations only under a claim (DueOutbound)")
	}
	ctx := context.Background()
	for i := range 2 {
		for _, lane := range []string{"chan:C1", "chan:C2"} {
			if err := db.Enqueue(ctx, bot.Outbound{Lane: lane, Platform: "console", Op: bot.OpPost,
				Payload: bot.Payload{Message: bot.Message{Text: bot.Textf("%s %d", lane, i)}}}, t0); err != nil {
				t.Fatal(err)
			}
		}
	}
	head := func(lane string, now time.Time) string {
		t.Helper()
		o, ok, err := db.DueLaneHead(ctx, lane, now)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return ""
		}
		if o.Lane != lane {
			t.Fatalf("asked for %s, got an operation of %s", lane, o.Lane)
		}
		return o.Payload.Message.Text.String()
	}
	if got := head("chan:C2", t0); got != "chan:C2 0" {
		t.Fatalf("C2's head %q", got)
	}
	first, _, _ := db.DueLaneHead(ctx, "chan:C2", t0)
	if err := db.CompleteOutbound(ctx, first, bot.Delivered{ID: "m1"}, t0); err != nil {
		t.Fatal(err)
	}
	if got := head("chan:C2", t0); got != "chan:C2 1" {
		t.Fatalf("after delivering C2's head: %q", got)
	}
	// C1's head waits a minute for its retry: nothing is due on C1 until then, although
	// its second operation is.
	c1, _, _ := db.DueLaneHead(ctx, "chan:C1", t0)
	if err := db.RetryOutbound(ctx, c1.ID, time.Time{}, t0.Add(time.Minute), "ratelimited"); err != nil {
		t.Fatal(err)
	}
	if got := head("chan:C1", t0); got != "" {
		t.Fatalf("C1's head waits, yet %q was handed out", got)
	}
	if got := head("chan:C1", t0.Add(time.Minute)); got != "chan:C1 0" {
		t.Fatalf("once the retry is due: %q", got)
	}
	second, _, _ := db.DueLaneHead(ctx, "chan:C2", t0)
	if err := db.FailOutbound(ctx, second.ID, time.Time{}, "channel_not_found", t0); err != nil {
		t.Fatal(err)
	}
	if got := head("chan:C2", t0); got != "" {
		t.Fatalf("C2 is drained, yet %q was handed out", got)
	}
	if got := head("chan:C9", t0); got != "" {
		t.Fatalf("a lane that never had an operation: %q", got)
	}
}
