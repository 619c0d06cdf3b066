package main

import (
	"math"
	"testing"
	"time"
)

// A comparison (📌, alerts) alternates A-B-B-A: over its phases each side runs the same
// number of times, as often right after the other side as right after itself, and neither
// always goes first.
func TestPhasesAlternateABBA(t *testing.T) {
	var got []byte
	for i := range 2 * pinPhases {
		if turnA(i) {
			got = append(got, 'S')
		} else {
			got = append(got, 'E')
		}
	}
	if string(got) != "SEESSEES" {
		t.Fatalf("phases %s, want SEESSEES", got)
	}
}

// A round is the r-th phase of each side, which A-B-B-A puts next to each other; its ratio
// is A's rate over B's for phases of one size, so B's time over A's.
func TestRoundRatiosPairEachSidesPhasesInOrder(t *testing.T) {
	a := []time.Duration{100 * time.Millisecond, 400 * time.Millisecond, 200 * time.Millisecond}
	b := []time.Duration{50 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond}
	got := roundRatios(a, b)
	want := []float64{0.5, 0.5, 1.5}
	if len(got) != len(want) {
		t.Fatalf("%d rounds, want %d", len(got), len(want))
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Errorf("round %d: %v, want %v", i+1, got[i], want[i])
		}
	}
	if m := median(got); m != 0.5 {
		t.Errorf("median %v, want 0.5", m)
	}
	if m := median([]float64{0.4, 0.6, 0.3, 0.5}); math.Abs(m-0.45) > 1e-9 {
		t.Errorf("median of an even count %v, want 0.45", m)
	}
}
