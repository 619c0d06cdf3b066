//go:build race

package ioc

// raceEnabled: the race detector distorts timings, so the timing test measures in a
// build without it.
const raceEnabled = true
