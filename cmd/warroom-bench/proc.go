package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// botProc is a running warroom subprocess.
type botProc struct {
	cmd    *exec.Cmd
	http   string // base URL of the Slack endpoints
	admin  string
	exited chan struct{}          // closed once the process has exited and been reaped
	log    string                 // its stdout and stderr, in the bench's temporary directory
	keep   atomic.Pointer[string] // why its log is kept past the bench, once any ack failed
	kept   string                 // where it was kept, once stopped
}

func freePort() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startBot runs `warroom run` with the given environment and waits until /readyz answers,
// returning how long that took; the bench stops if it never does.
func startBot(bin, db string, env []string) (*botProc, time.Duration) {
	b, took, err := launchBot(bin, db, db+".log", env)
	if err != nil {
		fatal(err)
	}
	return b, took
}

// launchBot is startBot for a start that may fail (a replica refused): the error carries
// the log.
func launchBot(bin, db, logPath string, env []string) (*botProc, time.Duration, error) {
	httpAddr, adminAddr := freePort(), freePort()
	cmd := exec.Command(bin, "run", "--db", db, "--http", httpAddr, "--admin-addr", adminAddr, "--log-format", "json")
	cmd.Env = append(os.Environ(), env...)
	logf, _ := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	b := &botProc{cmd: cmd, http: "http://" + httpAddr, admin: "http://" + adminAddr, exited: make(chan struct{}), log: logPath}
	go func() { _ = cmd.Wait(); logf.Close(); close(b.exited) }()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-b.exited:
			deadline = time.Now()
			continue
		default:
		}
		resp, err := client.Get(b.admin + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return b, time.Since(start), nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	b.stop()
	log, _ := os.ReadFile(logPath)
	return nil, 0, fmt.Errorf("warroom did not become ready in 30 s; log:\n%s", log)
}

// kill sends SIGKILL and waits for the process to be gone.
func (b *botProc) kill() {
	_ = b.cmd.Process.Kill()
	<-b.exited
}

func (b *botProc) stop() {
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(20 * time.Second):
		b.kill()
	}
	if why := b.keep.Load(); why != nil && b.kept == "" {
		b.kept = keepLog(b.log, *why)
	}
}

// keepLogOnStop has the bot's log copied out of the bench's temporary directory (removed
// when the bench ends) once the bot has stopped, its path printed: a run in which acks
// failed can be explained afterwards. Once 64 of 5,000 acks failed (p50 3.6 s) and the log
// was gone with the directory.
func (b *botProc) keepLogOnStop(why string) { b.keep.CompareAndSwap(nil, &why) }

// keepLog copies the log at path to a new file under the system's temporary directory and
// returns its path ("" if it could not).
func keepLog(path, why string) string {
	out, err := os.CreateTemp("", "warroom-bench-failed-*.log")
	if err == nil {
		var in *os.File
		if in, err = os.Open(path); err == nil {
			_, err = io.Copy(out, in)
			in.Close()
		}
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "warroom-bench: %s; the bot's log could not be kept: %v\n", why, err)
		return ""
	}
	fmt.Fprintf(os.Stderr, "warroom-bench: %s; the bot's log (stdout and stderr) is kept in %s\n", why, out.Name())
	return out.Name()
}

// rssKB reads a process's resident set size.
func rssKB(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			f := strings.Fields(l)
			v, _ := strconv.ParseFloat(f[1], 64)
			return v
		}
	}
	return -1
}

// runTimed runs a command to completion and returns its wall time and peak RSS (KiB).
//
// On Linux a process's ru_maxrss starts from the high-water mark of the address space it
// replaced at exec, and Go starts a command in its parent's address space (vfork), so a
// command run from here would report this process's own peak — a 100,000-entry incident
// seeded and loaded — rather than its own. So it is run from a fresh copy of this program
// (peakRSSArg), whose own peak is a few MB, and that copy reports the command's.
func runTimed(ctx context.Context, bin string, args ...string) (time.Duration, float64, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, 0, err
	}
	cmd := exec.CommandContext(ctx, self, append([]string{peakRSSArg, bin}, args...)...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	if err != nil {
		return took, 0, fmt.Errorf("%v: %s", err, errOut.String())
	}
	maxrss := -1.0 // not measured: check fails it
	if kib, err := strconv.ParseFloat(strings.TrimSpace(out.String()), 64); err == nil {
		maxrss = kib
	}
	return took, maxrss, nil
}

// peakRSSArg, first on warroom-bench's command line, makes it run the rest as a command
// and print the command's peak RSS in KiB (-1 when unknown), exiting with its status.
const peakRSSArg = "-peak-rss-of"

func peakRSSMain(args []string) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	err := cmd.Run()
	maxrss := int64(-1)
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			maxrss = ru.Maxrss
		}
	}
	fmt.Println(maxrss)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// procCPUSeconds is the CPU time (user and system) a process has used so far, from
// /proc/PID/stat; -1 when it cannot be read. On a shared machine it says what a path
// costs when its wall-clock rate only says how much CPU it was given.
func procCPUSeconds(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	// The command name (field 2) may hold spaces: count fields after its closing ')'.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if i < 0 || len(f) < 13 {
		return -1
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return (utime + stime) / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on every Linux Go runs on.
const clockTicks = 100
