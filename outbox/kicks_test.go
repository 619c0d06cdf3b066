package outbox

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// A commit that queued only into a lane being delivered costs no read of every lane's head
// (its follower finds the row), while a commit into another lane does, and the followed
// lane's rows are all delivered, in order, once its platform call answers. The old Run read
// every head for each commit's kick.
func TestKickIntoAFollowedLaneReadsNoHeads(t *testing.T) {
	st := newFollowStore()
	st.add("slow", "s0")
	p := &lanePlatform{release: make(chan struct{}), posted: make(chan string, 16), calls: make(chan string, 16)}
	d := NewDeliverer(st, clockwork.NewFakeClock(), slog.New(slog.DiscardHandler), p)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { d.Run(ctx, time.Hour); close(ran) }()
	defer func() { cancel(); <-ran }()
	next(t, p.calls, "the slow lane's first call") // s0 is under way, its Post unanswered
	before := len(st.eventsSoFar())
	for _, text := range []string{"s1", "s2", "s3"} {
		st.add("slow", text)
		d.Kick()
	}
	// Wait until Run has looked at what the kicks announced (the look is the event after
	// the kicks): it must not have been a read of every head.
	waitFor(t, "Run's look after the kicks", func() bool { return len(d.wake) == 0 && len(st.eventsSoFar()) > before })
	st.mark("fast queued")
	st.add("fast", "f1")
	d.Kick()
	if got := next(t, p.posted, "the other lane's message"); got != "fast:f1" {
		t.Fatalf("posted %q", got)
	}
	ev := st.eventsSoFar()
	mark := slices.Index(ev, "fast queued")
	if i := slices.Index(ev[before:mark], "read"); i >= 0 {
		t.Fatalf("kicks into the followed lane read every head: events %v", ev)
	}
	if !slices.Contains(ev[mark:], "read") {
		t.Fatalf("the kick into another lane read no heads, yet f1 was posted: %v", ev)
	}
	close(p.release)
	for _, want := range []string{"slow:s0", "slow:s1", "slow:s2", "slow:s3"} {
		if got := next(t, p.posted, want); got != want {
			t.Fatalf("posted %q, want %q", got, want)
		}
	}
}

// waitFor polls cond; the deadline only ends a failed test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never came", what)
		}
	}
}
