package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
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
	up, leader := true, false
	h := adminHandler(db, func() ([]*adapter, bool) {
		return []*adapter{{name: "slack", connected: func() bool { return up }}}, leader
	}, tel)
	tel.leading(func() bool { return leader })

	if code, body := get(t, h, "/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Fatalf("healthz %d %q", code, body)
	}
	// A follower is ready (it serves Slack) and says it does not lead.
	if code, body := get(t, h, "/readyz"); code != 200 || !reflect.DeepEqual(readyz(t, body), readiness{Ready: true, Leader: false, Problems: []string{}}) {
		t.Fatalf("readyz on a follower: %d %s", code, body)
	}
	if _, body := get(t, h, "/metrics"); !strings.Contains(body, "\nwarroom_leader 0\n") {
		t.Fatalf("metrics on a follower lack warroom_leader 0:\n%s", body)
	}
	leader = true
	if code, body := get(t, h, "/readyz"); code != 200 || !reflect.DeepEqual(readyz(t, body), readiness{Ready: true, Leader: true, Problems: []string{}}) {
		t.Fatalf("readyz on the leader: %d %s", code, body)
	}
	if _, body := get(t, h, "/metrics"); !strings.Contains(body, "\nwarroom_leader 1\n") {
		t.Fatalf("metrics on the leader lack warroom_leader 1:\n%s", body)
	}
	up = false
	if code, body := get(t, h, "/readyz"); code != 503 || !reflect.DeepEqual(readyz(t, body), readiness{Ready: false, Leader: true, Problems: []string{"slack: not connected"}}) {
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

// readyz parses a /readyz body, failing on anything but its JSON.
func readyz(t *testing.T, body string) readiness {
	t.Helper()
	var r readiness
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("/readyz is not its JSON: %v: %q", err, body)
	}
	return r
}
