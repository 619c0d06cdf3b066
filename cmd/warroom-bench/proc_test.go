package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// A bot in whose run an ack failed has its log kept past the bench's temporary directory
// once it stops, whole; a bot whose acks all succeeded leaves nothing behind.
func TestAFailedAckKeepsTheBotsLog(t *testing.T) {
	start := func(t *testing.T) *botProc {
		log := filepath.Join(t.TempDir(), "bot.log")
		if err := os.WriteFile(log, []byte("{\"level\":\"ERROR\",\"msg\":\"commit failed\"}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("sleep", "60")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		b := &botProc{cmd: cmd, exited: make(chan struct{}), log: log}
		go func() { _ = cmd.Wait(); close(b.exited) }()
		return b
	}
	b := start(t)
	b.keepLogOnStop("paced: 3 of 5000 acks failed")
	b.stop()
	if b.kept == "" {
		t.Fatal("the log of a bot with failed acks was not kept")
	}
	defer os.Remove(b.kept)
	got, err := os.ReadFile(b.kept)
	if err != nil || string(got) != "{\"level\":\"ERROR\",\"msg\":\"commit failed\"}\n" {
		t.Fatalf("kept log %q (%v), want the bot's log", got, err)
	}
	clean := start(t)
	clean.stop()
	if clean.kept != "" {
		os.Remove(clean.kept)
		t.Fatalf("a bot without failed acks had its log kept in %s", clean.kept)
	}
}
