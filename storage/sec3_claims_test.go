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
	first, err := a.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(first) != 1 {
		t.Fatalf("a's claim: %+v %v", first, err)
	}
	id := first[0].ID
	late := first[0].Until.Add(time.Second)
	if second, err := b.DueOutbound(ctx, late, 10, true); err != nil || len(second) != 1 {
		t.Fatalf("b's claim after a's lease ended: %+v %v", second, err)
	}
	if err := b.CompleteOutbound(ctx, bot.Outbound{ID: id}, bot.Delivered{ID: "m1"}, late.Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := a.FailOutbound(ctx, id, first[0].Until, "refused", late.Add(4*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := a.RetryOutbound(ctx, id, first[0].Until, late.Add(5*time.Second), "timeout"); err != nil {
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

// The same while the other deliverer's attempt is under way: a's late retry or failure
// must not end b's claim early (a third claim would take the row while b is still
// sending it: a message posted twice) nor mark the row failed under b.
func TestPostgresStaleRecordLeavesAnotherClaimAlone(t *testing.T) {
	postgresOnly(t)
	a, b := twoProcesses(t)
	ctx := context.Background()
	if err := a.Enqueue(ctx, bot.Outbound{Lane: "c", Platform: "slack", Op: bot.OpPost, Target: "c"}, t0); err != nil {
		t.Fatal(err)
	}
	first, err := a.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(first) != 1 {
		t.Fatalf("a's claim: %+v %v", first, err)
	}
	id := first[0].ID
	// a's lease runs out; b claims the row and starts its attempt.
	late := first[0].Until.Add(time.Second)
	second, err := b.DueOutbound(ctx, late, 10, true)
	if err != nil || len(second) != 1 || second[0].ID != id {
		t.Fatalf("b's claim after a's lease ended: %+v %v", second, err)
	}
	// a's attempt, long over, is recorded now: a retry a second later, then a failure.
	if err := a.RetryOutbound(ctx, id, first[0].Until, late.Add(time.Second), "timeout"); err != nil {
		t.Fatal(err)
	}
	if due, _ := a.DueOutbound(ctx, late.Add(2*time.Second), 10, true); len(due) != 0 {
		t.Fatalf("a stale retry ended b's claim early: the row was claimed again during b's attempt: %+v", due)
	}
	if err := a.FailOutbound(ctx, id, first[0].Until, "refused", late.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	// b's own record still counts.
	if err := b.RetryOutbound(ctx, id, second[0].Until, late.Add(3*time.Second), "rate limited"); err != nil {
		t.Fatal(err)
	}
	var state, lastError string
	var attempts int
	if err := a.reader.QueryRow(`SELECT state, attempts, COALESCE(last_error, '') FROM outbox WHERE id = ?`, id).Scan(&state, &attempts, &lastError); err != nil {
		t.Fatal(err)
	}
	if state != "pending" || attempts != 1 || lastError != "rate limited" {
		t.Fatalf("after a's stale records and b's retry: state %q, %d attempts, error %q; want pending, 1, b's", state, attempts, lastError)
	}
	if due, _ := b.DueOutbound(ctx, late.Add(3*time.Second), 10, true); len(due) != 1 {
		t.Fatalf("b's retry did not make the row due at the time it named: %+v", due)
	}
}
