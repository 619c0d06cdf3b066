package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/stdwebhook"
)

func TestReceiverVerifiesAndAppliesOnce(t *testing.T) {
	key, err := stdwebhook.ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	var applied []string
	srv := httptest.NewServer(handler(key, func(id, path string, body []byte) { applied = append(applied, id+" "+path) }))
	defer srv.Close()
	send := func(k stdwebhook.Key, id, body string) int {
		req, _ := http.NewRequest("POST", srv.URL+"/hooks/block-ip", strings.NewReader(body))
		k.SetHeaders(req.Header, id, time.Now(), []byte(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	other, _ := stdwebhook.ParseSecret("another-secret-of-enough-length")
	if s := send(other, "warroom-INC-1-run-1", `{"ip":"203.0.113.7"}`); s != 401 {
		t.Fatalf("wrong key: %d", s)
	}
	if s := send(key, "warroom-INC-1-run-1", `{"ip":"203.0.113.7"}`); s != 200 {
		t.Fatalf("signed: %d", s)
	}
	if s := send(key, "warroom-INC-1-run-1", `{"ip":"203.0.113.7"}`); s != 200 {
		t.Fatalf("retry: %d", s)
	}
	if len(applied) != 1 || applied[0] != "warroom-INC-1-run-1 /hooks/block-ip" {
		t.Fatalf("applied %v", applied)
	}
}
