package web

import (
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Sign-in attempts per client address: a burst of signInBurst, then one per signInEvery.
// A link is 256 random bits, so this is not what keeps guessing out; it keeps one client
// from loading the database with attempts.
const (
	signInBurst = 10
	signInEvery = 6 * time.Second
	// limiterMax bounds the addresses remembered; beyond it the full buckets are forgotten.
	limiterMax = 10000
)

// limiter is a token bucket per key.
type limiter struct {
	mu      sync.Mutex
	clock   clockwork.Clock
	burst   float64
	every   time.Duration
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(clock clockwork.Clock, burst int, every time.Duration) *limiter {
	return &limiter{clock: clock, burst: float64(burst), every: every, buckets: map[string]*bucket{}}
}

// allow takes one token from key's bucket; when there is none it says how long to wait.
func (l *limiter) allow(key string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= limiterMax {
			l.forgetFull(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.every))
	b.at = now
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) * float64(l.every)), false
	}
	b.tokens--
	return 0, true
}

// forgetFull drops the buckets that have refilled: they hold nothing a new one would not.
func (l *limiter) forgetFull(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.at))/float64(l.every) >= l.burst {
			delete(l.buckets, k)
		}
	}
}
