package outbox

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/warroom/warroom/bot"
)

// slowPlatform takes a while to answer a post, as a real platform does.
type slowPlatform struct{ countingPlatform }

func (p *slowPlatform) Post(ctx context.Context, ch string, m bot.Message) (string, error) {
	time.Sleep(100 * time.Millisecond)
	return p.countingPlatform.Post(ctx, ch, m)
}

// Two rounds at once (the console's background loop and its flush after a line) must not
// both take the same lane head: it would be posted twice.
func TestConcurrentFlushesDeliverOnce(t *testing.T) {
	store := &recordFailingStore{}
	p := &slowPlatform{}
	d := NewDeliverer(store, clockwork.NewRealClock(), slog.New(slog.DiscardHandler), p)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); _ = d.Flush(context.Background()) }()
	}
	wg.Wait()
	if p.posts != 1 {
		t.Fatalf("posted %d times, want once", p.posts)
	}
}

// While the Gate is held (the console handling a line) the background loop delivers
// nothing; once it is released the pending message goes out without another kick.
func TestRunWaitsForTheGate(t *testing.T) {
	store := &recordFailingStore{}
	p := &countingPlatform{}
	d := NewDeliverer(store, clockwork.NewRealClock(), slog.New(slog.DiscardHandler), p)
	var gate sync.Mutex
	d.Gate = &gate
	gate.Lock()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Run(ctx, 10*time.Millisecond)
	time.Sleep(100 * time.Millisecond)
	p.mu.Lock()
	held := p.posts
	p.mu.Unlock()
	gate.Unlock()
	if held != 0 {
		t.Fatalf("delivered %d while the gate was held", held)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.mu.Lock()
		n := p.posts
		p.mu.Unlock()
		if n == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("posted %d times after the gate opened, want 1", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
