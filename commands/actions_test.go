package commands

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/actions"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/stdwebhook"
	"github.com/warroom/warroom/storage"
)

// receiver is the SOAR in the test: it counts calls by webhook-id and answers with the
// statuses it is given (then 200).
type receiver struct {
	mu       sync.Mutex
	srv      *httptest.Server
	calls    []http.Header
	bodies   []string
	statuses []int
	unsigned int // calls whose signature did not verify
	now      func() time.Time
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{now: time.Now}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		// The receiver verifies the Standard Webhooks signature against the test's clock.
		if _, err := testKey.Verify(r.Header, b, rc.now()); err != nil {
			http.Error(w, "bad signature: "+err.Error(), http.StatusUnauthorized)
			rc.mu.Lock()
			rc.unsigned++
			rc.mu.Unlock()
			return
		}
		rc.mu.Lock()
		rc.calls = append(rc.calls, r.Header.Clone())
		rc.bodies = append(rc.bodies, string(b))
		status := 200
		if len(rc.statuses) > 0 {
			status, rc.statuses = rc.statuses[0], rc.statuses[1:]
		}
		rc.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, `{"blocked": true}`)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) count() int { rc.mu.Lock(); defer rc.mu.Unlock(); return len(rc.calls) }

// ids are the distinct webhook-ids received.
func (rc *receiver) ids() map[string]int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	m := map[string]int{}
	for _, h := range rc.calls {
		m[h.Get("webhook-id")]++
	}
	return m
}

// testKey signs the test's calls; the receiver verifies every one with it.
var testKey = func() stdwebhook.Key {
	k, err := stdwebhook.ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		panic(err)
	}
	return k
}()

func actionYAML(url string) string {
	return strings.ReplaceAll(`
egress: {allow_urls: ["URL/hooks/"], allow_private: true}
actions:
  block-ip:
    describe: Block an IP address at the edge firewall
    params: {ip: ip}
    request:
      method: POST
      url: URL/hooks/block-ip
      body: '{"ip": {{json .Params.ip}}, "incident": {{json .Incident}}, "run": {{.Run}}}'
    secret_env: WARROOM_ACTION_SECRET
    approval: {roles: [commander], quorum: 1, not_requester: true, expires: 15m}
    undo: unblock-ip
    timeout: 2s
    timeout_total: 1m
  unblock-ip:
    describe: Lift the block
    params: {ip: ip}
    request: {method: POST, url: URL/hooks/unblock-ip, body: '{"ip": {{json .Params.ip}}}'}
    secret_env: WARROOM_ACTION_SECRET
  isolate-host:
    describe: Isolate a host from the network
    params: {host: host, reason: text}
    request: {method: POST, url: "URL/hooks/isolate/{{.Params.host}}", body: '{"reason": {{json .Params.reason}}}'}
    secret_env: WARROOM_ACTION_SECRET
    approval: {roles: [commander, analyst], quorum: 2}
  tag-case:
    describe: Tag the case in the SOAR
    params: {host: host}
    request: {method: PUT, url: URL/hooks/tag, body: '{"host": {{json .Params.host}}}'}
    secret_env: WARROOM_ACTION_SECRET
playbooks:
  ransomware:
    match: {type: ransomware}
    clocks: [gdpr]
    tasks:
      - {text: "Isolate the affected hosts", role: analyst, due: 30m}
    actions: [block-ip, isolate-host, tag-case]
`, "URL", url)
}

type actionHarness struct {
	*harness
	rc  *receiver
	w   *actions.Worker
	rec *repRecorder
}

func newActionHarness(t *testing.T) *actionHarness {
	rc := newReceiver(t)
	h, rec := repHarness(t, withYAML(actionYAML(rc.srv.URL)))
	rc.now = h.clock.Now
	return &actionHarness{harness: h, rc: rc, w: h.worker(), rec: rec}
}

func (h *harness) worker() *actions.Worker {
	signers := map[string]actions.Signer{}
	for name := range h.cfg.Actions {
		signers[name] = testKey
	}
	return actions.NewWorker(h.eng, actions.NewClient(h.cfg.Egress.AllowPrivate), signers, h.clock.Now, slog.New(slog.DiscardHandler))
}

