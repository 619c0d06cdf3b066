package main

import (
	"os"
	"runtime/pprof"
)

// startCPUProfile profiles the bench process into path until the returned stop runs. The
// alerts, ingest and close measurements run warroom's engine and store in this process, so
// this is where their time is found (a real binary's own is warroom --cpu-profile).
func startCPUProfile(path string) (stop func()) {
	f, err := os.Create(path)
	if err != nil {
		fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
