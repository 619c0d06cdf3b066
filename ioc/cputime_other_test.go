//go:build !linux

package ioc

import "time"

var processStart = time.Now()

// threadCPU falls back to the wall clock where the thread CPU clock is not read.
func threadCPU() time.Duration { return time.Since(processStart) }
