package alerts

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/stdwebhook"
)

// BenchmarkHandler drives the real endpoint (the mux's routing, the body read, the
// signature check, the rate limit, the parse and the answer) through net/http's ServeHTTP
// with signed generic alerts and an engine that answers at once, so what it measures is the
// HTTP side's own CPU per alert. "bench" is warroom-bench's alert; "full" carries every
// field of the generic format. It reports CPU µs per request (getrusage, so every goroutine
// the handler starts is charged) and, with -benchmem, allocations; it asserts no speed.
func BenchmarkHandler(b *testing.B) {
	for name, body := range map[string]string{
		"bench": `{"summary":"Bench alert 3","severity":"high","dedup_key":"bench-3"}`,
		"full": `{"summary":"Beacon to 203.0.113.9 from db1","details":"Cobalt Strike profile\nseen twice","severity":"high",` +
			`"dedup_key":"beacon-db1","status":"firing","observed_at":"2026-03-02T08:50:00Z","source_url":"https://siem.internal/a/77",` +
			`"labels":{"host":"db1","team":"security"}}`,
	} {
		b.Run(name, func(b *testing.B) { benchHandler(b, []byte(body)) })
	}
}

// answerAtOnce is an engine that has committed every alert the moment it is handed one.
type answerAtOnce struct{}

func (answerAtOnce) IngestAlert(context.Context, alert.Alert) (alert.Result, error) {
	return alert.Result{Incident: "INC-3"}, nil
}

func benchHandler(b *testing.B, body []byte) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	cfg, err := config.ParseConfig("bench.yaml", []byte("alerts:\n  sources:\n    siem: {format: generic, secret_env: S}\n"+
		"  routes:\n    - {match: {}, action: declare}\n  rate: {per_source: 100000/s, burst: 10000}\n"))
	if err != nil {
		b.Fatal(err)
	}
	clock := clockwork.NewFakeClockAt(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	h, err := New(Options{Config: cfg.Alerts, Getenv: func(string) string { return secret }, Ingest: answerAtOnce{}, Clock: clock})
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	key, _ := stdwebhook.ParseSecret(secret)
	// Requests are signed and built in chunks with the timer stopped, so the figure is the
	// handler's and not the making of its requests. The clock moves on by a chunk's worth of
	// the source's rate each time, so no request is refused for it.
	const chunk = 500
	reqs, recs := make([]*http.Request, chunk), make([]*httptest.ResponseRecorder, chunk)
	build := func(from int) {
		clock.Advance(chunk * 10 * time.Microsecond)
		now := clock.Now()
		for i := range reqs {
			r := httptest.NewRequest(http.MethodPost, "/hooks/alerts/siem", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			key.SetHeaders(r.Header, "msg_"+strconv.Itoa(from+i), now, body)
			reqs[i], recs[i] = r, httptest.NewRecorder()
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var cpu float64
	for done := 0; done < b.N; done += chunk {
		b.StopTimer()
		build(done)
		n := min(chunk, b.N-done)
		b.StartTimer()
		c0 := cpuNow()
		for i := range n {
			mux.ServeHTTP(recs[i], reqs[i])
		}
		cpu += cpuNow() - c0
		b.StopTimer()
		for i := range n {
			if recs[i].Code != http.StatusAccepted || recs[i].Body.String() != "{\"incident\":\"INC-3\",\"new\":false}\n" {
				b.Fatalf("answer %d %q", recs[i].Code, recs[i].Body.String())
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(cpu*1e6/float64(b.N), "cpu-µs/req")
}

func cpuNow() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
