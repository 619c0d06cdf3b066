//go:build faults

package faults

// The harness: the real warroom binary as a subprocess (its own database, --http and
// --admin-addr on free 127.0.0.1 ports, Slack from the environment) against the fake
// Slack running in the test process. Waits are bounded polling loops or the fake's change
// notifications, each with a deadline; nothing here talks to anything but 127.0.0.1.

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/warroom/warroom/internal/fakes/slackfake"
	"github.com/warroom/warroom/internal/pgtest"
	"github.com/warroom/warroom/internal/testutil"
)

// warroomBin is the binary under test: $WARROOM_BIN (make faults sets it to bin/warroom,
// freshly built), or one TestMain builds when it is unset.
var warroomBin string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	bin := os.Getenv("WARROOM_BIN")
	if bin == "" {
		dir, err := os.MkdirTemp("", "warroom-faults-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "faults:", err)
			return 2
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "warroom")
		cmd := exec.Command("go", "build", "-o", bin, "github.com/warroom/warroom/cmd/warroom")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "faults: building warroom (set WARROOM_BIN to use a built one):", err)
			return 2
		}
	}
	abs, err := filepath.Abs(bin)
	if err == nil {
		_, err = os.Stat(abs)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "faults: no warroom binary at %s (run `make faults`, which builds bin/warroom): %v\n", bin, err)
		return 2
	}
	warroomBin = abs
	defer pgtest.StopShared() // the replicas test's PostgreSQL cluster, if it started one
	return m.Run()
}

// figure prints one measured figure line, `fault <test> key=value …`, on stdout, where
// docs/faults.md and CI logs pick it up.
func figure(format string, args ...any) {
	fmt.Printf("fault "+format+"\n", args...)
}

// The workspace every test starts from.
const (
	signingSecret = "faults-signing-secret-0123456789"
	uAlice        = "U0ALICE"
	uBob          = "U0BOB"
)

type workspace struct {
	fake    *slackfake.Server
	general string
}

func newWorkspace(t *testing.T) *workspace {
	t.Helper()
	fake := slackfake.New(t, slackfake.WithSigningSecret(signingSecret))
	fake.AddUser(uAlice, "alice")
	fake.AddUser(uBob, "bob")
	general := fake.AddChannel("general", false, fake.BotUserID(), uAlice, uBob)
	return &workspace{fake: fake, general: general}
}

// sharedTransport keeps connections to the bot alive across the tests' many clients.
var sharedTransport = &http.Transport{
	Proxy:               nil,
	DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
	MaxIdleConns:        256,
	MaxIdleConnsPerHost: 256,
	IdleConnTimeout:     30 * time.Second,
}

// sender returns a signing HTTP sender aimed at the bot.
func (w *workspace) sender(b *botProc) *slackfake.HTTPSender {
	s := w.fake.HTTPSender(b.baseURL())
	s.Client = &http.Client{Timeout: 10 * time.Second, Transport: sharedTransport}
	return s
}

// command is a slash command's fields with every default filled in now, so sending it
// again (a retry) carries the same trigger_id.
func (w *workspace) command(channel, user, text string) slackfake.SlashCommandFields {
	return w.fake.PrepareSlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: text, ChannelID: channel, UserID: user})
}

// ackText is the text of a slash command's HTTP answer ("" for a bare 200).
func ackText(body []byte) (string, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return "", nil
	}
	var p struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return "", fmt.Errorf("ack is not JSON: %q", body)
	}
	return p.Text, nil
}

