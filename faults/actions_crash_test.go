//go:build faults

package faults

// TestActionCrash: the real warroom binary, killed with SIGKILL at seeded random moments
// around the approval of a response action run and the outgoing call, restarted each
// time. The receiver (in this process, on 127.0.0.1) verifies every call's Standard
// Webhooks signature and counts deliveries by webhook-id; it applies each id once, as a
// receiver that deduplicates does. The claims:
//
//   - nothing lost: every run whose approval was acknowledged (or whose unacknowledged
//     approval was committed, or retried after the restart) is applied by the receiver;
//   - once per approval: each run is applied exactly once. A run is delivered more than
//     once only with the same webhook-id (the run's id) — when a kill cut the call short
//     and its answer was lost — so at most one extra delivery per kill;
//   - nothing after expiry: a run whose approval window ran out while warroom was down is
//     refused on approval after the restart, recorded expired, and never called.

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/fakes/slackfake"
	"github.com/warroom/warroom/stdwebhook"
)

const (
	actionSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	actionRounds = 12
)

// countingReceiver verifies signatures and counts deliveries per webhook-id; it answers
// after a seeded random delay of up to 150 ms, so kills land while calls are in flight.
type countingReceiver struct {
	mu         sync.Mutex
	srv        *httptest.Server
	deliveries map[string]int
	unsigned   int
	rng        *rand.Rand
	arrived    chan string // each delivery's webhook-id, as it arrives (never blocks)
}