func (h *actionHarness) step() int {
	h.t.Helper()
	n, err := h.w.Step(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	h.deliver()
	return n
}

func (h *harness) run(n, k int64) bot.Run {
	h.t.Helper()
	var r bot.Run
	h.view(func(tx *storage.Tx) (err error) { r, err = tx.Run(n, k); return err })
	return r
}

// ransomware declares INC-1 as alice, classifies it, makes bob commander and carol analyst.
func (h *actionHarness) ransomware() string {
	ch := h.declare("alice", "files encrypted on the file server")
	h.mustSay("alice", ch, "type ransomware", "Playbook ransomware")
	h.mustSay("alice", ch, "role commander @bob", "bob is commander")
	h.mustSay("carol", "general", "join INC-1", "")
	h.mustSay("bob", ch, "invite @carol", "")
	h.mustSay("carol", ch, "role analyst me", "carol is analyst")
	h.flush()
	return ch
}

func TestActionApprovedByCommanderIsCalledOnceSigned(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	wantContains(t, "help in the channel", h.cmd("carol", ch, "help"), "Response actions of INC-1", "block-ip <ip:ip> — Block an IP address")
	wantNot(t, "help elsewhere", h.cmd("carol", "general", "help"), "Response actions")
	r := h.mustSay("carol", ch, "actions", "block-ip <ip:ip>")
	wantContains(t, "actions", r, "isolate-host <host:host> <reason:text>", "approval: 1 of commander, not the requester")
	h.mustSay("carol", ch, "run block-ip 203.0.113.7", "Run 1 of block-ip is waiting for approval")
	out := h.flush()
	wantContains(t, "approval request", out, "Run 1: block-ip ip=203.0.113.7* requested by carol", "[Approve]", "[Deny]")
	if h.step() != 0 || h.rc.count() != 0 {
		t.Fatal("a run was sent before approval")
	}
	// alice (declarer, no longer commander) holds no approval role; nor does the requester.
	wantContains(t, "alice approves", h.cmd("alice", ch, "approve 1"), "may not decide", "approved or denied by the commander")
	wantContains(t, "carol approves", h.cmd("carol", ch, "approve 1"), "may not decide", "someone else")
	h.mustSay("bob", ch, "approve 1 looks right", "run 1 of block-ip is queued")
	if got := h.run(1, 1); got.State != bot.RunQueued || len(got.Approvers) != 1 || got.Approvers[0] != "bob" {
		t.Fatalf("run after approval: %+v", got)
	}
	if h.step() != 1 {
		t.Fatal("the approved run was not sent")
	}
	if h.step() != 0 {
		t.Fatal("sent twice")
	}
	ids := h.rc.ids()
	if len(ids) != 1 || ids["warroom-INC-1-run-1"] != 1 || h.rc.unsigned != 0 {
		t.Fatalf("webhook ids: %v, unsigned %d", ids, h.rc.unsigned)
	}
	if h.rc.bodies[0] != `{"ip": "203.0.113.7", "incident": "INC-1", "run": 1}` {
		t.Fatalf("body %s", h.rc.bodies[0])
	}
	if got := h.run(1, 1); got.State != bot.RunDone || got.Status != 200 {
		t.Fatalf("run after call: %+v", got)
	}
	es := h.entries(1)
	for _, want := range []string{`run 1 of block-ip requested: {"ip":"203.0.113.7"}`, "run 1 of block-ip approved by bob (1 of 1): looks right",
		"run 1 of block-ip: calling POST " + h.rc.srv.URL + "/hooks/block-ip (body sha256 ", "run 1 of block-ip result: HTTP 200, answer sha256 "} {
		if _, ok := findEntry(es, bot.KindAction, want); !ok {
			t.Errorf("no entry %q", want)
		}
	}
	if e, _ := findEntry(es, bot.KindAction, "result: HTTP 200"); !strings.HasSuffix(e.Text, `: {"blocked": true}`) {
		t.Errorf("result entry without the answer's head: %s", e.Text)
	}
	wantContains(t, "channel", h.flush(), "Run 1 of block-ip (ip=203.0.113.7) done: HTTP 200", "/incident undo 1")
	h.verify(1)
	// undo runs the inverse action with the same parameter (no approval configured for it).
	h.mustSay("carol", ch, "undo 1", "Run 2 of unblock-ip queued")
	h.step()
	if ids := h.rc.ids(); ids["warroom-INC-1-run-2"] != 1 || !strings.Contains(h.rc.bodies[1], "203.0.113.7") {
		t.Fatalf("undo not sent: %v", ids)
	}
	// The report lists the actions: who asked, who approved, when, and the result.
	h.mustSay("bob", ch, "close true-positive blocked", "closed")
	h.flush()
	md := string(h.rec.last(t).Data)
	wantContains(t, "report", md, `run 1 of block-ip requested: {"ip":"203.0.113.7"}`, "run 1 of block-ip approved by bob (1 of 1)",
		"run 1 of block-ip result: HTTP 200", "applied playbook ransomware",
		"## Response actions", "| 1 | block-ip | `ip=203.0.113.7` | carol | bob | done (HTTP 200) |", "undone by run 2 |", "| 2 | unblock-ip | `ip=203.0.113.7` | carol | – | done (HTTP 200) |")
	h.verify(1)
}

func TestActionRequesterCannotApproveOwnRun(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	h.mustSay("bob", ch, "run block-ip 203.0.113.7", "waiting for approval")
	before := len(h.entries(1))
	r := h.cmd("bob", ch, "approve 1")
	wantContains(t, "own approval", r, "bob asked for run 1", "someone else")
	r = h.press("bob", ch, "action.approve", "1:1")
	wantContains(t, "own approval by button", r, "someone else")
	if len(h.entries(1)) != before || h.run(1, 1).State != bot.RunPending {
		t.Fatal("a refused approval changed something")
	}
	// A denial by the commander ends it; it never runs.
	h.mustSay("alice", ch, "run block-ip 203.0.113.8", "waiting")
	h.press("bob", ch, "action.deny", "1:2")
	if h.run(1, 2).State != bot.RunDenied || h.step() != 0 || h.rc.count() != 0 {
		t.Fatalf("denied run: %+v", h.run(1, 2))
	}
	h.verify(1)
}

func TestActionQuorumOfTwoNeedsTwoPeople(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	h.mustSay("alice", ch, "run isolate-host files01.corp.example ransomware", "waiting for approval (2 of commander/analyst)")
	h.mustSay("bob", ch, "approve 1", "1 of 2 approvals")
	wantContains(t, "second approval by the same person", h.cmd("bob", ch, "approve 1"), "already approved", "2 distinct approvers")
	if h.step() != 0 {
		t.Fatal("sent on one approval")
	}
	h.press("carol", ch, "action.approve", "1:1")
	if got := h.run(1, 1); got.State != bot.RunQueued || strings.Join(got.Approvers, ",") != "bob,carol" {
		t.Fatalf("%+v", got)
	}
	h.step()
	if h.rc.count() != 1 || !strings.HasSuffix(h.rc.calls[0].Get("webhook-id"), "run-1") {
		t.Fatalf("calls %d", h.rc.count())
	}
	h.verify(1)
}

func TestActionParamsValidatedBeforeAnythingIsQueued(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	before := len(h.entries(1))
	for cmd, want := range map[string]string{
		"run block-ip 203.0.113.999":   `"203.0.113.999" is not an IP address (203.0.113.7 or 2001:db8::7) (expected type ip)`,
		"run block-ip":                 "ip is missing",
		"run tag-case evil/../host":    "expected type host",
		"run nuke-everything 1.2.3.4":  `may not run "nuke-everything"`,
		"run block-ip 1.2.3.4 5.6.7.8": "one too many",
		"approve 9":                    "has no run 9",
		"undo 1":                       "has no run 1",
	} {
		wantContains(t, cmd, h.cmd("carol", ch, cmd), want)
	}
	var runs []bot.Run
	h.view(func(tx *storage.Tx) (err error) { runs, err = tx.Runs(1); return err })
	if len(runs) != 0 || len(h.entries(1)) != before {
		t.Fatalf("a refused run left state: %+v", runs)
	}
	// Outside the playbook's incidents there are no actions at all.
	other := h.declare("dave", "unrelated")
	wantContains(t, "no playbook", h.cmd("dave", other, "run block-ip 203.0.113.7"), "may run no response actions")
}

func TestActionRetriedUntilAcceptedWithTheSameID(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	h.rc.statuses = []int{500, 503}
	h.mustSay("carol", ch, "run tag-case files01.corp.example", "queued")
	for range 3 {
		h.step()
		h.clock.Advance(5 * time.Second)
	}
	ids := h.rc.ids()
	if h.rc.count() != 3 || len(ids) != 1 || ids["warroom-INC-1-run-1"] != 3 {
		t.Fatalf("attempts: %d, ids %v", h.rc.count(), ids)
	}
	if got := h.run(1, 1); got.State != bot.RunDone || got.Attempts != 3 {
		t.Fatalf("%+v", got)
	}
	h.verify(1)
}

func TestActionFailsAfterTimeoutTotalAndTellsTheRequester(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	h.rc.statuses = make([]int, 100)
	for i := range h.rc.statuses {
		h.rc.statuses[i] = 500
	}
	h.mustSay("alice", ch, "run block-ip 203.0.113.7", "waiting")
	h.mustSay("bob", ch, "approve 1", "queued")
	h.flush()
	for range 40 {
		h.step()
		h.clock.Advance(5 * time.Second)
	}
	got := h.run(1, 1)
	if got.State != bot.RunFailed || got.Status != 500 {
		t.Fatalf("%+v", got)
	}
	n := h.rc.count()
	if n < 3 || n > 20 {
		t.Fatalf("%d attempts in a 1m timeout_total", n)
	}
	if len(h.rc.ids()) != 1 {
		t.Fatal("retries changed the webhook-id")
	}
	if _, ok := findEntry(h.entries(1), bot.KindAction, "run 1 of block-ip failed: HTTP 500"); !ok {
		t.Fatal("no failure entry")
	}
	out := h.flush()
	wantContains(t, "requester told", out, "[@alice ", "INC-1: ⚠️ Run 1 of block-ip (ip=203.0.113.7) failed: HTTP 500 — gave up after")
	h.step()
	if h.rc.count() != n {
		t.Fatal("a failed run was sent again")
	}
	h.verify(1)
}

// A run approved and then the process killed before the call (or during it) is sent after
// the restart — once, or again with the same webhook-id if the first attempt's answer was
// lost.
func TestActionSurvivesRestartBetweenApprovalAndCall(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	h.mustSay("alice", ch, "run block-ip 203.0.113.7", "waiting")
	h.mustSay("bob", ch, "approve 1", "queued")
	// "Restart": a new engine and worker on the same database; nothing in memory survives.
	h.eng = New(Deps{Store: StoreOf[*storage.Tx](h.db), Config: h.cfg, Clock: h.clock, Kick: h.del.Kick})
	h.w = h.worker()
	h.step()
	if ids := h.rc.ids(); len(ids) != 1 || ids["warroom-INC-1-run-1"] != 1 {
		t.Fatalf("after restart: %v", ids)
	}
	// Claimed, and the answer lost (the process died before recording it).
	h.mustSay("alice", ch, "run tag-case files01.corp.example", "queued")
	calls, err := h.eng.ClaimCalls(h.ctx, 10)
	if err != nil || len(calls) != 1 {
		t.Fatalf("%v %v", calls, err)
	}
	actions.Do(h.ctx, actions.NewClient(true), calls[0].Request, calls[0].ID, testKey, h.clock.Now(), time.Second)
	h.eng = New(Deps{Store: StoreOf[*storage.Tx](h.db), Config: h.cfg, Clock: h.clock, Kick: h.del.Kick})
	h.w = h.worker()
	if h.step() != 0 {
		t.Fatal("resent before the lease ran out")
	}
	h.clock.Advance(time.Minute)
	h.step()
	if ids := h.rc.ids(); ids["warroom-INC-1-run-2"] != 2 {
		t.Fatalf("resend after a lost answer: %v", ids)
	}
	if h.run(1, 2).State != bot.RunDone {
		t.Fatal("not done")
	}
	if _, ok := findEntry(h.entries(1), bot.KindAction, "run 2 of tag-case: calling"); !ok {
		t.Fatal("no call entry")
	}
	h.verify(1)
}

// expireFirstRun requests run 1 of block-ip in a new ransomware incident and lets its
// approval window (15m) pass, firing its expiry; it returns the incident's channel.
func (h *actionHarness) expireFirstRun() string {
	ch := h.ransomware()
	h.mustSay("carol", ch, "run block-ip 203.0.113.7", "waiting")
	h.clock.Advance(16 * time.Minute)
	var tm bot.Timer
	h.view(func(tx *storage.Tx) (err error) { tm, err = tx.Timer(runKey(bot.Run{Incident: 1, N: 1})); return err })
	h.eng.FireTimer(h.ctx, tm.ID)
	h.deliver()
	return ch
}

func TestActionExpiredRequestNeverRuns(t *testing.T) {
	h := newActionHarness(t)
	ch := h.expireFirstRun()
	if h.run(1, 1).State != bot.RunExpired {
		t.Fatalf("%+v", h.run(1, 1))
	}
	wantContains(t, "late approval", h.cmd("bob", ch, "approve 1"), "expired")
	if h.step() != 0 || h.rc.count() != 0 {
		t.Fatal("an expired run was sent")
	}
	if _, ok := findEntry(h.entries(1), bot.KindAction, "run 1 of block-ip expired unapproved"); !ok {
		t.Fatal("no expiry entry")
	}
	h.verify(1)
}

func TestActionInDrillIsApprovedThenNeverSent(t *testing.T) {
	h := newActionHarness(t)
	h.mustSay("alice", "general", "drill ransomware", "Drill INC-1")
	h.flush()
	ch := h.incident(1).ChannelID
	h.mustSay("bob", ch, "join INC-1", "")
	h.mustSay("alice", ch, "invite @bob", "")
	h.mustSay("alice", ch, "role commander @bob", "")
	h.mustSay("alice", ch, "run block-ip 203.0.113.7", "waiting")
	r := h.mustSay("bob", ch, "approve 1", "DRILL: would call POST "+h.rc.srv.URL+"/hooks/block-ip")
	wantContains(t, "drill", r, "never calls out")
	h.mustSay("alice", ch, "run tag-case files01.corp.example", "DRILL: would call PUT")
	for range 3 {
		h.step()
		h.clock.Advance(time.Minute)
	}
	if h.rc.count() != 0 {
		t.Fatalf("a drill called out %d times", h.rc.count())
	}
	if h.run(1, 1).State != bot.RunDrill || h.run(1, 2).State != bot.RunDrill {
		t.Fatal("drill runs not ended")
	}
	h.verify(1)
}

// An insider who flips a run's state in the database (to make a denied run look approved,
// or a failed one done) is caught by verify.
func TestActionRunForgedIsCaughtByVerify(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	h.mustSay("alice", ch, "run block-ip 203.0.113.7", "waiting")
	h.mustSay("bob", ch, "deny 1 not that one", "denied")
	db := openRW(t, h.db.Path())
	if _, err := db.Exec(`UPDATE action_runs SET state = 'queued', approvers = '["bob"]', next_at = '2000-01-01T00:00:00.000000000Z'`); err != nil {
		t.Fatal(err)
	}
	v, err := h.db.Verify(h.ctx, 1)
	if err != nil || v.OK || !strings.Contains(v.Problem, "run 1 ") {
		t.Fatalf("%+v %v", v, err)
	}
	// And the deliverer does not send what the timeline does not say was approved.
	if h.step() != 0 || h.rc.count() != 0 {
		t.Fatal("a forged run was sent")
	}
}
