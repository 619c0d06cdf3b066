package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/stdwebhook"
)

const actionSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// signedReceiver counts calls whose Standard Webhooks signature verifies, by webhook-id.
type signedReceiver struct {
	mu       sync.Mutex
	ids      map[string]int
	unsigned int
	srv      *httptest.Server
}

func newSignedReceiver(t *testing.T) *signedReceiver {
	key, err := stdwebhook.ParseSecret(actionSecret)
	if err != nil {
		t.Fatal(err)
	}
	rc := &signedReceiver{ids: map[string]int{}}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		id, err := key.Verify(r.Header, b, time.Now())
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if err != nil {
			rc.unsigned++
			http.Error(w, err.Error(), 401)
			return
		}
		rc.ids[id]++
		io.WriteString(w, `{"blocked": "203.0.113.7"}`)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func actionConfig(url string) string {
	return strings.ReplaceAll(`
egress: {allow_urls: ["URL/hooks/"], allow_private: true}
actions:
  block-ip:
    describe: Block an IP address at the edge firewall
    params: {ip: ip}
    request: {method: POST, url: URL/hooks/block-ip, body: '{"ip": {{json .Params.ip}}, "incident": {{json .Incident}}}'}
    secret_env: WARROOM_ACTION_SECRET
    approval: {roles: [commander], quorum: 1, not_requester: true, expires: 15m}
playbooks:
  ransomware:
    match: {type: ransomware}
    clocks: [gdpr]
    tasks:
      - {text: "Isolate the affected hosts", role: analyst, due: 30m}
    actions: [block-ip]
`, "URL", url)
}

// Through the console workspace and the real process wiring: declare ransomware, the
// playbook's task and clock, run block-ip, the requester's own approval refused, the
// commander's accepted, one signed call, the result on the timeline.
func TestConsoleRansomwareActionEndToEnd(t *testing.T) {
	rc := newSignedReceiver(t)
	cfg := writeConfig(t, actionConfig(rc.srv.URL))
	db := filepath.Join(t.TempDir(), "w.db")
	lc := startConsoleEnv(t, map[string]string{"WARROOM_ACTION_SECRET": actionSecret}, "--db", db, "--config", cfg)
	lc.typeLine("@alice /incident declare Files encrypted on the file server sev1")
	lc.waitFor("Declared INC-1", 10*time.Second)
	lc.typeLine("#inc-1-files-encrypted-on-the-file-server")
	lc.typeLine("/incident type ransomware")
	lc.waitFor("Playbook *ransomware*", 10*time.Second)
	lc.waitFor("gdpr clock", 10*time.Second)
	lc.typeLine("/incident role commander @bob")
	lc.waitFor("bob is commander", 10*time.Second)
	lc.typeLine("/incident run block-ip 203.0.113.7")
	lc.waitFor("Run 1 of block-ip is waiting for approval", 10*time.Second)
	lc.typeLine("/incident approve 1")
	lc.waitFor("must be approved by someone else", 10*time.Second)
	lc.typeLine("@bob /incident approve 1")
	lc.waitFor("Run 1 of block-ip (ip=203.0.113.7) done: HTTP 200", 15*time.Second)
	if c := lc.end(); c != 0 {
		t.Fatalf("exit %d: %s", c, lc.errb.String())
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.ids) != 1 || rc.ids["warroom-INC-1-run-1"] != 1 || rc.unsigned != 0 {
		t.Fatalf("receiver: %v, unsigned %d", rc.ids, rc.unsigned)
	}
	code, out, errs := runCLI(t, "", nil, "--db", db, "timeline", "INC-1")
	if code != 0 {
		t.Fatalf("timeline: %d %s", code, errs)
	}
	wantAll(t, out, "applied playbook ransomware", "run 1 of block-ip requested", "approved by bob", "calling POST "+rc.srv.URL+"/hooks/block-ip", "result: HTTP 200")
	if code, out, _ := runCLI(t, "", nil, "--db", db, "verify", "INC-1"); code != 0 {
		t.Fatalf("verify: %s", out)
	}
}

// A secret that is not set stops start-up naming the action and the variable.
func TestActionSecretMissingStopsStartUp(t *testing.T) {
	rc := newSignedReceiver(t)
	cfg := writeConfig(t, actionConfig(rc.srv.URL))
	code, _, errs := runCLI(t, "", nil, "--db", filepath.Join(t.TempDir(), "w.db"), "--config", cfg, "shell")
	if code == 0 || !strings.Contains(errs, "actions.block-ip.secret_env: WARROOM_ACTION_SECRET is not set") {
		t.Fatalf("%d %s", code, errs)
	}
}

func wantAll(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("missing %q in:\n%s", sub, s)
		}
	}
}
