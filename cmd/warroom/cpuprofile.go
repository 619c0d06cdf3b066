package main

import (
	"os"
	"runtime/pprof"
)

// startCPUProfile writes a CPU profile of the process to path (created 0600: a profile
// names functions, not data, but it is nobody else's business) until stop is called.
// Served on no port: finding where the time of a loaded run goes (`--cpu-profile`, for
// `go tool pprof`) needs no endpoint to guard.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
