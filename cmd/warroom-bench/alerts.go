package main

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/warroom/warroom/alerts"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/stdwebhook"
	"github.com/warroom/warroom/storage"
)

const benchAlertsConfig = `alerts:
  sources:
    siem: {format: generic, secret_env: BENCH_SECRET}
  routes:
    - {match: {}, action: declare}
  rate: {per_source: 100000/s, burst: 10000}
`

// benchAlerts sends signed generic alerts over real HTTP to the real endpoint, engine and
// SQLite database (each answered 202 only after its commit) from 64 senders at once, over
// 10 dedup keys (so most alerts append to an incident's hash chain), then at a paced
// 200/s; and measures the bare durable-insert floor in the same run, alternating with the
// 64 senders' phases.
func benchAlerts(dir string, n int) []figure {
	ctx := context.Background()
	speedup := parallelSpeedup(100 * time.Millisecond) // and again after the phases
	db, err := storage.Open(ctx, filepath.Join(dir, "alerts.db"))
	if err != nil {
		fatal(err)
	}
	defer db.Close()
	cfg, err := config.ParseConfig("bench.yaml", []byte(benchAlertsConfig))
	if err != nil {
		fatal(err)
	}
	engine := commands.New(commands.Deps{Store: commands.StoreOf[*storage.Tx](db), Config: cfg})
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	h, err := alerts.New(alerts.Options{Config: cfg.Alerts, Getenv: func(string) string { return secret }, Ingest: engine})
	if err != nil {
		fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	// Every request is signed and serialised before its run starts, and sent by the lean
	// generator (rawhttp.go): what the run measures is the server taking alerts, not the
	// senders making them.
	key, _ := stdwebhook.ParseSecret(secret)
	host := srv.Listener.Addr().String()
	prepare := func(run string, count int) [][]byte {
		reqs := make([][]byte, count)
		now := time.Now()
		for i := range reqs {
			body := []byte(`{"summary":"Bench alert ` + strconv.Itoa(i%10) + `","severity":"high","dedup_key":"bench-` + strconv.Itoa(i%10) + `"}`)
			hdr := http.Header{}
			key.SetHeaders(hdr, run+"-"+strconv.Itoa(i), now, body)
			reqs[i] = rawRequest(host, "/hooks/alerts/siem", hdr, body)
		}
		return reqs
	}
	sender, err := newRawSender(host, clients)
	if err != nil {
		fatal(err)
	}
	defer sender.close()
	send := func(reqs [][]byte) func(i int) (time.Duration, bool) {
		return func(i int) (time.Duration, bool) {
			status, took, err := sender.do(reqs[i])
			return took, err == nil && status == http.StatusAccepted
		}
	}
	// The alerts and the floor alternate A-B-B-A (turnA), n/alertPhases of each a phase, on
	// the same machine in the same run, so a change of load between them moves both sides.
	per := max(n/alertPhases, 1)
	n = per * alertPhases
	flat := prepare("flat", n)
	floor := openFloor(filepath.Join(dir, "alerts-bare.db"))
	defer floor.close()
	var lat []time.Duration
	var took [2][]time.Duration // the alerts' phases, the floor's
	var cpu [2]float64
	var stolen [2]cpuTicks // the machine's time, and the part stolen, in each side's phases
	sent := 0
	for i := range 2 * alertPhases {
		cpu0, ticks0, start := cpuSeconds(), machineTicks(), time.Now()
		if !turnA(i) {
			took[1] = append(took[1], floor.run(per))
			cpu[1] += cpuSeconds() - cpu0
			stolen[1] = stolen[1].add(machineTicks().sub(ticks0))
			continue
		}
		l, _, failed := closedLoop(per, send(flat[sent:sent+per]))
		took[0] = append(took[0], time.Since(start))
		cpu[0] += cpuSeconds() - cpu0
		stolen[0] = stolen[0].add(machineTicks().sub(ticks0))
		if failed > 0 {
			fatal(fmt.Errorf("%d of %d alerts not accepted", failed, per))
		}
		lat, sent = append(lat, l...), sent+per
	}
	rounds := roundRatios(took[0], took[1])
	for r, x := range rounds {
		fmt.Printf("# alerts round %d: %.0f al/s, floor %.0f tx/s, %.2fx\n", r+1, float64(per)/took[0][r].Seconds(), float64(per)/took[1][r].Seconds(), x)
	}
	rate, floorRate := float64(n)/sum(took[0]).Seconds(), float64(n)/sum(took[1]).Seconds()
	ratio := rate / floorRate
	cpuAlert, cpuFloor := cpu[0]/float64(n), cpu[1]/float64(n)
	busyAlert, busyFloor := cpu[0]/sum(took[0]).Seconds(), cpu[1]/sum(took[1]).Seconds()
	speedup = (speedup + parallelSpeedup(100*time.Millisecond)) / 2
	plat, _, pfailed := paced(200, 5*time.Second, send(prepare("paced", 200*5)))
	if pfailed > 0 {
		fatal(fmt.Errorf("%d paced alerts not accepted", pfailed))
	}
	incs := 0
	if err := db.View(ctx, func(tx *storage.Tx) error {
		all, err := tx.Incidents(true)
		incs = len(all)
		return err
	}); err != nil || incs != 10 {
		fatal(fmt.Errorf("the alerts made %d incidents, want 10 (%v)", incs, err))
	}
	p99, pp99 := ms(pct(lat, 99)), ms(pct(plat, 99))
	return []figure{
		{name: "alerts_per_second_64_senders", value: rate, unit: "al/s"},
		{name: "alerts_p99_64_senders", value: p99, unit: "ms"},
		{name: "alerts_bare_insert_floor", value: floorRate, unit: "tx/s"},
		// CPU of the whole process (server and senders) per alert, and per floor insert.
		{name: "alerts_cpu_per_alert", value: cpuAlert * 1e6, unit: "µs"},
		{name: "alerts_cpu_per_floor_insert", value: cpuFloor * 1e6, unit: "µs"},
		// Processors each side kept busy (CPU seconds per second of its phases). The ratio is
		// exactly busy_alerts ÷ busy_floor × cpu_per_floor_insert ÷ cpu_per_alert: the floor is
		// one thread (~1), the alerts could use GOMAXPROCS.
		{name: "alerts_busy_processors", value: busyAlert, unit: "cpus"},
		{name: "alerts_floor_busy_processors", value: busyFloor, unit: "cpus"},
		// Two busy goroutines' plain work over one's, before and after the phases (speedup.go):
		// under 2 the two vCPUs slow each other (SMT siblings, a busy host), and each µs of
		// CPU the alerts count does less work than a µs of the floor's, which runs alone.
		{name: "alerts_machine_two_thread_speedup", value: speedup, unit: "x"},
		// The share of the machine's processor time the hypervisor gave to other guests
		// during each side's phases (steal.go); /proc/stat counts in 10 ms ticks, so a
		// short run reads coarsely.
		{name: "alerts_machine_steal_share", value: stolen[0].share(), unit: "of cpu"},
		{name: "alerts_floor_machine_steal_share", value: stolen[1].share(), unit: "of cpu"},
		// Both sides' rates over all their phases; the median of the rounds' ratios beside it.
		{name: "alerts_ratio_to_floor", value: ratio, unit: "x", target: ">= 0.5", ok: check(ratio, false, 0.5)},
		{name: "alerts_ratio_to_floor_median_round", value: median(rounds), unit: "x"},
		{name: "alerts_p99_at_200_per_second", value: pp99, unit: "ms", target: "<= 20", ok: check(pp99, true, 20.000001)},
	}
}

// alertPhases is how many phases each side of the alerts-to-floor comparison runs.
const alertPhases = 4

// roundRatios pairs each side's phases in order — with A-B-B-A the r-th of each are next
// to each other — and gives each round's ratio of A's rate to B's, the phases being of
// equal size: B's time over A's.
func roundRatios(a, b []time.Duration) []float64 {
	out := make([]float64, min(len(a), len(b)))
	for r := range out {
		out[r] = b[r].Seconds() / a[r].Seconds()
	}
	return out
}

func sum(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