// say sends one command and returns the ack's text; anything but a 200 fails the test.
func (w *workspace) say(t *testing.T, b *botProc, channel, user, text string) string {
	t.Helper()
	res, err := w.sender(b).SlashCommand(w.command(channel, user, text))
	if err != nil {
		t.Fatalf("/incident %s: %v", text, err)
	}
	if res.Status != http.StatusOK {
		t.Fatalf("/incident %s: HTTP %d %s", text, res.Status, res.Body)
	}
	ans, err := ackText(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return ans
}

var channelNameRE = regexp.MustCompile(`#(inc-[a-z0-9-]+)`)

// declare declares an incident from #general and waits until its channel exists in the
// fake and the bot has recorded it (the outbox is empty), so commands in it work.
func (w *workspace) declare(t *testing.T, b *botProc, user, title string) string {
	t.Helper()
	ans := w.say(t, b, w.general, user, "declare "+title)
	m := channelNameRE.FindStringSubmatch(ans)
	if !strings.Contains(ans, "Declared INC-") || m == nil {
		t.Fatalf("declare %q answered %q", title, ans)
	}
	var id string
	if !w.fake.WaitFor(func() bool {
		ch, ok := w.fake.ChannelByName(m[1])
		id = ch.ID
		return ok
	}, 30*time.Second) {
		t.Fatalf("channel #%s never created\n%s", m[1], b.logTail(40))
	}
	b.waitOutboxEmpty(t, 30*time.Second)
	return id
}

// botMessages lists the texts the bot posted in a channel, oldest first.
func (w *workspace) botMessages(ch string) []string {
	var out []string
	for _, m := range w.fake.Messages(ch) {
		if m.BotID != "" || m.User == w.fake.BotUserID() {
			out = append(out, m.Text)
		}
	}
	return out
}

// botProc is one warroom deployment: a database and two addresses that survive restarts,
// and the process currently running, if any.
type botProc struct {
	t         *testing.T
	db        string
	config    string
	httpAddr  string
	adminAddr string
	env       []string
	logPath   string
	starts    int

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	state  *os.ProcessState
}

// newBot prepares (does not start) a bot on the database at db, with the workspace's
// roster in its configuration.
func newBot(t *testing.T, w *workspace, db string) *botProc {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "warroom.yaml")
	yaml := "leads: [alice]\nroster:\n  - {name: alice, slack: " + uAlice + "}\n  - {name: bob, slack: " + uBob + "}\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	b := &botProc{t: t, db: db, config: cfg, httpAddr: testutil.FreeAddr(t), adminAddr: testutil.FreeAddr(t), logPath: filepath.Join(dir, "warroom.log")}
	b.env = append(cleanEnv(),
		"SLACK_BOT_TOKEN="+w.fake.BotToken(),
		"SLACK_SIGNING_SECRET="+signingSecret,
		"SLACK_API_URL="+w.fake.APIURL(),
	)
	t.Cleanup(func() {
		b.kill()
		if t.Failed() {
			t.Logf("warroom log (last lines):\n%s", b.logTail(60))
		}
	})
	return b
}

// cleanEnv is this process's environment without anything that configures warroom.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "WARROOM_") || strings.HasPrefix(kv, "SLACK_") || strings.HasPrefix(kv, "DISCORD_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func (b *botProc) baseURL() string { return "http://" + b.httpAddr }

// start runs `warroom run` (without waiting for readiness).
func (b *botProc) start() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd != nil {
		b.t.Fatal("start: the bot is already running")
	}
	b.starts++
	logf, err := os.OpenFile(b.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		b.t.Fatal(err)
	}
	fmt.Fprintf(logf, "=== start %d at %s\n", b.starts, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(warroomBin, "run", "--db", b.db, "--config", b.config, "--http", b.httpAddr, "--admin-addr", b.adminAddr)
	cmd.Env = b.env
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		b.t.Fatal(err)
	}
	exited := make(chan struct{})
	b.cmd, b.exited, b.state = cmd, exited, nil
	go func() {
		_ = cmd.Wait()
		logf.Close()
		b.mu.Lock()
		b.state = cmd.ProcessState
		b.mu.Unlock()
		close(exited)
	}()
}

// current is the process running now and the channel closed when it exits (nil, nil
// when none runs).
func (b *botProc) current() (*exec.Cmd, chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cmd, b.exited
}

// waitReady polls /readyz until it answers 200, the process exits, or timeout passes.
func (b *botProc) waitReady(timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	cmd, exited := b.current()
	if cmd == nil {
		return 0, errors.New("not started")
	}
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return 0, fmt.Errorf("warroom exited (%v) before it was ready:\n%s", b.exitState(), b.logTail(20))
		default:
		}
		resp, err := client.Get("http://" + b.adminAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
		}
		pause(10 * time.Millisecond)
	}
	return 0, fmt.Errorf("not ready after %v:\n%s", timeout, b.logTail(20))
}

func (b *botProc) mustStart() time.Duration {
	b.t.Helper()
	b.start()
	d, err := b.waitReady(20 * time.Second)
	if err != nil {
		b.t.Fatal(err)
	}
	return d
}

// kill sends SIGKILL and reaps the process; a no-op when none runs.
func (b *botProc) kill() {
	cmd, exited := b.current()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-exited
	b.mu.Lock()
	b.cmd = nil
	b.mu.Unlock()
}

