package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// parallelSpeedup measures how much more plain CPU work two busy threads get done than one,
// on this machine now: runs of one and of two threads alternate A-B-B-A, each for d, and the
// figure is the two-thread runs' work over the one-thread runs'. Two whole cores read 2.0;
// two vCPUs that are siblings of one physical core (SMT), or a busy host, read less. The
// alerts' ratio needs this beside it: the alerts keep both processors busy (server, writer
// and senders), the floor is one thread, so the ratio can read at most speedup × (the floor's
// CPU per insert ÷ the alerts' CPU per alert).
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

// speedupOf is the work of the two-thread runs over the one-thread runs' (equal times);
// 0 when the one-thread runs did nothing.
func speedupOf(one, two int64) float64 {
	if one <= 0 {
		return 0
	}
	return float64(two) / float64(one)
}

// spin keeps threads goroutines computing for d and returns the rounds of work they did (at
// least one each: a goroutine started late still counts).
func spin(threads int, d time.Duration) int64 {
	var rounds atomic.Int64
	var wg sync.WaitGroup
	end := time.Now().Add(d)
	for range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var n, x uint64
			for {
				for j := range uint64(4096) {
					x = x*6364136223846793005 + j // an LCG step: work the compiler cannot drop
				}
				n++
				if !time.Now().Before(end) {
					break
				}
			}
			rounds.Add(int64(n))
			sink.Add(x)
		}()
	}
	wg.Wait()
	return rounds.Load()
}

// sink keeps spin's results alive.
var sink atomic.Uint64
