package storage

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// A deliverer whose claim ran out (a stalled write, a deposed leader, a clock behind the
// others) records its attempt late, after another deliverer claimed the row and delivered
// it. That late failure must not turn "done" into "failed", nor a late retry write its
// error and attempt over the delivery's record.
func TestPostgresStaleFailureLeavesADeliveredRowDone(t *testing.T) {
	postgresOnly(t)
	a, b := twoProcesses(t)
	ctx := context.Background()
	if err := a.Enqueue(ctx, bot.Outbound{Lane: "c", Platform: "slack", Op: bot.OpPost, Target: "c"}, t0); err != nil {
		t.Fatal(err)
	}
	first, err := a.DueOutbound(ctx, t0, 10)
	if err != nil || len(first) != 1 {
		t.Fatalf("a's claim: %+v %v", first, err)
	}
	id := first[0].ID
	late := first[0].Until.Add(time.Second)
	if second, err := b.DueOutbound(ctx, late, 10); err != nil || len(second) != 1 {
		t.Fatalf("b's claim after a's lease ended: %+v %v", second, err)
	}
	if err := b.CompleteOutbound(ctx, id, bot.Delivered{ID: "m1"}, late.Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := a.FailOutbound(ctx, id, "refused", late.Add(4*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := a.RetryOutbound(ctx, id, late.Add(5*time.Second), "timeout"); err != nil {
		t.Fatal(err)
	}
	var state, lastError string
	var attempts int
	if err := a.reader.QueryRow(`SELECT state, attempts, COALESCE(last_error, '') FROM outbox WHERE id = ?`, id).Scan(&state, &attempts, &lastError); err != nil {
		t.Fatal(err)
	}
	if state != "done" || attempts != 1 || lastError != "" {
		t.Fatalf("a delivered row after a stale failure and retry: state %q, %d attempts, error %q; want done, 1, none", state, attempts, lastError)
	}
}
