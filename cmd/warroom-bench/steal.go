package main

import (
	"os"
	"strconv"
	"strings"
)

// The alerts' figures move with the host as much as with warroom: on a virtual machine the
// hypervisor gives the guest's processors to other guests now and then (steal time), and
// the alerts, busy on both processors, lose more to that than the floor, busy on one. So
// the bench says how much of the machine was stolen during each side's phases: a run with
// a high share is read with that in mind.

// cpuTicks is the machine's processor time so far, from /proc/stat, in clock ticks: all of
// it (every state, stolen included) and the part stolen.
type cpuTicks struct{ all, steal int64 }

// machineTicks reads cpuTicks; zero where /proc/stat is missing (not Linux).
func machineTicks() cpuTicks {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTicks{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return parseCPULine(line)
}

// parseCPULine reads the "cpu" line of /proc/stat: user nice system idle iowait irq softirq
// steal guest guest_nice. Guest time is counted in user already, so it is not added again.
func parseCPULine(line string) cpuTicks {
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return cpuTicks{}
	}
	var t cpuTicks
	for i, s := range f[1:9] {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return cpuTicks{}
		}
		t.all += v
		if i == 7 {
			t.steal = v
		}
	}
	return t
}

// sub is the ticks between two readings.
func (t cpuTicks) sub(u cpuTicks) cpuTicks { return cpuTicks{t.all - u.all, t.steal - u.steal} }

// add sums readings' differences.
func (t cpuTicks) add(u cpuTicks) cpuTicks { return cpuTicks{t.all + u.all, t.steal + u.steal} }

// share is the part of the machine's time stolen, 0 to 1 (0 with nothing measured).
func (t cpuTicks) share() float64 {
	if t.all <= 0 {
		return 0
	}
	return float64(t.steal) / float64(t.all)
}
