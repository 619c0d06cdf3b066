package alerts_test

// The test fixture: the real endpoint on a real HTTP server, the real engine and a real
// SQLite database in a temporary directory, on a fake clock.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/alerts"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/stdwebhook"
	"github.com/warroom/warroom/storage"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const (
	siemSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	promToken  = "prom-token-0123456789abcdef"
)

const fixtureConfig = `
leads: [dave]
roster:
  - {name: bob}
  - {name: dave}
alerts:
  sources:
    siem: {format: generic, secret_env: SIEM_SECRET}
    prometheus: {format: alertmanager, token_env: PROM_TOKEN}
  routes:
    - match: {source: siem, severity: [critical, high]}
      action: declare
      type: malware
      severity: 1
    - match: {source: siem, labels: {noise: "yes"}}
      action: drop
    - match: {source: siem}
      action: triage
      channel: "#soc-triage"
    - match: {source: prometheus, labels: {team: security}}
      action: triage
      channel: "#soc-triage"
  rate: {per_source: 60/m, burst: %d}
`

type fixture struct {
	t      testing.TB
	path   string
	db     *storage.DB
	clock  *clockwork.FakeClock
	clk    clockwork.Clock // what the server runs on: clock, or the real one
	srv    *httptest.Server
	secret string
	key    stdwebhook.Key
	burst  int
	ids    int
}

func newFixture(t testing.TB, burst int) *fixture {
	t.Helper()
	f := &fixture{t: t, path: filepath.Join(t.TempDir(), "w.db"), clock: clockwork.NewFakeClockAt(t0), burst: burst, secret: siemSecret}
	f.clk = f.clock
	f.key, _ = stdwebhook.ParseSecret(siemSecret)
	f.start()
	t.Cleanup(f.stop)
	return f
}

// newRealtimeFixture serves on the real clock, for senders that sign with the time of day.
func newRealtimeFixture(t testing.TB) *fixture { return newRealtimeFixtureWith(t, siemSecret) }

func newRealtimeFixtureWith(t testing.TB, secret string) *fixture {
	t.Helper()
	f := &fixture{t: t, path: filepath.Join(t.TempDir(), "w.db"), clk: clockwork.NewRealClock(), burst: 100, secret: secret}
	f.key, _ = stdwebhook.ParseSecret(secret)
	f.start()
	t.Cleanup(f.stop)
	return f
}

// start opens the database and serves the endpoint (again, after stop: a restart).
func (f *fixture) start() {
	f.t.Helper()
	db, err := storage.Open(context.Background(), f.path)
	if err != nil {
		f.t.Fatal(err)
	}
	cfg, err := config.ParseConfig("test.yaml", []byte(fmt.Sprintf(fixtureConfig, f.burst)))
	if err != nil {
		f.t.Fatal(err)
	}
	eng := commands.New(commands.Deps{Store: commands.StoreOf[*storage.Tx](db), Config: cfg, Clock: f.clk})
	env := map[string]string{"SIEM_SECRET": f.secret, "PROM_TOKEN": promToken}
	h, err := alerts.New(alerts.Options{Config: cfg.Alerts, Getenv: func(k string) string { return env[k] }, Ingest: eng, Clock: f.clk})
	if err != nil {
		f.t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	f.db, f.srv = db, httptest.NewServer(mux)
}

func (f *fixture) stop() {
	if f.srv != nil {
		f.srv.Close()
		f.db.Close()
		f.srv = nil
	}
}

func (f *fixture) restart() {
	f.stop()
	f.start()
}

// nextID is a fresh webhook-id.
func (f *fixture) nextID() string {
	f.ids++
	return fmt.Sprintf("msg_%04d", f.ids)
}

// signed builds a Standard Webhooks request for the siem source.
func (f *fixture) signed(body, id string, at time.Time) *http.Request {
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/hooks/alerts/siem", bytes.NewReader([]byte(body)))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	f.key.SetHeaders(req.Header, id, at, []byte(body))
	return req
}

// bearer builds an Alertmanager request for the prometheus source.
func (f *fixture) bearer(body []byte, token string) *http.Request {
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/hooks/alerts/prometheus", bytes.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (f *fixture) do(req *http.Request) answer {
	f.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if err := json.Unmarshal(raw, &a.body); err != nil {
		f.t.Fatalf("answer %d is not JSON: %q", resp.StatusCode, raw)
	}
	return a
}

// send signs and posts a generic alert now and wants 202.
func (f *fixture) send(body string) answer {
	f.t.Helper()
	a := f.do(f.signed(body, f.nextID(), f.clock.Now()))
	if a.status != http.StatusAccepted {
		f.t.Fatalf("%s → %d %s", body, a.status, a.raw)
	}
	return a
}

func (f *fixture) dump() string {
	f.t.Helper()
	d, err := f.db.Dump(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

func (f *fixture) view(fn func(tx *storage.Tx) error) {
	f.t.Helper()
	if err := f.db.View(context.Background(), fn); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) incidents() []bot.Incident {
	f.t.Helper()
	var out []bot.Incident
	f.view(func(tx *storage.Tx) (err error) { out, err = tx.Incidents(true); return })
	return out
}

func (f *fixture) entries(n int64) []bot.Entry {
	f.t.Helper()
	var out []bot.Entry
	f.view(func(tx *storage.Tx) (err error) { out, err = tx.Entries(n); return })
	return out
}
