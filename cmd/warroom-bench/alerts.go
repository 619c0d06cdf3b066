package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
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
// 200/s; and measures the bare durable-insert floor in the same run.
func benchAlerts(dir string, n int) []figure {
	ctx := context.Background()
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
	flat := prepare("flat", n)
	cpu0 := cpuSeconds()
	lat, rate, failed := closedLoop(n, send(flat))
	cpuAlert := (cpuSeconds() - cpu0) / float64(n)
	if failed > 0 {
		fatal(fmt.Errorf("%d of %d alerts not accepted", failed, n))
	}
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
	cpu0 = cpuSeconds()
	floor := bareInsertRate(filepath.Join(dir, "alerts-bare.db"), n)
	cpuFloor := (cpuSeconds() - cpu0) / float64(n)
	ratio := rate / floor
	p99, pp99 := ms(pct(lat, 99)), ms(pct(plat, 99))
	return []figure{
		{name: "alerts_per_second_64_senders", value: rate, unit: "al/s"},
		{name: "alerts_p99_64_senders", value: p99, unit: "ms"},
		{name: "alerts_bare_insert_floor", value: floor, unit: "tx/s"},
		// CPU of the whole process (server and senders) per alert, and per floor insert.
		{name: "alerts_cpu_per_alert", value: cpuAlert * 1e6, unit: "µs"},
		{name: "alerts_cpu_per_floor_insert", value: cpuFloor * 1e6, unit: "µs"},
		{name: "alerts_ratio_to_floor", value: ratio, unit: "x", target: ">= 0.5", ok: check(ratio, false, 0.5)},
		{name: "alerts_p99_at_200_per_second", value: pp99, unit: "ms", target: "<= 20", ok: check(pp99, true, 20.000001)},
	}
}
