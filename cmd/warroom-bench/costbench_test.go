package main

import (
	"math"
	"testing"
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
