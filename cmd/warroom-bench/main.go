// Command warroom-bench measures warroom on this machine and prints the figures issue 8
// asks for, as "name value unit" lines followed by a table against the targets:
//
//   - the Slack HTTP path: signed /incident note commands from 64 concurrent clients against
//     a running warroom (the real binary) with the in-repo fake Slack — acks per second and
//     ack latency p50/p99, flat out and paced at 500 commands/s; the same for declarations,
//     with the time until each private channel exists in the fake;
//   - timeline ingest: 📌 events per second through the engine against the same insert done
//     as bare single-row SQLite transactions in the same run, as a ratio (and the 📌 rate
//     through the whole Slack HTTP path, for information);
//   - the report of an incident with 100,000 timeline entries (Markdown and HTML);
//   - idle memory (RSS) after start with 10,000 closed incidents, and start-up time to ready;
//   - the web view: the incident page of a 10,000-entry incident (server time p50/p99,
//     bytes), and 100 live streams receiving a note (command ack to the last stream's event).
//
// Usage: warroom-bench -bin bin/warroom   (make bench builds both and runs it)
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

type figure struct {
	name   string
	value  float64
	unit   string
	target string // e.g. "< 50"; "" when informational
	ok     *bool
}

func main() {
	bin := flag.String("bin", "bin/warroom", "the warroom binary to measure")
	notes := flag.Int("notes", 6400, "note commands in the flat-out run")
	decls := flag.Int("declarations", 256, "declarations")
	pins := flag.Int("pins", 5000, "📌 events for the ingest measurement")
	alertN := flag.Int("alerts", 5000, "alerts for the alerts-in measurement")
	only := flag.String("only", "slack,ingest,alerts,report,idle,web", "which measurements to run (comma-separated)")
	flag.Parse()
	abs, err := filepath.Abs(*bin)
	if err != nil {
		fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		fatal(fmt.Errorf("%s: %w (build it first: make build)", *bin, err))
	}
	dir, err := os.MkdirTemp("", "warroom-bench-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(dir)

	var figs []figure
	add := func(f ...figure) {
		for _, x := range f {
			fmt.Printf("%s %s %s\n", x.name, num(x.value), x.unit)
		}
		figs = append(figs, f...)
	}
	want := func(name string) bool { return strings.Contains(","+*only+",", ","+name+",") }
	if want("slack") {
		add(benchSlack(abs, dir, *notes, *decls)...)
	}
	if want("ingest") {
		add(benchIngest(dir, *pins)...)
	}
	if want("alerts") {
		add(benchAlerts(dir, *alertN)...)
	}
	if want("report") {
		add(benchReport(abs, dir)...)
	}
	if want("idle") {
		add(benchIdle(abs, dir)...)
	}
	if want("web") {
		add(benchWebPage(dir)...)
		add(benchWebFanout(abs, dir)...)
	}
	printTable(figs)
}

func num(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// check compares a figure with its target. Every figure is a time, a size, a rate or a
// count, so a negative value is a measurement that failed (rssKB's -1): that is a failure,
// never a figure under its limit.
func check(v float64, less bool, limit float64) *bool {
	if v < 0 || math.IsNaN(v) {
		f := false
		return &f
	}
	ok := v < limit
	if !less {
		ok = v >= limit
	}
	return &ok
}

func printTable(figs []figure) {
	host, _ := os.Hostname()
	fmt.Printf("\nmachine: %s, %d CPUs, %s/%s, %s\n", host, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, cpuModel())
	fmt.Printf("%-34s %12s %-6s %-10s %s\n", "figure", "value", "unit", "target", "")
	fmt.Println(strings.Repeat("-", 72))
	for _, f := range figs {
		mark := ""
		if f.ok != nil {
			mark = "ok"
			if !*f.ok {
				mark = "MISSED"
			}
		}
		if f.value < 0 {
			mark = "FAILED: not measured"
		}
		fmt.Printf("%-34s %12s %-6s %-10s %s\n", f.name, num(f.value), f.unit, f.target, mark)
	}
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			_, v, _ := strings.Cut(l, ":")
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "warroom-bench:", err)
	os.Exit(1)
}
