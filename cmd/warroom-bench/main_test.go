package main

import (
	"context"
	"math"
	"os"
	"runtime"
	"testing"
	"time"
)

// A failed measurement (rssKB's -1 when /proc cannot be read, a missing rusage) is a
// failure, never a figure under its limit.
func TestFailedMeasurementFails(t *testing.T) {
	for _, tc := range []struct {
		v     float64
		less  bool
		limit float64
		want  bool
	}{
		{-1, true, 50, false}, // the old check passed this as "< 50 MiB"
		{-1.0 / 1024, true, 50, false},
		{math.NaN(), true, 50, false},
		{-1, false, 490, false},
		{12, true, 50, true},
		{60, true, 50, false},
		{500, false, 490, true},
	} {
		if got := *check(tc.v, tc.less, tc.limit); got != tc.want {
			t.Errorf("check(%v, less=%v, %v) = %v, want %v", tc.v, tc.less, tc.limit, got, tc.want)
		}
	}
	if rss := rssKB(-42); rss >= 0 {
		t.Fatalf("rssKB of no process = %v, want the failure value", rss)
	}
}

// A paced run cut short reports the commands it sent: its rate divides them (not the
// planned count) by the time taken, and its latencies are theirs (no zero entries for
// commands never sent).
func TestPacedCutShortCountsWhatRan(t *testing.T) {
	old := pacedGrace
	pacedGrace = -150 * time.Millisecond // 200 ms planned, cut at 50 ms
	defer func() { pacedGrace = old }()
	start := time.Now()
	lat, rate, failed := paced(200, 200*time.Millisecond, func(int) (time.Duration, bool) { return 0, true })
	took := time.Since(start)
	planned := 40
	if len(lat) == 0 || len(lat) >= planned {
		t.Fatalf("%d latencies for a run cut short of its %d commands", len(lat), planned)
	}
	for i, l := range lat {
		if l <= 0 {
			t.Fatalf("latency %d is %v: a command that never ran counted", i, l)
		}
	}
	if want := float64(len(lat)) / took.Seconds(); rate > want*1.5 || rate < want/1.5 {
		t.Fatalf("rate %.0f/s for %d commands in %v (want about %.0f/s)", rate, len(lat), took, want)
	}
	if failed != 0 {
		t.Fatalf("%d failed", failed)
	}
}

func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == peakRSSArg {
		peakRSSMain(os.Args[2:]) // runTimed runs the test binary as its measuring copy
	}
	os.Exit(m.Run())
}

// A command's peak RSS is its own, not the peak of the (here deliberately large) process
// that runs it.
func TestPeakRSSIsTheCommandsOwn(t *testing.T) {
	big := make([]byte, 256<<20)
	for i := range big {
		big[i] = byte(i) // touched: resident
	}
	_, kib, err := runTimed(context.Background(), "/bin/sh", "-c", "true")
	runtime.KeepAlive(big)
	if err != nil {
		t.Fatal(err)
	}
	if kib <= 0 || kib > 64<<10 {
		t.Fatalf("peak RSS of sh -c true = %v KiB, want a few MB (this process holds 256 MB)", kib)
	}
	if _, _, err := runTimed(context.Background(), "/bin/sh", "-c", "exit 3"); err == nil {
		t.Fatal("a failing command measured without an error")
	}
}
