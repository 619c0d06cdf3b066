package outbox

import (
	"slices"
	"sync"
	"testing"
)

// announcingStore is followStore that announces its commits (as storage.DB on SQLite):
// the test says which lanes each "commit" queued into.
type announcingStore struct {
	*followStore
	mu sync.Mutex
	fn func(lanes []string)
}

func (s *announcingStore) OnQueued(fn func(lanes []string)) bool {
	s.mu.Lock()
	s.fn = fn
	s.mu.Unlock()
	return true
}

// commit queues text in lane and announces it.
func (s *announcingStore) commit(lane, text string) {
	s.add(lane, text)
	s.mu.Lock()
	fn := s.fn
	s.mu.Unlock()
	fn([]string{lane})
}

// With the store announcing each commit's lanes, Run never looks at what was queued
// (QueuedAfter, a read transaction per commit), and a kick costs nothing: a commit into a
// lane being followed costs no read of the heads at all, one into a free lane one read,
// and every row arrives in order.
func TestAnnouncedCommitsCostNoLookAtTheOutbox(t *testing.T) {
	st := &announcingStore{followStore: newFollowStore()}
	p := &lanePlatform{release: make(chan struct{}), posted: make(chan string, 8), calls: make(chan string, 8)}
	d := startRun(t, st, p, 0, st)
	<-st.reads // the start's read has its snapshot: s1 is committed after it
	st.commit("slow", "s1")
	next(t, p.calls, "s1's call")
	for range 5 {
		d.Kick()
	}
	st.commit("slow", "s2") // s1 is still being posted: its follower finds s2
	d.lanes.mu.Lock()
	woken := d.lanes.take || len(d.wake) > 0
	d.lanes.mu.Unlock()
	if woken {
		t.Fatal("the kicks, or a commit into the lane being followed, woke Run to read every head")
	}
	close(p.release)
	for _, want := range []string{"slow:s1", "slow:s2"} {
		if got := next(t, p.posted, want); got != want {
			t.Fatalf("posted %q, want %q", got, want)
		}
	}
	waitFor(t, "the lane's release", func() bool { busy, _ := d.busyLanes(); return busy == 0 && st.allDone() })
	st.commit("fast", "f1")
	if got := next(t, p.posted, "fast:f1"); got != "fast:f1" {
		t.Fatalf("posted %q, want fast:f1", got)
	}
	waitFor(t, "the lane's release", func() bool { busy, _ := d.busyLanes(); return busy == 0 && st.allDone() })
	if slices.Contains(st.eventsSoFar(), "queued") {
		t.Fatalf("Run looked at what was queued although the store announced it: %v", st.eventsSoFar())
	}
	if n := st.readsSoFar(); n != 3 {
		t.Fatalf("%d reads of every head, want 3 (the start's, s1's commit into a free lane, f1's): %v", n, st.eventsSoFar())
	}
}
