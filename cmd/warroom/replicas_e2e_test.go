package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/fakes/slackfake"
	"github.com/warroom/warroom/internal/pgtest"
	"github.com/warroom/warroom/internal/testutil"
)

// Several real `warroom run` binaries on one PostgreSQL database, against the fake Slack
// (HTTP and Socket Mode both): the replicas' harness.

const replicaSecret = "replicas-signing-secret-0123456789"

type replicaSet struct {
	t    *testing.T
	bin  string
	db   string
	key  string
	cfg  string
	fake *slackfake.Server
	gen  string // #general
	reps []*replica
	// extraEnv is added to every replica's environment (Discord's, say).
	extraEnv []string
}

type replica struct {
	name      string
	httpAddr  string
	adminAddr string
	cmd       *exec.Cmd
	out       *syncBuffer
	exited    chan struct{}
}

// syncBuffer is a process's output, safe to read while it is written.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newReplicaSet(t *testing.T) *replicaSet {
	t.Helper()
	rs := &replicaSet{t: t, bin: buildWarroom(t), db: pgtest.Database(t), key: filepath.Join(t.TempDir(), "warroom.key")}
	if code, out, errOut := runCLI(t, "", nil, "key", "--db", rs.db, "--key", rs.key); code != 0 {
		t.Fatalf("warroom key: %s %s", out, errOut)
	}
	rs.fake = slackfake.New(t, slackfake.WithSigningSecret(replicaSecret))
	rs.fake.AddUser("U0ALICE", "alice")
	rs.gen = rs.fake.AddChannel("general", false, rs.fake.BotUserID(), "U0ALICE")
	// Quiet hours off: the default (20:00-08:00 UTC) moved the sev3 task's overdue nudge to
	// 08:00 whenever the test ran in the evening.
	rs.cfg = writeConfig(t, "leads: [alice]\nroster:\n  - {name: alice, slack: U0ALICE}\nnudges: {quiet_hours: \"off\"}\n")
	return rs
}

// start runs one more replica (not waiting for it).
func (rs *replicaSet) start() *replica {
	t := rs.t
	t.Helper()
	r := &replica{name: fmt.Sprintf("r%d", len(rs.reps)), httpAddr: testutil.FreeAddr(t), adminAddr: testutil.FreeAddr(t), out: &syncBuffer{}, exited: make(chan struct{})}
	r.cmd = exec.Command(rs.bin, "run", "--db", rs.db, "--key", rs.key, "--config", rs.cfg, "--http", r.httpAddr, "--admin-addr", r.adminAddr)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WARROOM_") && !strings.HasPrefix(kv, "SLACK_") && !strings.HasPrefix(kv, "DISCORD_") {
			r.cmd.Env = append(r.cmd.Env, kv)
		}
	}
	r.cmd.Env = append(r.cmd.Env, "SLACK_BOT_TOKEN="+rs.fake.BotToken(), "SLACK_APP_TOKEN="+rs.fake.AppToken(),
		"SLACK_SIGNING_SECRET="+replicaSecret, "SLACK_API_URL="+rs.fake.APIURL())
	r.cmd.Env = append(r.cmd.Env, rs.extraEnv...)
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = r.cmd.Wait(); close(r.exited) }()
	t.Cleanup(func() {
		r.kill()
		if t.Failed() {
			t.Logf("%s's log:\n%s", r.name, r.out)
		}
	})
	rs.reps = append(rs.reps, r)
	return r
}

func (r *replica) alive() bool {
	select {
	case <-r.exited:
		return false
	default:
		return true
	}
}

