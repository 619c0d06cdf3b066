package main

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"time"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// benchPins measures 📌 through the whole Slack path — the signed event, the ack, the
// adapter reading the message back (conversations.history and chat.getPermalink), the
// engine's write, the reply — against the engine taking the same pins directly, in the
// same run (issue 18: at least half its rate).
func benchPins(bin, dir string, n int) []figure {
	sb := startSlackBot(bin, filepath.Join(dir, "pins.db"), nil)
	pid := sb.bot.cmd.Process.Pid
	botCPU, benchCPU := procCPUSeconds(pid), cpuSeconds()
	slackRate := benchSlackPins(sb, n)
	botCPU, benchCPU = procCPUSeconds(pid)-botCPU, cpuSeconds()-benchCPU
	sb.stop()
	engineCPU := cpuSeconds()
	engineRate := engineIngestRate(filepath.Join(dir, "pins-engine.db"), n)
	engineCPU = cpuSeconds() - engineCPU
	ratio := slackRate / engineRate
	perPin := func(s float64) float64 { return 1000 * s / float64(n) }
	return []figure{
		{name: "slack_pin_events_per_second", value: slackRate, unit: "ev/s"},
		{name: "slack_pin_engine_per_second", value: engineRate, unit: "ev/s"},
		{name: "slack_pin_vs_engine", value: ratio, unit: "x", target: ">= 0.5", ok: check(ratio, false, 0.5)},
		// CPU per pin: warroom's on the Slack path, the bench's own (the fake Slack and the
		// senders, which share the machine), and the engine's taking pins directly.
		{name: "slack_pin_bot_cpu", value: perPin(botCPU), unit: "ms/pin"},
		{name: "slack_pin_fake_cpu", value: perPin(benchCPU), unit: "ms/pin"},
		{name: "slack_pin_engine_cpu", value: perPin(engineCPU), unit: "ms/pin"},
	}
}

// benchSlackPins reacts 📌 to n human messages through the HTTP Events API and returns the
// rate at which they land on the timeline.
func benchSlackPins(sb *slackBot, n int) float64 {
	ts := make([]string, n)
	for i := range ts {
		ts[i] = sb.fake.PostAsUser(sb.incCh, alice, fmt.Sprintf("evidence line %d from the proxy log", i))
	}
	conn, err := sql.Open("sqlite3", "file:"+sb.db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		fatal(err)
	}
	defer conn.Close()
	count := func() int {
		var c int
		_ = conn.QueryRow(`SELECT COUNT(*) FROM timeline WHERE kind = 'pin'`).Scan(&c)
		return c
	}
	before := count()
	start := time.Now()
	_, _, failed := closedLoop(n, func(i int) (time.Duration, bool) {
		t0 := time.Now()
		r, _, err := sb.sender.ReactionAdded(slackfake.ReactionAdded{User: alice, Reaction: "pushpin", Channel: sb.incCh, TS: ts[i]})
		return time.Since(t0), err == nil && r.Status == 200
	})
	if failed > 0 {
		fatal(fmt.Errorf("%d reactions were not acknowledged", failed))
	}
	deadline := time.Now().Add(120 * time.Second)
	for count()-before < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := count() - before; got != n {
		fatal(fmt.Errorf("%d of %d pins reached the timeline", got, n))
	}
	return float64(n) / time.Since(start).Seconds()
}
