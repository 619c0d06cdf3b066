package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// peerProc is the Bolt-JS peer (bench/peer/app.js) running under node.
type peerProc struct {
	cmd  *exec.Cmd
	http string
}

// startPeer runs the peer against the fake Slack and waits until it listens. Its
// dependencies are installed by `make bench` (npm ci from bench/peer/package-lock.json).
func startPeer(peerDir, logPath string, env []string) (*peerProc, error) {
	app := filepath.Join(peerDir, "app.js")
	if _, err := os.Stat(filepath.Join(peerDir, "node_modules", "@slack", "bolt")); err != nil {
		return nil, fmt.Errorf("the peer's dependencies are not installed in %s (make bench runs npm ci there): %w", peerDir, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is needed for the Bolt-JS peer: %w", err)
	}
	addr := freePort()
	cmd := exec.Command(node, app)
	cmd.Dir = peerDir
	cmd.Env = append(os.Environ(), append(env, "PEER_ADDR="+addr, "NODE_ENV=production")...)
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "ready" {
				ready <- true
			}
		}
		ready <- false
	}()
	p := &peerProc{cmd: cmd, http: "http://" + addr}
	select {
	case ok := <-ready:
		if ok {
			return p, nil
		}
	case <-time.After(30 * time.Second):
	}
	p.stop()
	log, _ := os.ReadFile(logPath)
	return nil, fmt.Errorf("the Bolt-JS peer did not start; its log:\n%s", log)
}

func (p *peerProc) pid() int { return p.cmd.Process.Pid }

func (p *peerProc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}