func newCountingReceiver(t *testing.T, seed uint64) *countingReceiver {
	key, err := stdwebhook.ParseSecret(actionSecret)
	if err != nil {
		t.Fatal(err)
	}
	rc := &countingReceiver{deliveries: map[string]int{}, rng: rand.New(rand.NewPCG(seed, 0xac7)), arrived: make(chan string, 64)}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		id, err := key.Verify(r.Header, body, time.Now())
		rc.mu.Lock()
		if err != nil {
			rc.unsigned++
			rc.mu.Unlock()
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		rc.deliveries[id]++
		delay := time.Duration(rc.rng.IntN(150)) * time.Millisecond
		rc.mu.Unlock()
		select {
		case rc.arrived <- id:
		default:
		}
		pause(delay)
		io.WriteString(w, `{"ok": true}`)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *countingReceiver) snapshot() (map[string]int, int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make(map[string]int, len(rc.deliveries))
	for k, v := range rc.deliveries {
		out[k] = v
	}
	return out, rc.unsigned
}

func actionCrashConfig(url string) string {
	return strings.ReplaceAll(`
egress: {allow_urls: ["URL/hooks/"], allow_private: true}
actions:
  block-ip:
    describe: Block an IP address at the edge firewall
    params: {ip: ip}
    request: {method: POST, url: URL/hooks/block-ip, body: '{"ip": {{json .Params.ip}}, "run": {{.Run}}}'}
    secret_env: WARROOM_ACTION_SECRET
    approval: {roles: [commander], quorum: 1, not_requester: true, expires: 15m}
    timeout: 1s
    timeout_total: 2m
  block-ip-quick:
    describe: Block an IP address, if approved within two seconds
    params: {ip: ip}
    request: {method: POST, url: URL/hooks/block-ip, body: '{"ip": {{json .Params.ip}}}'}
    secret_env: WARROOM_ACTION_SECRET
    approval: {roles: [commander], quorum: 1, not_requester: true, expires: 2s}
playbooks:
  ransomware:
    match: {type: ransomware}
    actions: [block-ip, block-ip-quick]
`, "URL", url)
}

var runWaitingRE = regexp.MustCompile(`Run (\d+) of [a-z-]+ is waiting for approval`)

// runState reads run k of INC-1 from the database file.
func runState(t *testing.T, db string, k int) (state string, attempts int) {
	t.Helper()
	conn := openRO(t, db)
	defer conn.Close()
	err := conn.QueryRow(`SELECT state, attempts FROM action_runs WHERE incident = 1 AND n = ?`, k).Scan(&state, &attempts)
	if err != nil {
		return "absent (" + err.Error() + ")", 0
	}
	return state, attempts
}

func TestActionCrash(t *testing.T) {
	seed := faultsSeed(t)
	figure("action-crash seed=%d (FAULTS_SEED=%d draws the same kill moments again)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0xdead))
	rc := newCountingReceiver(t, seed)

	w := newWorkspace(t)
	b := newBot(t, w, filepath.Join(t.TempDir(), "warroom.db"))
	f, err := os.OpenFile(b.config, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(actionCrashConfig(rc.srv.URL)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b.env = append(b.env, "WARROOM_ACTION_SECRET="+actionSecret)
	b.mustStart()
	ch := w.declare(t, b, uAlice, "Files encrypted sev1")
	for _, c := range [][2]string{{"type ransomware", "Playbook ransomware"}, {"role commander <@" + uBob + ">", "bob is commander"}} {
		if ans := w.say(t, b, ch, uAlice, c[0]); !strings.Contains(ans, c[1]) {
			t.Fatalf("%s: %q", c[0], ans)
		}
	}

	kills, unacked, retriedApply := 0, 0, 0
	killedAt := map[string]int{} // the run's state when warroom was killed
	var killDelays []string
	for round := 1; round <= actionRounds; round++ {
		ans := w.say(t, b, ch, uAlice, fmt.Sprintf("run block-ip 203.0.113.%d", round))
		m := runWaitingRE.FindStringSubmatch(ans)
		if m == nil || m[1] != strconv.Itoa(round) {
			t.Fatalf("round %d: run answered %q", round, ans)
		}
		// The approval goes out; the kill comes at a random moment from just before its
		// commit to well after the call began (the receiver holds each call up to 150 ms).
		approve := w.command(ch, uBob, "approve "+m[1])
		type result struct {
			res slackfake.HTTPResult
			err error
		}
		done := make(chan result, 1)
		for len(rc.arrived) > 0 {
			<-rc.arrived
		}
		id := fmt.Sprintf("warroom-INC-1-run-%d", round)
		go func() {
			res, err := w.sender(b).SlashCommand(approve)
			done <- result{res, err}
		}()
		// Four kinds of moment, drawn by the seed: a few hundred microseconds in (around
		// the approval's commit), on the approval's answer (between the commit and the
		// call), as the receiver gets the call (its answer is then lost), or anywhere in
		// the next 250 ms.
		var r *result
		switch mode := rng.IntN(4); mode {
		case 0:
			d := time.Duration(rng.IntN(3000)) * time.Microsecond
			killDelays = append(killDelays, "early:"+d.String())
			pause(d)
		case 1:
			killDelays = append(killDelays, "on-answer")
			x := <-done
			r = &x
		case 2:
			killDelays = append(killDelays, "on-call")
			waitArrival(t, rc, id)
		default:
			d := time.Duration(rng.IntN(250)) * time.Millisecond
			killDelays = append(killDelays, d.String())
			pause(d)
		}
		b.kill()
		kills++
		if r == nil {
			x := <-done
			r = &x
		}
		acked := r.err == nil && r.res.Status == http.StatusOK
		// Where the kill left the run: read from the file before the restart.
		state, _ := runState(t, b.db, round)
		if delivered, _ := rc.snapshot(); state == "sending" && delivered[id] > 0 {
			state = "sending, delivered"
		}
		killedAt[state]++
		b.mustStart()
		if !acked {
			// Slack retries an unanswered command with the same trigger_id: a committed
			// approval is recognised, an uncommitted one is made now.
			unacked++
			res, err := w.sender(b).SlashCommand(approve)
			if err != nil || res.Status != http.StatusOK {
				t.Fatalf("round %d: the retried approval: %v %d", round, err, res.Status)
			}
		}
		// Every approved run is called and recorded done, within its lease (1 s timeout
		// and backoff) after the restart.
		deadline := time.Now().Add(30 * time.Second)
		for {
			state, _ := runState(t, b.db, round)
			if state == "done" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: run %d is %s 30 s after the restart\n%s", round, round, state, b.logTail(30))
			}
			pause(20 * time.Millisecond)
		}
		if n, _ := rc.snapshot(); n[fmt.Sprintf("warroom-INC-1-run-%d", round)] > 1 {
			retriedApply++
		}
	}

	// Expiry while down: requested, warroom killed, the window (2 s) passes, restarted.
	ans := w.say(t, b, ch, uAlice, "run block-ip-quick 198.51.100.1")
	m := runWaitingRE.FindStringSubmatch(ans)
	if m == nil {
		t.Fatalf("quick run answered %q", ans)
	}
	quick, _ := strconv.Atoi(m[1])
	b.kill()
	kills++
	pause(2500 * time.Millisecond)
	b.mustStart()
	if ans := w.say(t, b, ch, uBob, "approve "+m[1]); !strings.Contains(ans, "expired") {
		t.Fatalf("an approval after expiry was answered %q", ans)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if state, _ := runState(t, b.db, quick); state == "expired" {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("the run past its window is %s, not expired\n%s", state, b.logTail(30))
		}
		pause(20 * time.Millisecond)
	}
	if code := b.stop(30 * time.Second); code != 0 {
		t.Errorf("warroom exited %d after SIGTERM", code)
	}

	got, unsigned := rc.snapshot()
	extra := 0
	for round := 1; round <= actionRounds; round++ {
		id := fmt.Sprintf("warroom-INC-1-run-%d", round)
		if got[id] == 0 {
			t.Errorf("run %d: approved, never delivered (lost)", round)
		}
		extra += max(got[id]-1, 0)
	}
	if got[fmt.Sprintf("warroom-INC-1-run-%d", quick)] != 0 {
		t.Errorf("the expired run was called: %v", got)
	}
	if len(got) != actionRounds || unsigned != 0 {
		t.Errorf("receiver saw ids %v (want exactly the %d approved runs), %d unsigned calls", got, actionRounds, unsigned)
	}
	if extra > kills {
		t.Errorf("%d extra deliveries for %d kills: a kill can lose at most the answer of the one call in flight", extra, kills)
	}
	// The record agrees: one call entry and one result per run, and the chain verifies.
	conn := openRO(t, b.db)
	defer conn.Close()
	for _, q := range []struct{ event, want string }{{"call", "one call entry"}, {"result", "one result entry"}, {"approve", "one approval"}} {
		var n int
		if err := conn.QueryRow(`SELECT COUNT(*) FROM timeline WHERE incident = 1 AND kind = 'action' AND json_extract(data, '$.event') = ?`, q.event).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != actionRounds {
			t.Errorf("%d %s entries for %d runs (%s per run)", n, q.event, actionRounds, q.want)
		}
	}
	verifyAll(t, b.db)
	var at []string
	for k, v := range killedAt {
		at = append(at, fmt.Sprintf("%s:%d", strings.ReplaceAll(k, " ", ""), v))
	}
	slices.Sort(at)
	figure("action-crash rounds=%d kills=%d approvals_unacknowledged=%d runs_applied_once=%d extra_deliveries_same_id=%d runs_redelivered=%d killed_at=%s moments=%s",
		actionRounds, kills, unacked, len(got), extra, retriedApply, strings.Join(at, ","), strings.Join(killDelays, ","))
}

// waitArrival waits until the receiver gets a call of id.
func waitArrival(t *testing.T, rc *countingReceiver, id string) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case got := <-rc.arrived:
			if got == id {
				return
			}
		case <-timeout:
			t.Fatalf("the receiver never got %s", id)
		}
	}
}
