package alerts

import (
	"sync"
	"time"
)

// bucket is a token bucket: one token every interval, at most burst saved up. It is in
// memory: after a restart a source may send one burst early, which is harmless.
type bucket struct {
	mu       sync.Mutex
	interval time.Duration
	burst    float64
	tokens   float64
	at       time.Time
}

func newBucket(interval time.Duration, burst int, now time.Time) *bucket {
	return &bucket{interval: interval, burst: float64(burst), tokens: float64(burst), at: now}
}

// take spends a token; when there is none it returns how long until there is one.
func (b *bucket) take(now time.Time) (ok bool, wait time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.After(b.at) {
		b.tokens += float64(now.Sub(b.at)) / float64(b.interval)
		if b.tokens > b.burst {
			b.tokens = b.burst
		}
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(b.interval))
}
