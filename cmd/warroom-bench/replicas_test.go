package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The leader is the replica whose /readyz JSON says so; a follower's "leader": false is
// never taken for one, and a plain "ready" counts only from a lone replica.
func TestDeploymentLeader(t *testing.T) {
	serve := func(status int, body string) *botProc {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}))
		t.Cleanup(srv.Close)
		return &botProc{admin: srv.URL}
	}
	follower := serve(200, `{"ready":true,"leader":false,"problems":[]}`)
	leader := serve(200, `{"ready":true,"leader":true,"problems":[]}`)
	plain := serve(200, "ready\n")
	d := &deployment{bots: []*botProc{follower, leader, follower}}
	if i, err := d.leader(time.Second); err != nil || i != 1 {
		t.Fatalf("leader of follower, leader, follower = %d, %v; want 1", i, err)
	}
	d = &deployment{bots: []*botProc{follower, plain}}
	if i, err := d.leader(100 * time.Millisecond); err == nil {
		t.Fatalf("a plain ready among replicas was taken for the leader (%d)", i)
	}
	d = &deployment{bots: []*botProc{plain}}
	if i, err := d.leader(time.Second); err != nil || i != 0 {
		t.Fatalf("a lone replica answering ready: %d, %v; want 0", i, err)
	}
}
