package outbox

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/warroom/warroom/bot"
)

// channelStore is followStore whose rows are an incident's posts (no target of their own:
// the deliverer looks up the incident's channel), counting those look-ups.
type channelStore struct {
	*followStore
	lookups atomic.Int64
}

func (s *channelStore) IncidentChannel(context.Context, int64) (string, string, error) {
	s.lookups.Add(1)
	return "chan", "", nil
}

// A lane followed through an incident's backlog looks up the incident's channel once, not
// once per post: the channel of an incident does not change while its lane is delivered
// (a channel creation is never followed, so a new channel starts a new run). At 1,000
// notes/s the look-up was a read per post, 2 % of the bot's CPU. The old code looked it up
// for each of the 50 posts.
func TestAFollowedLaneLooksUpItsChannelOnce(t *testing.T) {
	st := &channelStore{followStore: newFollowStore()}
	for i := range 50 {
		st.add("inc", "n"+strconv.Itoa(i))
	}
	st.mu.Lock()
	for i := range st.rows {
		st.rows[i].o.Target, st.rows[i].o.Incident = "", 1
	}
	st.mu.Unlock()
	p := &lanePlatform{posted: make(chan string, 64)}
	startRun(t, st, p, 0)
	for i := range 50 {
		want := "chan:n" + strconv.Itoa(i)
		if got := next(t, p.posted, want); got != want {
			t.Fatalf("posted %q, want %q", got, want)
		}
	}
	if n := st.lookups.Load(); n != 1 {
		t.Fatalf("%d look-ups of the incident's channel for one followed lane of 50 posts, want 1", n)
	}
}

// A card is always looked up afresh: its message id (posted or to edit) may have been
// recorded by the operation just before it in the lane.
func TestAFollowedCardLooksUpItsMessage(t *testing.T) {
	st := &channelStore{followStore: newFollowStore()}
	st.add("inc", "first")
	st.add("inc", "card")
	st.mu.Lock()
	for i := range st.rows {
		st.rows[i].o.Target, st.rows[i].o.Incident = "", 1
	}
	st.rows[1].o.Op = bot.OpCard
	st.mu.Unlock()
	p := &lanePlatform{posted: make(chan string, 8)}
	startRun(t, st, p, 0)
	next(t, p.posted, "the first post")
	next(t, p.posted, "the card")
	if n := st.lookups.Load(); n != 2 {
		t.Fatalf("%d look-ups, want 2 (the card's own)", n)
	}
}