// stop sends SIGTERM and waits (at most timeout, then SIGKILL) for the process to exit;
// it returns the exit code (-1 when killed).
func (b *botProc) stop(timeout time.Duration) int {
	b.t.Helper()
	cmd, exited := b.current()
	if cmd == nil {
		return -1
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(timeout):
		b.t.Errorf("warroom did not exit within %v of SIGTERM", timeout)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-exited
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cmd = nil
	return b.state.ExitCode()
}

// waitExit waits for a process that is expected to exit by itself (a refused start).
func (b *botProc) waitExit(timeout time.Duration) (int, bool) {
	cmd, exited := b.current()
	if cmd == nil {
		return -1, false
	}
	select {
	case <-exited:
	case <-time.After(timeout):
		return -1, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cmd = nil
	return b.state.ExitCode(), true
}

func (b *botProc) exitState() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == nil {
		return "running"
	}
	return b.state.String()
}

// log is everything the bot wrote to stdout and stderr, over all its starts.
func (b *botProc) log() string {
	data, _ := os.ReadFile(b.logPath)
	return string(data)
}

func (b *botProc) logTail(n int) string {
	lines := strings.Split(strings.TrimRight(b.log(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// metric reads one unlabelled series from /metrics.
func (b *botProc) metric(name string) (float64, error) {
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + b.adminAddr + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("no %s in /metrics", name)
}

// waitOutboxEmpty polls /metrics until nothing waits in the outbox.
func (b *botProc) waitOutboxEmpty(t *testing.T, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		n, err := b.metric("warroom_outbox_depth")
		if err == nil && n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox not empty after %v (depth %v, %v)\n%s", timeout, n, err, b.logTail(30))
		}
		pause(20 * time.Millisecond)
	}
}

// readyz is /readyz's status and body.
func (b *botProc) readyz() (int, string) {
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + b.adminAddr + "/readyz")
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

// pause is the step of a bounded polling loop.
func pause(d time.Duration) {
	t := time.NewTimer(d)
	<-t.C
}

// warroomCLI runs a one-shot warroom command (verify, timeline …) on a database.
func warroomCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, warroomBin, args...)
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	}
	t.Fatalf("warroom %v: %v", args, err)
	return -1, "", ""
}

// verifyAll runs `warroom verify --all` and fails the test unless it exits 0.
func verifyAll(t *testing.T, db string) string {
	t.Helper()
	code, out, errOut := warroomCLI(t, "verify", "--all", "--db", db)
	if code != 0 {
		t.Errorf("warroom verify --all exited %d:\n%s%s", code, out, errOut)
	}
	return strings.TrimSpace(out)
}

// openRO opens the database read-only with database/sql, beside whatever else has it
// open (WAL readers do not block the bot's writer).
func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	q := url.Values{"mode": {"ro"}, "_busy_timeout": {"10000"}}
	db, err := sql.Open("sqlite3", "file:"+strings.ReplaceAll(path, "?", "%3f")+"?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return db
}

// dbState is what a fault test reads back from the database.
type dbState struct {
	integrity string         // PRAGMA integrity_check, rows joined
	notes     map[string]int // note text → how many timeline entries carry it
	entries   int            // timeline entries, all incidents
	incidents int
	outbox    int // outbox rows, whatever their state
}

// readDB reads the state back through a read-only connection.
func readDB(t *testing.T, path string) dbState {
	t.Helper()
	db := openRO(t, path)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := dbState{notes: map[string]int{}}
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		t.Fatalf("integrity_check: %v", err)
	}
	var res []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			t.Fatal(err)
		}
		res = append(res, r)
	}
	rows.Close()
	s.integrity = strings.Join(res, "; ")
	// One read transaction, so the counts agree with each other.
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	rows, err = tx.QueryContext(ctx, `SELECT text, COUNT(*) FROM timeline WHERE kind = 'note' GROUP BY text`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var text string
		var n int
		if err := rows.Scan(&text, &n); err != nil {
			t.Fatal(err)
		}
		s.notes[text] = n
	}
	rows.Close()
	for q, dst := range map[string]*int{
		`SELECT COUNT(*) FROM timeline`:  &s.entries,
		`SELECT COUNT(*) FROM incidents`: &s.incidents,
		`SELECT COUNT(*) FROM outbox`:    &s.outbox,
	} {
		if err := tx.QueryRowContext(ctx, q).Scan(dst); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return s
}

// missing lists the texts not among the notes.
func (s dbState) missing(texts []string) []string {
	var out []string
	for _, x := range texts {
		if s.notes[x] == 0 {
			out = append(out, x)
		}
	}
	return out
}

// duplicated lists note texts recorded more than once.
func (s dbState) duplicated() []string {
	var out []string
	for x, n := range s.notes {
		if n > 1 {
			out = append(out, fmt.Sprintf("%s×%d", x, n))
		}
	}
	slices.Sort(out)
	return out
}

func firstFew(list []string) []string {
	if len(list) > 5 {
		return list[:5]
	}
	return list
}

// faultsSeed is the seed of a test's random kill moments: FAULTS_SEED when set (to draw
// a failed run's moments again), else the clock.
func faultsSeed(t *testing.T) uint64 {
	t.Helper()
	s := os.Getenv("FAULTS_SEED")
	if s == "" {
		return uint64(time.Now().UnixNano())
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("FAULTS_SEED=%q: %v", s, err)
	}
	return v
}
