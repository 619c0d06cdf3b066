package outbox

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/warroom/warroom/bot"
)

// hookStore is followStore with a hook run inside a look at one lane's head, after the
// look has its answer and before the deliverer gets it, and a count of finished
// QueuedAfter calls (Run's look at what the kicks announced).
type hookStore struct {
	*followStore
	mu      sync.Mutex
	hook    func(found bool) // run once, then cleared
	queued  atomic.Int64     // QueuedAfter calls that have returned
	started atomic.Int64     // QueuedAfter calls that have begun
}

func (s *hookStore) DueLaneHead(ctx context.Context, lane string, now time.Time) (bot.Outbound, bool, error) {
	o, ok, err := s.followStore.DueLaneHead(ctx, lane, now)
	s.mu.Lock()
	h := s.hook
	s.hook = nil
	s.mu.Unlock()
	if h != nil {
		h(ok)
	}
	return o, ok, err
}

func (s *hookStore) QueuedAfter(ctx context.Context, after int64, limit int) ([]string, int64, bool, error) {
	s.started.Add(1)
	defer s.queued.Add(1)
	return s.followStore.QueuedAfter(ctx, after, limit)
}

// At 1,000 notes/s a note's post is usually answered before the next note commits, so its
// lane runs dry after every note. Releasing that lane cost a read of every lane's head
// although its follower had just looked and found the lane empty: two all-lanes reads per
// note (one for the commit's kick, one for the release). Now a lane released dry, with no
// row passed over while it was followed and no head waiting for a slot, costs none: 20
// notes queued one at a time cost the start's read and one read per commit. The old code
// made about 41.
func TestALaneReleasedDryReadsNoHeads(t *testing.T) {
	st := newFollowStore()
	p := &lanePlatform{posted: make(chan string, 64)}
	d := startRun(t, st, p, 0)
	waitFor(t, "the start's read", func() bool { return st.readsSoFar() == 1 })
	const notes = 20
	for i := range notes {
		text := "n" + strconv.Itoa(i)
		st.add("chan", text)
		d.Kick()
		if got := next(t, p.posted, text); got != "chan:"+text {
			t.Fatalf("posted %q, want chan:%s", got, text)
		}
		waitFor(t, "the lane's release", func() bool {
			busy, _ := d.busyLanes()
			return busy == 0 && st.allDone() && len(d.wake) == 0
		})
	}
	if n := st.readsSoFar(); n > 1+notes {
		t.Fatalf("%d reads of every lane's head for %d notes queued one at a time, want at most %d (the start's and one per commit)", n, notes, 1+notes)
	}
}

// A row committed just after the follower found its lane empty, whose kick Run looked at
// while the lane was still marked (so Run left it to the follower), is delivered when the
// lane is released, not left for the poll (an hour here, on a fake clock). The test holds
// the follower between its empty look and its release until Run has finished with the
// kick (a second kick's look has begun, after the first one's, on the same goroutine).
// This passes on the old code too, which read every head at each release; it guards the
// release that skips the read.
func TestARowQueuedAsItsLaneRunsDryIsDelivered(t *testing.T) {
	st := &hookStore{followStore: newFollowStore()}
	p := &lanePlatform{posted: make(chan string, 8)}
	d := startRun(t, st, p, 0)
	waitFor(t, "the start's read", func() bool { return st.readsSoFar() == 1 })
	st.mu.Lock()
	st.hook = func(found bool) {
		if found {
			t.Error("the first look found a row: the test did not hold the lane's dry look")
			return
		}
		st.add("chan", "late")
		before := st.queued.Load()
		d.Kick()
		waitFor(t, "Run's look at the late row's kick", func() bool { return st.queued.Load() > before })
		began := st.started.Load()
		d.Kick()
		waitFor(t, "Run's next look", func() bool { return st.started.Load() > began })
	}
	st.mu.Unlock()
	st.add("chan", "first")
	d.Kick()
	if got := next(t, p.posted, "the first note"); got != "chan:first" {
		t.Fatalf("posted %q", got)
	}
	if got := next(t, p.posted, "the row queued as its lane ran dry"); got != "chan:late" {
		t.Fatalf("posted %q", got)
	}
}

// With one slot, a lane left waiting because the slot was taken is delivered when the
// lane holding it is released dry: that release reads every head. This passes on the
// old code too; it guards the release that skips the read.
func TestALaneWaitingForASlotGoesWhenOneIsReleased(t *testing.T) {
	st := newFollowStore()
	st.add("slow", "s1")
	st.add("fast", "f1")
	p := &lanePlatform{release: make(chan struct{}), posted: make(chan string, 8), calls: make(chan string, 8)}
	startRun(t, st, p, 1)
	next(t, p.calls, "the slow lane's call, holding the only slot")
	close(p.release)
	for _, want := range []string{"slow:s1", "fast:f1"} {
		if got := next(t, p.posted, want); got != want {
			t.Fatalf("posted %q, want %q", got, want)
		}
	}
}

// startRun runs a deliverer with the given concurrency (0: the default) until the test ends;
// its poll is an hour of a fake clock, so only kicks and releases move it.
// With an Announcer, the deliverer takes its announcements.
func startRun(t *testing.T, st OutboxStore, p bot.Platform, concurrency int, announcer ...Announcer) *Deliverer {
	d := NewDeliverer(st, clockwork.NewFakeClock(), slog.New(slog.DiscardHandler), p)
	d.Concurrency = concurrency
	for _, a := range announcer {
		d.Announce(a)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { d.Run(ctx, time.Hour); close(ran) }()
	t.Cleanup(func() { cancel(); <-ran })
	return d
}
