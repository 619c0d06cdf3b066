package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// An open-loop load generator. Request i is due at start + i/rate whatever happened to the
// requests before it: when the server falls behind, requests queue in the generator and
// their wait counts, because every latency is measured from the time the request was due,
// not from when a client got round to sending it. A closed loop (send, wait, send) slows
// down with the server and hides exactly the stalls a tail figure is about ("coordinated
// omission").

// loadResult is what one open-loop run measured.
type loadResult struct {
	lat    []time.Duration // of the requests answered within the run, from their due time
	acked  int             // requests answered successfully before the window closed
	failed int             // requests answered with an error or a wrong answer
	sent   int             // requests taken up by a client
	window time.Duration
}

// rate is the successful answers per second within the window.
func (r loadResult) rate() float64 { return float64(r.acked) / r.window.Seconds() }

// openLoop offers rate requests per second for dur from `clients` concurrent clients.
// With cut set (a saturation run) the run ends with the window: requests still queued are
// dropped and answers after the window are not counted. Without it (a paced run) every
// request is waited for, up to drain past the window; any left then count as failed.
func openLoop(rate int, dur time.Duration, cut bool, drain time.Duration, do func(i int) bool) loadResult {
	n := int(float64(rate) * dur.Seconds())
	interval := float64(time.Second) / float64(rate)
	due := func(start time.Time, i int) time.Time { return start.Add(time.Duration(float64(i) * interval)) }
	jobs := make(chan int, n)
	lat := make([]time.Duration, n)
	answered := make([]bool, n)
	var failed, acked, sent atomic.Int64
	var stop atomic.Bool
	start := time.Now().Add(5 * time.Millisecond)
	end := start.Add(dur)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if stop.Load() {
					continue
				}
				sent.Add(1)
				ok := do(i)
				done := time.Now()
				if cut && done.After(end) {
					continue
				}
				lat[i], answered[i] = done.Sub(due(start, i)), true
				if !ok {
					failed.Add(1)
					continue
				}
				acked.Add(1)
			}
		}()
	}
	// The dispatcher sleeps until the next request is due and then hands out every request
	// due by then: a sleep oversleeping by a fraction of a millisecond releases a small
	// burst, and the lateness still counts in each request's latency.
	for i := 0; i < n; {
		if wait := time.Until(due(start, i)); wait > 0 {
			time.Sleep(wait)
		}
		now := time.Now()
		for ; i < n && !due(start, i).After(now); i++ {
			jobs <- i
		}
	}
	close(jobs)
	if cut {
		time.Sleep(time.Until(end))
		stop.Store(true)
	} else {
		go func() { time.Sleep(time.Until(end.Add(drain))); stop.Store(true) }()
	}
	wg.Wait()
	res := loadResult{acked: int(acked.Load()), failed: int(failed.Load()), sent: int(sent.Load()), window: dur}
	for i := range lat {
		if answered[i] {
			res.lat = append(res.lat, lat[i])
		}
	}
	if !cut {
		res.failed += n - len(res.lat) // never answered within the drain
	}
	return res
}
