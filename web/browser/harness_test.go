package browser

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// warroomBin is the binary under test: $WARROOM_BIN, or one TestMain builds.
var warroomBin string

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	bin := os.Getenv("WARROOM_BIN")
	if bin == "" {
		dir, err := os.MkdirTemp("", "warroom-browser-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "browser:", err)
			return 2
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "warroom")
		cmd := exec.Command("go", "build", "-o", bin, "github.com/warroom/warroom/cmd/warroom")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "browser: building warroom:", err)
			return 2
		}
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "browser:", err)
		return 2
	}
	warroomBin = abs
	return m.Run()
}

const config = `
leads: [dave]
roster:
  - {name: alice}
  - {name: bob}
  - {name: carol}
  - {name: dave}
`

// bot is `warroom run` on the console workspace with the web view on, fed on stdin.
type bot struct {
	t     *testing.T
	dir   string
	db    string
	cfg   string
	base  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	mu    sync.Mutex
	out   strings.Builder // the console's output
	grew  chan struct{}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
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

func startBot(t *testing.T) *bot {
	t.Helper()
	dir := t.TempDir()
	b := &bot{t: t, dir: dir, db: filepath.Join(dir, "w.db"), cfg: filepath.Join(dir, "warroom.yaml"), grew: make(chan struct{}, 1)}
	if err := os.WriteFile(b.cfg, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	b.base = "http://" + addr
	b.cmd = exec.Command(warroomBin, "run", "--db", b.db, "--config", b.cfg, "--web-addr", addr, "--user", "alice", "--files", filepath.Join(dir, "files"))
	b.cmd.Env = cleanEnv()
	var err error
	if b.stdin, err = b.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := b.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	b.cmd.Stderr = stderrTo{b}
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			b.mu.Lock()
			b.out.WriteString(sc.Text() + "\n")
			b.mu.Unlock()
			select {
			case b.grew <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		b.stdin.Close() // the console ends at end of input
		done := make(chan struct{})
		go func() { _ = b.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = b.cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("warroom output:\n%s", b.output())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(b.base + "/login")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return b
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the web view never answered on %s:\n%s", b.base, b.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stderrTo appends the process's stderr to the same output, under the lock.
type stderrTo struct{ b *bot }

func (w stderrTo) Write(p []byte) (int, error) {
	w.b.mu.Lock()
	defer w.b.mu.Unlock()
	return w.b.out.Write(p)
}

func (b *bot) output() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.String()
}

// send types lines into the console.
func (b *bot) send(lines ...string) {
	b.t.Helper()
	for _, l := range lines {
		if _, err := io.WriteString(b.stdin, l+"\n"); err != nil {
			b.t.Fatal(err)
		}
	}
}

// waitFor waits until the console output matches re and returns the first submatch.
func (b *bot) waitFor(re *regexp.Regexp) []string {
	b.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		if m := re.FindStringSubmatch(b.output()); m != nil {
			return m
		}
		select {
		case <-b.grew:
		case <-deadline:
			b.t.Fatalf("the console never printed %v:\n%s", re, b.output())
		}
	}
}

// webLogin runs `warroom web-login name` and returns the link it prints.
func (b *bot) webLogin(name string) string {
	b.t.Helper()
	cmd := exec.Command(warroomBin, "web-login", name, "--db", b.db, "--config", b.cfg, "--web-url", b.base)
	cmd.Env = cleanEnv()
	out, err := cmd.Output()
	if err != nil {
		b.t.Fatalf("web-login %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// chromium finds the browser: $CHROME, else the usual names on PATH.
func chromium() (string, error) {
	if p := os.Getenv("CHROME"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium found (looked for $CHROME, chromium, chromium-browser, google-chrome on PATH; Debian: apt-get install chromium)")
}

// browser starts one headless Chromium with a new empty profile for the test and its
// subtests; without one the test skips, or fails under CI.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := chromium()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set, so the browser tests must run: %v", err)
		}
		t.Skipf("browser tests skipped: %v", err)
	}
	profile := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Chromium at %s did not start: %v", path, err)
		}
		t.Skipf("browser tests skipped: Chromium at %s did not start: %v", path, err)
	}
	return ctx
}
