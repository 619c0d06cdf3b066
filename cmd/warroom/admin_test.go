package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/storage"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b)
}

func TestAdminEndpoints(t *testing.T) {
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tel := newTelemetry(db)
	up := true
	h := adminHandler(db, []*adapter{{name: "slack", connected: func() bool { return up }}}, tel)

	if code, body := get(t, h, "/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Fatalf("healthz %d %q", code, body)
	}
	if code, _ := get(t, h, "/readyz"); code != 200 {
		t.Fatalf("readyz %d", code)
	}
	up = false
	if code, body := get(t, h, "/readyz"); code != 503 || !strings.Contains(body, "slack: not connected") {
		t.Fatalf("readyz with slack down: %d %q", code, body)
	}

	tel.observe("incident note", "ok", 3*time.Millisecond)
	tel.observe("timer", "ok", time.Millisecond)
	tel.delivered("slack", "post", nil)
	code, body := get(t, h, "/metrics")
	if code != 200 {
		t.Fatal(code)
	}
	for _, want := range []string{
		`warroom_commands_total{what="incident note",outcome="ok"} 1`,
		`warroom_timers_fired_total{outcome="ok"} 1`,
		`warroom_outbox_attempts_total{op="post",result="ok"} 1`,
		"warroom_open_incidents 0",
		"warroom_outbox_depth 0",
		"warroom_pages_open 0",
		"warroom_command_duration_seconds_count 1",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}

	// A database that cannot take writes makes the bot not ready.
	db.Close()
	if code, body := get(t, h, "/readyz"); code != 503 || !strings.Contains(body, "database") {
		t.Fatalf("readyz with the database closed: %d %q", code, body)
	}
}
