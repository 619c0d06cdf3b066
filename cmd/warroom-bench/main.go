// Command warroom-bench measures warroom on this machine and prints the figures issues 8
// and 18 ask for, as "name value unit" lines followed by a table against the targets:
//
//   - side by side with a Slack Bolt-JS app that only acknowledges (bench/peer), on the same
//     fake Slack in the same run, alternating A-B-B-A (versus.go): ack p50/p99 of signed
//     /incident note commands at 1,000/s and acks per second at saturation, from an
//     open-loop generator (openloop.go), each with the peer's figure and the ratio;
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
	"time"
)

type figure struct {
	name   string
	value  float64
	unit   string
	target string // e.g. "< 50"; "" when informational
	ok     *bool
	// peer is the Bolt-JS peer's figure of the same run, when hasPeer.
	peer    float64
	hasPeer bool
}

func main() {
	if len(os.Args) > 2 && os.Args[1] == peakRSSArg {
		peakRSSMain(os.Args[2:])
	}
	bin := flag.String("bin", "bin/warroom", "the warroom binary to measure")
	notes := flag.Int("notes", 6400, "note commands in the flat-out run")
	decls := flag.Int("declarations", 256, "declarations")
	pins := flag.Int("pins", 5000, "📌 events for the ingest measurements (each side of -only pins, and -only ingest)")
	alertN := flag.Int("alerts", 5000, "alerts for the alerts-in measurement")
	peerDir := flag.String("peer", "bench/peer", "the Bolt-JS peer's directory (its node_modules installed by npm ci)")
	pacedRate := flag.Int("paced-rate", 1000, "commands/s of the side-by-side tail-latency measurement")
	offered := flag.Int("offered", 20000, "commands/s offered in the side-by-side saturation measurement")
	only := flag.String("only", "versus,slack,pins,ingest,close,alerts,report,idle,web,postgres", "which measurements to run (comma-separated)")
	pgReplicas := flag.Int("pg-replicas", 3, "postgres: the replicas of the larger PostgreSQL deployment, whose leader is killed")
	kills := flag.Int("kills", 10, "postgres: failovers measured")
	cpuProfile := flag.String("cpu-profile", "", "write a CPU profile (go tool pprof) of the bench process to FILE: the in-process measurements (alerts, ingest, close) run their server there")
	costN := flag.Int("cost-rounds", costPhases, "cost: the rounds of the fresh-loaded comparison (a round is a run of each side, A-B-B-A)")
	flag.Parse()
	if *cpuProfile != "" {
		defer startCPUProfile(*cpuProfile)()
	}
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
			if x.hasPeer {
				fmt.Printf("%s %s %s (peer %s, ratio %s)\n", x.name, num(x.value), x.unit, num(x.peer), ratio(x))
				continue
			}
			fmt.Printf("%s %s %s\n", x.name, num(x.value), x.unit)
		}
		figs = append(figs, f...)
	}
	want := func(name string) bool { return strings.Contains(","+*only+",", ","+name+",") }
	if want("versus") {
		pd, err := filepath.Abs(*peerDir)
		if err != nil {
			fatal(err)
		}
		add(benchVersus(abs, dir, versusConfig{pacedRate: *pacedRate, pacedDur: 5 * time.Second, offered: *offered, satDur: 3 * time.Second,
			peerDir: pd, minPause: time.Second, quietFor: 500 * time.Millisecond, maxPause: 60 * time.Second, satTarget: 2, tailTarget: 1.5})...)
	}
	if want("slack") {
		add(benchSlack(abs, dir, *notes, *decls)...)
	}
	if want("pins") {
		add(benchPins(abs, dir, *pins)...)
	}
	if want("cost") {
		add(benchCost(abs, dir, *costN)...)
	}
	if want("ingest") {
		add(benchIngest(dir, *pins)...)
	}
	if want("close") {
		add(benchClose(dir, 100000)...)
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
	if want("postgres") {
		add(benchPostgres(abs, dir, pgBenchConfig{pacedRate: *pacedRate, pacedDur: 5 * time.Second, offered: *offered, satDur: 3 * time.Second,
			kills: *kills, replicas: *pgReplicas})...)
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
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average (1, 5, 15 min) at the end: %s\n", strings.Join(strings.Fields(string(load))[:3], ", "))
	}
	var side, rest []figure
	for _, f := range figs {
		if f.hasPeer {
			side = append(side, f)
		} else {
			rest = append(rest, f)
		}
	}
	if len(side) > 0 {
		fmt.Printf("\nside by side with the Bolt-JS peer (acks only), same run, A-B-B-A:\n")
		fmt.Printf("%-30s %10s %10s %8s %-6s %-18s %s\n", "figure", "warroom", "peer", "ratio", "unit", "target", "")
		fmt.Println(strings.Repeat("-", 96))
		for _, f := range side {
			fmt.Printf("%-30s %10s %10s %8s %-6s %-18s %s\n", f.name, num(f.value), num(f.peer), ratio(f), f.unit, f.target, mark(f))
		}
		fmt.Println()
	}
	fmt.Printf("%-34s %12s %-6s %-10s %s\n", "figure", "value", "unit", "target", "")
	fmt.Println(strings.Repeat("-", 72))
	for _, f := range rest {
		fmt.Printf("%-34s %12s %-6s %-10s %s\n", f.name, num(f.value), f.unit, f.target, mark(f))
	}
}

func mark(f figure) string {
	if f.value < 0 {
		return "FAILED: not measured"
	}
	if f.ok == nil {
		return ""
	}
	if !*f.ok {
		return "MISSED"
	}
	return "ok"
}

// ratio is warroom's figure over the peer's ("-" when the peer's is zero).
func ratio(f figure) string {
	if f.peer == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", f.value/f.peer)
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
