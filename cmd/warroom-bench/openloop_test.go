package main

import (
	"sync"
	"testing"
	"time"
)

// The open loop counts a server's stall against every request that fell due during it,
// not only the one in flight: a server that handles one request at a time and stalls for
// 100 ms on the first leaves the requests due in those 100 ms waiting, and their latency
// (from their due time) shows it. A closed loop would report one slow request.
func TestOpenLoopCountsTheQueueBehindAStall(t *testing.T) {
	var server sync.Mutex
	const stall = 100 * time.Millisecond
	res := openLoop(500, 400*time.Millisecond, false, 5*time.Second, func(i int) bool {
		server.Lock()
		defer server.Unlock()
		if i == 0 {
			time.Sleep(stall)
		}
		return true
	})
	if res.failed != 0 || len(res.lat) != 200 || res.acked != 200 {
		t.Fatalf("%d answered, %d acked, %d failed; want all 200", len(res.lat), res.acked, res.failed)
	}
	waited := 0
	for _, l := range res.lat {
		if l >= stall/4 {
			waited++
		}
	}
	// 500/s for the 100 ms stall is 50 requests due during it; those in its first three
	// quarters wait at least a quarter of it.
	if waited < 30 {
		t.Fatalf("only %d requests show the stall; the generator hid the queue behind it", waited)
	}
}

// A saturation run counts only answers inside its window and drops what is still queued
// when it closes, so the rate is what the server did in the window.
func TestOpenLoopCutCountsTheWindowOnly(t *testing.T) {
	var server sync.Mutex
	res := openLoop(1000, 200*time.Millisecond, true, 0, func(i int) bool {
		server.Lock()
		defer server.Unlock()
		time.Sleep(10 * time.Millisecond) // at most ~20 in the window, one at a time
		return true
	})
	if res.acked == 0 || res.acked > 25 {
		t.Fatalf("%d acked in a 200 ms window at 10 ms each, one at a time", res.acked)
	}
	if res.sent >= 200 {
		t.Fatalf("%d of 200 sent: the queue was not dropped at the window's end", res.sent)
	}
	if r := res.rate(); r != float64(res.acked)/0.2 {
		t.Fatalf("rate %.0f for %d in 0.2 s", r, res.acked)
	}
}
