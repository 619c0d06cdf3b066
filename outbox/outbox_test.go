package outbox

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/warroom/warroom/bot"
)

// recordFailingStore holds one pending post whose delivery cannot be recorded for the
// first `refuse` attempts (a full disk).
type recordFailingStore struct {
	mu       sync.Mutex
	done     bool
	refuse   int
	attempts int
}

func (s *recordFailingStore) DueOutbound(context.Context, time.Time, int, bool) ([]bot.Outbound, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return nil, nil
	}
	return []bot.Outbound{{ID: 1, Lane: "C1", Platform: "fake", Op: bot.OpPost, Target: "C1", Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("hello")}}}}, nil
}

func (s *recordFailingStore) CompleteOutbound(context.Context, bot.Outbound, bot.Delivered, time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	if s.attempts <= s.refuse {
		return errors.New("database or disk is full")
	}
	s.done = true
	return nil
}

func (s *recordFailingStore) ReleaseOutbound(context.Context, int64, time.Time, time.Time) error {
	return nil
}
func (s *recordFailingStore) RetryOutbound(context.Context, int64, time.Time, time.Time, string) error {
	return errors.New("database or disk is full")
}
func (s *recordFailingStore) FailOutbound(context.Context, int64, time.Time, string, time.Time) error {
	return errors.New("database or disk is full")
}
func (s *recordFailingStore) Enqueue(context.Context, bot.Outbound, time.Time) error { return nil }
func (s *recordFailingStore) IncidentChannel(context.Context, int64) (string, string, error) {
	return "", "", nil
}

// countingPlatform counts posts; everything else is unused here.
type countingPlatform struct {
	mu    sync.Mutex
	posts int
}

func (p *countingPlatform) Name() string { return "fake" }
func (p *countingPlatform) Post(context.Context, string, bot.Message) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.posts++
	return "m1", nil
}
func (p *countingPlatform) CreateChannel(context.Context, string, bool, string) (bot.Channel, error) {
	return bot.Channel{}, nil
}
func (p *countingPlatform) Invite(context.Context, string, []string) error               { return nil }
func (p *countingPlatform) Remove(context.Context, string, string) error                 { return nil }
func (p *countingPlatform) Update(context.Context, string, string, bot.Message) error    { return nil }
func (p *countingPlatform) Ephemeral(context.Context, string, string, bot.Message) error { return nil }
func (p *countingPlatform) DM(context.Context, string, bot.Message) (string, error)      { return "", nil }
func (p *countingPlatform) SetTopic(context.Context, string, string) error               { return nil }
func (p *countingPlatform) Pin(context.Context, string, string) error                    { return nil }
func (p *countingPlatform) Upload(context.Context, string, bot.File) error               { return nil }

// TestDeliveredButNotRecordedIsNotSentAgain: when the platform took a message but the
// database will not record it (disk full), the deliverer retries the record, not the post.
// make faults found the old behaviour: the row stayed pending and the same note was posted
// about 2,000 times in the 2 s the disk was full.
func TestDeliveredButNotRecordedIsNotSentAgain(t *testing.T) {
	store := &recordFailingStore{refuse: 5}
	p := &countingPlatform{}
	clock := clockwork.NewFakeClock()
	d := NewDeliverer(store, clock, slog.New(slog.DiscardHandler), p)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	flushed := make(chan error, 1)
	go func() { flushed <- d.Flush(ctx) }()
	for range store.refuse {
		// Each refused record waits on the clock before trying again.
		if err := clock.BlockUntilContext(ctx, 1); err != nil {
			t.Fatalf("the deliverer never waited to retry the record: %v", err)
		}
		clock.Advance(5 * time.Second)
	}
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if p.posts != 1 || store.attempts != store.refuse+1 || !store.done {
		t.Fatalf("posted %d times, %d record attempts, done %v; want 1 post and %d attempts", p.posts, store.attempts, store.done, store.refuse+1)
	}
}