func (r *replica) kill() {
	if r.alive() {
		_ = r.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-r.exited
}

// readyz is the replica's /readyz: its status (0 when it does not answer) and JSON.
func (r *replica) readyz() (int, readiness) {
	var res readiness
	resp, err := (&http.Client{Timeout: time.Second}).Get("http://" + r.adminAddr + "/readyz")
	if err != nil {
		return 0, res
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if json.Unmarshal(body, &res) != nil {
		return -1, res
	}
	return resp.StatusCode, res
}

// metric is one unlabelled series of the replica's /metrics ("" when absent).
func (r *replica) metric(name string) string {
	resp, err := (&http.Client{Timeout: time.Second}).Get("http://" + r.adminAddr + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindStringSubmatch(string(body)); m != nil {
		return m[1]
	}
	return ""
}

// waitReady waits until every live replica answers /readyz 200.
func (rs *replicaSet) waitReady(limit time.Duration) {
	t := rs.t
	t.Helper()
	deadline := time.Now().Add(limit)
	for _, r := range rs.reps {
		for r.alive() {
			if code, _ := r.readyz(); code == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s not ready after %v:\n%s", r.name, limit, r.out)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !r.alive() {
			t.Fatalf("%s exited:\n%s", r.name, r.out)
		}
	}
}

// leader waits up to limit for exactly one live replica to say it leads, failing at once
// if two do, and checks warroom_leader agrees on every replica.
func (rs *replicaSet) leader(limit time.Duration) *replica {
	t := rs.t
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		var leaders []*replica
		for _, r := range rs.reps {
			if _, res := r.readyz(); r.alive() && res.Leader {
				leaders = append(leaders, r)
			}
		}
		if len(leaders) > 1 {
			t.Fatalf("%d replicas lead at once", len(leaders))
		}
		if len(leaders) == 1 {
			l := leaders[0]
			for _, r := range rs.reps {
				want := map[bool]string{true: "1", false: "0"}[r == l]
				if got := r.metric("warroom_leader"); r.alive() && got != want && got != "" {
					// A replica may have changed its mind between the two reads: look again.
					if _, res := r.readyz(); res.Leader == (r == l) {
						t.Fatalf("%s: warroom_leader %s, /readyz leader %v", r.name, got, res.Leader)
					}
				}
			}
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("no replica leads after %v", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (rs *replicaSet) followers(l *replica) []*replica {
	var out []*replica
	for _, r := range rs.reps {
		if r != l && r.alive() {
			out = append(out, r)
		}
	}
	return out
}

// say sends a slash command to replica r over HTTP and returns the answer's text.
func (rs *replicaSet) say(r *replica, channel string, cmd slackfake.SlashCommandFields) string {
	t := rs.t
	t.Helper()
	cmd.Command, cmd.ChannelID, cmd.UserID = "/incident", channel, "U0ALICE"
	res, err := rs.fake.HTTPSender("http://" + r.httpAddr).SlashCommand(cmd)
	if err != nil || res.Status != 200 {
		t.Fatalf("/incident %s to %s: %v %d %s", cmd.Text, r.name, err, res.Status, res.Body)
	}
	var ans struct {
		Text string `json:"text"`
	}
	if len(bytes.TrimSpace(res.Body)) > 0 {
		if err := json.Unmarshal(res.Body, &ans); err != nil {
			t.Fatalf("answer is not JSON: %q", res.Body)
		}
	}
	return ans.Text
}

// count is how many of the bot's messages in channel contain text.
func (rs *replicaSet) count(channel, text string) int {
	n := 0
	for _, m := range rs.fake.Messages(channel) {
		if (m.BotID != "" || m.User == rs.fake.BotUserID()) && strings.Contains(m.Text, text) {
			n++
		}
	}
	return n
}

// outboxEmpty waits until nothing waits in the (shared) outbox.
func (rs *replicaSet) outboxEmpty(r *replica, limit time.Duration) {
	t := rs.t
	t.Helper()
	deadline := time.Now().Add(limit)
	for r.metric("warroom_outbox_depth") != "0" {
		if time.Now().After(deadline) {
			t.Fatalf("outbox not empty after %v (depth %q)", limit, r.metric("warroom_outbox_depth"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
