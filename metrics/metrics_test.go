package metrics

import (
	"strings"
	"testing"
)

func TestExposition(t *testing.T) {
	r := New()
	c := r.Counter("warroom_commands_total", "Commands run.", "verb", "outcome")
	c.Inc("note", "ok")
	c.Inc("note", "ok")
	c.Inc("phase", "refused")
	r.Gauge("warroom_open_incidents", "Open incidents.", func() float64 { return 3 })
	h := r.Histogram("warroom_command_seconds", "Command latency.", 0.01, 0.1, 1)
	h.Observe(0.005)
	h.Observe(0.5)
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"# TYPE warroom_commands_total counter",
		`warroom_commands_total{verb="note",outcome="ok"} 2`,
		`warroom_commands_total{verb="phase",outcome="refused"} 1`,
		"warroom_open_incidents 3",
		`warroom_command_seconds_bucket{le="0.01"} 1`,
		`warroom_command_seconds_bucket{le="1"} 2`,
		`warroom_command_seconds_bucket{le="+Inf"} 2`,
		"warroom_command_seconds_count 2",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if c.Value("note", "ok") != 2 {
		t.Error("Value")
	}
}

func TestLabelEscaping(t *testing.T) {
	r := New()
	r.Counter("x", "x", "l").Inc("a\"b\\c\nd")
	var b strings.Builder
	r.WriteText(&b)
	if !strings.Contains(b.String(), `x{l="a\"b\\c\nd"} 1`) {
		t.Fatal(b.String())
	}
}
