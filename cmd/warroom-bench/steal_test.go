package main

import "testing"

func TestParseCPULine(t *testing.T) {
	for _, c := range []struct {
		line string
		want cpuTicks
	}{
		{"cpu  3794226 4443 1295729 11870785 69056 0 76557 127362 0 0", cpuTicks{all: 3794226 + 4443 + 1295729 + 11870785 + 69056 + 76557 + 127362, steal: 127362}},
		{"cpu 10 0 10 70 0 0 0 10", cpuTicks{all: 100, steal: 10}},
		{"cpu0 10 0 10 70 0 0 0 10", cpuTicks{}},
		{"cpu 10 0 10 70", cpuTicks{}},
		{"cpu 10 0 x 70 0 0 0 10", cpuTicks{}},
		{"", cpuTicks{}},
	} {
		if got := parseCPULine(c.line); got != c.want {
			t.Errorf("parseCPULine(%q) = %+v, want %+v", c.line, got, c.want)
		}
	}
	a := cpuTicks{all: 300, steal: 40}.sub(cpuTicks{all: 100, steal: 10})
	if a != (cpuTicks{200, 30}) || a.share() != 0.15 || (cpuTicks{}).share() != 0 {
		t.Errorf("sub/share: %+v %v", a, a.share())
	}
}
