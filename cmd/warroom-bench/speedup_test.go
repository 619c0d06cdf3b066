package main

import "testing"

func TestSpeedupOf(t *testing.T) {
	for _, c := range []struct {
		one, two int64
		want     float64
	}{{100, 200, 2}, {100, 145, 1.45}, {100, 100, 1}, {0, 50, 0}} {
		if got := speedupOf(c.one, c.two); got != c.want {
			t.Errorf("speedupOf(%d, %d) = %v, want %v", c.one, c.two, got, c.want)
		}
	}
}
