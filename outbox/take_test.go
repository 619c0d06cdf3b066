package outbox

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/warroom/warroom/bot"
)

// A read of every lane's head that is slow (I/O under load) does not hold up a lane being
// followed: the follower records its operation, looks at its lane and delivers the next
// while the read is still under way. The old take held the lanes' lock across its reads,
// and the follower waited on it to mark its look.
func TestAReadOfTheHeadsDoesNotHoldUpAFollower(t *testing.T) {
	st := newFollowStore()
	st.add("slow", "s1")
	st.add("slow", "s2")
	p := &lanePlatform{release: make(chan struct{}), posted: make(chan string, 8), calls: make(chan string, 8)}
	d := startRun(t, st, p, 0)
	<-st.reads // the start's read, which took s1
	next(t, p.calls, "s1's call")
	hold := make(chan struct{})
	let := sync.OnceFunc(func() { close(hold) })
	t.Cleanup(let) // before startRun's cleanup, which waits for the held read
	st.mu.Lock()
	st.hold = hold
	st.mu.Unlock()
	st.add("fast", "f1")
	d.Kick()
	<-st.reads // the kick's read has its snapshot and is held
	close(p.release)
	for _, want := range []string{"slow:s1", "slow:s2"} {
		if got := next(t, p.posted, want+" while a read of the heads is held"); got != want {
			t.Fatalf("posted %q, want %q", got, want)
		}
	}
	st.mu.Lock()
	st.hold = nil
	st.mu.Unlock()
	let()
	if got := next(t, p.posted, "fast:f1"); got != "fast:f1" {
		t.Fatalf("posted %q, want fast:f1", got)
	}
	// The held read saw s1 as the slow lane's head. Its follower delivered s1 and s2 and
	// let the lane go during the read, so the head is stale: it must not be taken again.
	waitFor(t, "every lane released", func() bool { busy, _ := d.busyLanes(); return busy == 0 && st.allDone() })
	select {
	case s := <-p.posted:
		t.Fatalf("%q posted again: a head read before its follower recorded it was taken after", s)
	case <-time.After(50 * time.Millisecond):
	}
}

// retryFailingStore is followStore whose record of a failed attempt always fails (disk
// full): the row stays pending and due.
type retryFailingStore struct{ *followStore }

func (s retryFailingStore) RetryOutbound(context.Context, int64, time.Time, time.Time, string) error {
	return errors.New("disk full")
}

// refusingPlatform refuses every post (a 500) and counts the calls.
type refusingPlatform struct {
	countingPlatform
	calls atomic.Int64
}

func (p *refusingPlatform) Post(context.Context, string, bot.Message) (string, error) {
	p.calls.Add(1)
	return "", errors.New("500 internal error")
}

// A failed attempt whose retry cannot be recorded leaves its row pending and due; its
// follower must not send it again at once as the lane's "next" operation. The old follower
// asked for the lane's head, got the same row back and sent it up to 64 times in a row
// (maxFollow) before it let the lane go. It is tried again by a later pass, as it was
// before lanes were followed.
func TestAnUnrecordedRetryIsNotResentByItsFollower(t *testing.T) {
	st := retryFailingStore{newFollowStore()}
	st.add("chan", "n1")
	p := &refusingPlatform{}
	d := startRun(t, st, p, 0)
	waitFor(t, "the first attempt and the lane's release", func() bool {
		busy, _ := d.busyLanes()
		return p.calls.Load() > 0 && busy == 0
	})
	if n := p.calls.Load(); n != 1 {
		t.Fatalf("the post was sent %d times before its lane was let go, want 1", n)
	}
}

// On SQLite a read of the heads returns the head of a lane being delivered too (it is
// pending until recorded). That head is the operation in flight, not a row its follower
// may have missed, so the lane's dry release reads no heads. The old pick marked every
// busy lane it passed over as missed, so under load every release read every head.
func TestTheHeadInFlightIsNotMissed(t *testing.T) {
	st := newFollowStore()
	st.add("chan", "n1")
	d := NewDeliverer(st, clockwork.NewFakeClock(), slog.New(slog.DiscardHandler), &lanePlatform{})
	ctx := context.Background()
	taken, err := d.take(ctx, true)
	if err != nil || len(taken) != 1 {
		t.Fatalf("first take: %v, %v", taken, err)
	}
	again, err := d.take(ctx, true) // a commit's kick for another lane, while n1 is posted
	if err != nil || len(again) != 0 {
		t.Fatalf("second take: %v, %v (the lane is busy)", again, err)
	}
	if d.lanes.missed["chan"] {
		t.Fatal("the lane's own operation in flight was counted as a row its follower missed")
	}
	d.release(taken[0], true, true)
	if d.lanes.full {
		t.Fatal("a lane released dry, with nothing passed over, made the next pass read every head")
	}
}
