package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// parallelSpeedup measures how much more plain CPU work two busy goroutines get done than
// one, on this machine now: runs of one and of two alternate A-B-B-A, each for d, and the
// figure is the two-goroutine runs' work over the one-goroutine runs'. Two whole cores read
// 2.0; two vCPUs that are siblings of one physical core (SMT), or a busy host, read less.
// The alerts' figures need it beside them: CPU time is counted in full however much a
// sibling slows it, so when the alerts keep both processors busy and the floor runs alone,
// a µs of the alerts' CPU does less work than a µs of the floor's.
func parallelSpeedup(d time.Duration) float64 {
	var one, two int64
	for i := range 4 {
		if turnA(i) {
			one += spin(1, d)
		} else {
			two += spin(2, d)
		}
	}
	return speedupOf(one, two)
}

// speedupOf is the work of the two-goroutine runs over the one-goroutine runs' (equal
// times); 0 when the one-goroutine runs did nothing.
func speedupOf(one, two int64) float64 {
	if one <= 0 {
		return 0
	}
	return float64(two) / float64(one)
}

// spin keeps n goroutines computing for d and returns the chunks of work (4,096 steps each)
// they did, at least one each: a goroutine started late still counts.
func spin(n int, d time.Duration) int64 {
	var chunks atomic.Int64
	var wg sync.WaitGroup
	end := time.Now().Add(d)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var done, x uint64
			for {
				for j := range uint64(4096) {
					x = x*6364136223846793005 + j // an LCG step: work the compiler cannot drop
				}
				done++
				if !time.Now().Before(end) {
					break
				}
			}
			chunks.Add(int64(done))
			sink.Add(x)
		}()
	}
	wg.Wait()
	return chunks.Load()
}

// sink keeps spin's results alive.
var sink atomic.Uint64
