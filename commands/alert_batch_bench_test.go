package commands

import (
	"context"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/storage"
)

// BenchmarkAlertBatch records batches of 16 and of 64 alerts over 10 dedup keys (the shape of
// warroom-bench's alerts storm) through the writer's own path, recordAlerts, on SQLite. It
// reports the writer's CPU per alert (the serial part of taking an alert) and, with
// -benchmem, the allocations per batch. It asserts no speed: figures are for A/B runs.
func BenchmarkAlertBatch(b *testing.B) {
	for _, size := range []int{16, 64} {
		b.Run(strconv.Itoa(size), func(b *testing.B) { benchAlertBatch(b, size) })
	}
}

func benchAlertBatch(b *testing.B, size int) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "w.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	cfg, err := config.ParseConfig("bench.yaml", []byte("alerts:\n  sources:\n    siem: {format: generic, secret_env: S}\n  routes:\n    - {match: {}, action: declare}\n"))
	if err != nil {
		b.Fatal(err)
	}
	e := New(Deps{Store: StoreOf[*storage.Tx](db), Config: cfg})
	n := 0
	batch := func() []*alertJob {
		jobs := make([]*alertJob, size)
		for i := range jobs {
			a := alert.Alert{Source: "siem", Key: "bench-" + strconv.Itoa(n%10), Summary: "Bench alert " + strconv.Itoa(n%10),
				Severity: 3, Status: alert.StatusFiring, DeliveryID: "d-" + strconv.Itoa(n)}
			jobs[i] = &alertJob{a: a, r: e.routeAlert(a), start: time.Now(), done: make(chan struct{})}
			n++
		}
		return jobs
	}
	e.recordAlerts(batch(), false)() // the 10 incidents, declared
	b.ReportAllocs()
	b.ResetTimer()
	var cpu float64
	for range b.N {
		jobs := batch()
		c0 := cpuNow()
		e.recordAlerts(jobs, false)()
		cpu += cpuNow() - c0
		for _, j := range jobs {
			if j.err != nil || j.res.Incident == "" {
				b.Fatalf("alert answered %+v, %v", j.res, j.err)
			}
		}
	}
	b.ReportMetric(cpu*1e6/float64(b.N*size), "cpu-µs/alert")
}

func cpuNow() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
