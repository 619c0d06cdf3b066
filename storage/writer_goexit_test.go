package storage

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// answered waits for an Update's outcome. The deadline only ends a test that would
// otherwise hang (the old writer never answered); it measures nothing.
func answered(t *testing.T, what string, errc <-chan error) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: no answer from the writer (its goroutine ended under it)", what)
		return nil
	}
}

// queuedLanes counts the outbox's rows by lane, to see whose writes were committed.
func queuedLanes(t *testing.T, db *DB) map[string]int {
	t.Helper()
	rows, err := db.reader.Query(`SELECT lane, COUNT(*) FROM outbox GROUP BY lane`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	lanes := map[string]int{}
	for rows.Next() {
		var lane string
		var n int
		if err := rows.Scan(&lane, &n); err != nil {
			t.Fatal(err)
		}
		lanes[lane] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return lanes
}

func enqueueIn(tx *Tx, lane string) error {
	return tx.Enqueue(bot.Outbound{Lane: lane, Platform: "console", Op: bot.OpDM, Payload: bot.Payload{User: "bob"}}, t0)
}

// A function given to Update that ends its goroutine (runtime.Goexit: t.Fatal in a test's
// closure) runs on the writer's goroutine. call() turned panics into errors but Goexit is
// no panic: the caller waited forever, the transaction stayed open and every later write
// waited too. Now the caller is answered with an error, nothing of it is committed, and a
// new writer serves the next writes.
func TestGoexitInAWriteAnswersAndTheWriterGoesOn(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	errc := make(chan error, 1)
	go func() {
		errc <- db.Update(ctx, func(tx *Tx) error {
			if err := enqueueIn(tx, "goexit"); err != nil {
				return err
			}
			runtime.Goexit()
			return nil
		})
	}()
	if err := answered(t, "the write that called Goexit", errc); err == nil {
		t.Fatal("a write whose function called runtime.Goexit was answered as committed")
	}
	go func() { errc <- db.Update(ctx, func(tx *Tx) error { return enqueueIn(tx, "after") }) }()
	if err := answered(t, "the next write", errc); err != nil {
		t.Fatalf("the next write: %v", err)
	}
	if got := queuedLanes(t, db); got["goexit"] != 0 || got["after"] != 1 {
		t.Fatalf("committed lanes %v, want only the later write's", got)
	}
}

// In a group commit the others' work shares the transaction Goexit left open: it is run
// again in the new writer's transaction, and only the guilty write fails.
func TestGoexitInAGroupCommitFailsOnlyItsWrite(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	const others = 8
	for attempt := 0; ; attempt++ {
		if attempt == 20 {
			t.Fatal("the guilty write never shared a transaction with another in 20 attempts")
		}
		gate := make(chan struct{})
		holder, holding, once := make(chan error, 1), make(chan struct{}), sync.Once{}
		go func() {
			holder <- db.Update(ctx, func(*Tx) error { once.Do(func() { close(holding) }); <-gate; return nil })
		}()
		// The holder is in the writer before the others are sent: sent beside them, it
		// was at times run after some of them, in their batch, and the guilty write then
		// came alone after it.
		<-holding
		var runs [others]atomic.Int32
		var wg sync.WaitGroup
		results := make([]error, others+1)
		for i := range others + 1 {
			if i == others {
				// The guilty write queues after the others, so that it runs after some of
				// them in the batch. Started with them it was often first: the goroutine
				// started last is the one its processor runs first.
				time.Sleep(10 * time.Millisecond)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = db.Update(ctx, func(tx *Tx) error {
					if i == others {
						if err := enqueueIn(tx, "goexit"); err != nil {
							return err
						}
						runtime.Goexit()
					}
					runs[i].Add(1)
					return enqueueIn(tx, "other")
				})
			}()
		}
		// Give the writes time to queue behind the holder, so they form one batch (if
		// they do not, the attempt is repeated; nothing is timed).
		time.Sleep(20 * time.Millisecond)
		close(gate)
		if err := answered(t, "the holder", holder); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { wg.Wait(); done <- nil }()
		answered(t, "the batch", done)
		if results[others] == nil {
			t.Fatal("the write that called Goexit was answered as committed")
		}
		rerun := false
		for i := range others {
			if results[i] != nil {
				t.Fatalf("write %d, beside the one that called Goexit: %v", i, results[i])
			}
			rerun = rerun || runs[i].Load() > 1
		}
		got := queuedLanes(t, db)
		if got["goexit"] != 0 {
			t.Fatalf("the Goexit write was committed: %v", got)
		}
		if got["other"] != others*(attempt+1) {
			t.Fatalf("%d of the others' rows committed after %d attempts of %d, want each once", got["other"], attempt+1, others)
		}
		if rerun {
			break
		}
	}
}
