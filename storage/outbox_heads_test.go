package storage

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// DueOutbound hands out each lane's oldest pending operation, and only when that one is
// due: a lane whose head waits (a retry's back-off) gives nothing, even if a later
// operation of it is due; delivered and failed operations are never heads; the oldest
// heads come first, at most limit of them.
func TestDueOutboundGivesEachLanesHead(t *testing.T) {
	db := openTest(t)
	if db.pg {
		t.Skip("PostgreSQL leases what it hands out (replicas_test.go covers it)")
	}
	ctx := context.Background()
	ids := map[string][]int64{}
	for i := range 5 {
		for _, lane := range []string{"chan:C2", "chan:C1", "dm:U9", "chan:C3"} {
			if err := db.Enqueue(ctx, bot.Outbound{Lane: lane, Platform: "console", Op: bot.OpPost,
				Payload: bot.Payload{Message: bot.Message{Text: bot.Textf("%s %d", lane, i)}}}, t0); err != nil {
				t.Fatal(err)
			}
		}
	}
	heads := func(now time.Time, limit int) []string {
		t.Helper()
		due, err := db.DueOutbound(ctx, now, limit, true)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range due {
			out = append(out, o.Payload.Message.Text.String())
			ids[o.Lane] = append(ids[o.Lane], o.ID)
		}
		return out
	}
	if got, want := heads(t0, 10), []string{"chan:C2 0", "chan:C1 0", "dm:U9 0", "chan:C3 0"}; !slices.Equal(got, want) {
		t.Fatalf("heads %q, want %q", got, want)
	}
	if got := heads(t0, 2); !slices.Equal(got, []string{"chan:C2 0", "chan:C1 0"}) {
		t.Fatalf("limit 2: %q", got)
	}
	// C2's head delivered, C1's failed, dm's deferred: C2 and C1 move on, dm waits.
	if err := db.CompleteOutbound(ctx, bot.Outbound{ID: ids["chan:C2"][0]}, bot.Delivered{ID: "m1"}, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.FailOutbound(ctx, ids["chan:C1"][0], time.Time{}, "channel_not_found", t0); err != nil {
		t.Fatal(err)
	}
	if err := db.RetryOutbound(ctx, ids["dm:U9"][0], time.Time{}, t0.Add(time.Minute), "ratelimited"); err != nil {
		t.Fatal(err)
	}
	if got, want := heads(t0, 10), []string{"chan:C3 0", "chan:C2 1", "chan:C1 1"}; !slices.Equal(got, want) {
		t.Fatalf("after delivery: %q, want %q", got, want)
	}
	if got, want := heads(t0.Add(time.Minute), 10), []string{"dm:U9 0", "chan:C3 0", "chan:C2 1", "chan:C1 1"}; !slices.Equal(got, want) {
		t.Fatalf("once the retry is due: %q, want %q", got, want)
	}
	// Every operation of a lane delivered: the lane is gone.
	if _, err := db.writer.ExecContext(ctx, `UPDATE outbox SET state = 'done' WHERE lane = 'chan:C3'`); err != nil {
		t.Fatal(err)
	}
	if got, want := heads(t0.Add(time.Minute), 10), []string{"dm:U9 0", "chan:C2 1", "chan:C1 1"}; !slices.Equal(got, want) {
		t.Fatalf("with C3 drained: %q, want %q", got, want)
	}
}
