//go:build race

package ioc

// raceEnabled: the race detector slows everything ten-fold or more, so the timing test
// uses smaller inputs under it.
const raceEnabled = true
