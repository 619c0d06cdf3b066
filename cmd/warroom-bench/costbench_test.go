package main

import (
	"math"
	"testing"
	"time"
)

// The cost comparison's r-th round is the r-th run of each side, which A-B-B-A puts next to
// each other; its ratios are loaded over fresh (a p99 or CPU above 1 and acks/s below 1 is
// the loaded bot doing worse).
func TestCostRoundsPairEachSidesRunsInOrder(t *testing.T) {
	fresh := []costResult{{p99: 2, rate: 1000, cpu: 0.5}, {p99: 4, rate: 2000, cpu: 1}}
	loaded := []costResult{{p99: 3, rate: 900, cpu: 0.5}, {p99: 2, rate: 3000, cpu: 2}, {p99: 9, rate: 9, cpu: 9}}
	got := costRounds(fresh, loaded)
	want := []costResult{{p99: 1.5, rate: 0.9, cpu: 1}, {p99: 0.5, rate: 1.5, cpu: 2}}
	if len(got) != len(want) {
		t.Fatalf("%d rounds, want %d (a run without its pair is no round)", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if math.Abs(g.p99-w.p99) > 1e-9 || math.Abs(g.rate-w.rate) > 1e-9 || math.Abs(g.cpu-w.cpu) > 1e-9 {
			t.Errorf("round %d: %+v, want %+v", i+1, g, w)
		}
	}
}

// A side's p99 is that of all its paced acks together: one run's stall sets that run's
// p99, not the side's. Here one of four runs of 100 acks has 10 acks of 50 ms: their p99s
// are 1, 1, 1 and 50 ms (the median of runs 1 ms), but 10 of 400 is 2.5 %, so the side's
// p99 is 50 ms; with 2 of them slow in each of two runs, 4 of 400 is 1 %, and it is 1 ms.
func TestCostP99IsOverAllOfASidesAcks(t *testing.T) {
	run := func(slow int) costResult {
		lat := make([]time.Duration, 100)
		for i := range lat {
			lat[i] = time.Millisecond
			if i < slow {
				lat[i] = 50 * time.Millisecond
			}
		}
		return costResult{lat: lat}
	}
	if got := pooledP99([]costResult{run(0), run(0), run(0), run(10)}); got != 50 {
		t.Errorf("p99 with one run's 10 slow acks of 400: %v ms, want 50", got)
	}
	if got := pooledP99([]costResult{run(2), run(0), run(2), run(0)}); got != 1 {
		t.Errorf("p99 with 4 slow acks of 400: %v ms, want 1", got)
	}
}
