package storage

import (
	"context"
	"sync"
	"testing"
)

// A redaction cuts the log to zero bytes after it commits (TruncateWAL), so the text it
// removed does not linger in the -wal file. With checkpoints moved off the writer, a
// background checkpoint running at that moment made the TRUNCATE checkpoint busy, and
// TruncateWAL gave up after five immediate tries ("a reader held an old snapshot"): the
// removed text stayed in the file. Seen in commands' TestActionRedactionRemovesTheBodyHash
// under load. Here the background checkpointer runs without pause beside the redactions.
func TestTruncateWALWhileTheCheckpointerRuns(t *testing.T) {
	w := openWALTest(t)
	// Its loop pauses between runs; this test runs it back to back besides.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				w.db.ckpt.run(context.Background())
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	for i := range 100 {
		w.fill(1, 20, nil)
		if err := w.db.TruncateWAL(context.Background()); err != nil {
			t.Fatalf("redaction %d: %v", i, err)
		}
		if size := w.walSize(); size != 0 {
			t.Fatalf("redaction %d: the log is %d bytes after TruncateWAL, want 0", i, size)
		}
	}
}
