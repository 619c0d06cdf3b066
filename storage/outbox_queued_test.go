package storage

import (
	"context"
	"slices"
	"testing"

	"github.com/warroom/warroom/bot"
)

// QueuedAfter names the lanes of the operations queued after an id, oldest first, with the
// outbox's highest id; it cannot say (ok false) when more were queued than asked about, or
// when the highest id fell below the one asked about (ids reused after a prune).
func TestQueuedAfterNamesTheNewOperationsLanes(t *testing.T) {
	db := openTest(t)
	if db.pg {
		t.Skip("PostgreSQL ids are not committed in order: the deliverer reads every head")
	}
	ctx := context.Background()
	for _, lane := range []string{"chan:C1", "chan:C2", "chan:C1"} {
		if err := db.Enqueue(ctx, bot.Outbound{Lane: lane, Platform: "console", Op: bot.OpPost,
			Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("x")}}}, t0); err != nil {
			t.Fatal(err)
		}
	}
	lanes, last, ok, err := db.QueuedAfter(ctx, 0, 10)
	if err != nil || !ok || last != 3 || !slices.Equal(lanes, []string{"chan:C1", "chan:C2", "chan:C1"}) {
		t.Fatalf("after 0: %v %d %v %v", lanes, last, ok, err)
	}
	if lanes, last, ok, _ := db.QueuedAfter(ctx, 1, 10); !ok || last != 3 || !slices.Equal(lanes, []string{"chan:C2", "chan:C1"}) {
		t.Fatalf("after 1: %v %d %v", lanes, last, ok)
	}
	if lanes, _, ok, _ := db.QueuedAfter(ctx, 3, 10); !ok || len(lanes) != 0 {
		t.Fatalf("after the last: %v %v", lanes, ok)
	}
	if _, last, ok, _ := db.QueuedAfter(ctx, 0, 2); ok || last != 3 {
		t.Fatalf("three queued, two asked about: ok %v, last %d", ok, last)
	}
	if _, last, ok, _ := db.QueuedAfter(ctx, 1<<62, 0); ok || last != 3 {
		t.Fatalf("after an id above the highest: ok %v, last %d", ok, last)
	}
}
