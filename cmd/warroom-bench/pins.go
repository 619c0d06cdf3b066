package main

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// pinPhases is how many phases each side of the 📌 comparison runs, alternating
// Slack-engine-engine-Slack.
const pinPhases = 4

// benchPins measures 📌 through the whole Slack path — the signed event, the ack, the
// adapter reading the message back (conversations.history), the engine's write, the
// ephemeral confirmation reaching the fake — against the engine taking the same pins
// directly, in the same run (issue 18: at least half its rate).
//
// The two sides alternate A-B-B-A (Slack, engine, engine, Slack, and again), n/pinPhases
// pins a phase, and each side's rate is its pins over the time of its own phases: run one
// after the other, a change of load between them (other work on the machine) moved the
// ratio 0.13–0.68× within minutes. A Slack phase ends when its last confirmation reached
// the fake, so none of its work runs on into the engine's phase.
func benchPins(bin, dir string, n int) []figure {
	per := max(n/pinPhases, 1)
	n = per * pinPhases
	sb := startSlackBot(bin, filepath.Join(dir, "pins.db"), nil)
	defer sb.stop()
	slack := newSlackPins(sb, n)
	defer slack.close()
	engine := newEnginePins(filepath.Join(dir, "pins-engine.db"))
	defer engine.close()
	pid := sb.bot.cmd.Process.Pid
	var slackTook, engineTook time.Duration
	var botCPU, fakeCPU, engineCPU float64
	for i := range 2 * pinPhases {
		bench := cpuSeconds()
		if turnA(i) { // the Slack path is side A
			bot := procCPUSeconds(pid)
			slackTook += slack.run(per)
			botCPU += procCPUSeconds(pid) - bot
			fakeCPU += cpuSeconds() - bench
			continue
		}
		engineTook += engine.run(per)
		engineCPU += cpuSeconds() - bench
	}
	engine.verify(n)
	slackRate, engineRate := float64(n)/slackTook.Seconds(), float64(n)/engineTook.Seconds()
	ratio := slackRate / engineRate
	perPin := func(s float64) float64 { return 1000 * s / float64(n) }
	return []figure{
		{name: "slack_pin_events_per_second", value: slackRate, unit: "ev/s"},
		{name: "slack_pin_engine_per_second", value: engineRate, unit: "ev/s"},
		{name: "slack_pin_vs_engine", value: ratio, unit: "x", target: ">= 0.5", ok: check(ratio, false, 0.5)},
		// CPU per pin: warroom's on the Slack path, the bench's own (the fake Slack and the
		// senders, which share the machine), and the engine's taking pins directly.
		{name: "slack_pin_bot_cpu", value: perPin(botCPU), unit: "ms/pin"},
		{name: "slack_pin_fake_cpu", value: perPin(fakeCPU), unit: "ms/pin"},
		{name: "slack_pin_engine_cpu", value: perPin(engineCPU), unit: "ms/pin"},
	}
}

// slackPins reacts 📌 through the HTTP Events API to human messages posted beforehand.
type slackPins struct {
	sb   *slackBot
	ts   []string
	next int
	conn *sql.DB
	seen int // the fake's ephemerals counted so far
}

func newSlackPins(sb *slackBot, n int) *slackPins {
	p := &slackPins{sb: sb, ts: make([]string, n)}
	for i := range p.ts {
		p.ts[i] = sb.fake.PostAsUser(sb.incCh, alice, fmt.Sprintf("evidence line %d from the proxy log", i))
	}
	p.seen = len(sb.fake.EphemeralsFrom(0))
	var err error
	if p.conn, err = sql.Open("sqlite3", "file:"+sb.db+"?mode=ro&_busy_timeout=5000"); err != nil {
		fatal(err)
	}
	return p
}

func (p *slackPins) close() { p.conn.Close() }

func (p *slackPins) pins() int {
	var c int
	_ = p.conn.QueryRow(`SELECT COUNT(*) FROM timeline WHERE kind = 'pin'`).Scan(&c)
	return c
}

// run reacts to the next k messages from 64 senders and returns the time until every one
// is on the timeline and its confirmation reached the fake.
func (p *slackPins) run(k int) time.Duration {
	fake, ts := p.sb.fake, p.ts[p.next:p.next+k]
	p.next += k
	pinned, confirmed := p.pins(), 0
	start := time.Now()
	_, _, failed := closedLoop(k, func(i int) (time.Duration, bool) {
		t0 := time.Now()
		r, _, err := p.sb.sender.ReactionAdded(slackfake.ReactionAdded{User: alice, Reaction: "pushpin", Channel: p.sb.incCh, TS: ts[i]})
		return time.Since(t0), err == nil && r.Status == 200
	})
	if failed > 0 {
		fatal(fmt.Errorf("%d reactions were not acknowledged", failed))
	}
	// The confirmation follows the commit, so once all have come every pin is recorded.
	if !fake.WaitFor(func() bool {
		for _, e := range fake.EphemeralsFrom(p.seen) {
			p.seen++
			confirmed += pinConfirmations(e.Text)
		}
		return confirmed >= k
	}, 120*time.Second) {
		fatal(fmt.Errorf("%d of %d pins were confirmed", confirmed, k))
	}
	took := time.Since(start)
	if got := p.pins() - pinned; got != k {
		fatal(fmt.Errorf("%d of %d confirmed pins reached the timeline", got, k))
	}
	return took
}

// pinConfirmations is how many pins an ephemeral confirms: a line "Added to the … timeline"
// each, or the count a repeated line is written with once ("… (×12)"): answers queued behind
// one in flight to the same person go together (bot/slack/replyjoin.go).
func pinConfirmations(text string) int {
	n := 0
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "Added to the ") {
			continue
		}
		c := 1
		if i := strings.LastIndex(line, " (×"); i >= 0 && strings.HasSuffix(line, ")") {
			if v, err := strconv.Atoi(line[i+len(" (×") : len(line)-1]); err == nil {
				c = v
			}
		}
		n += c
	}
	return n
}
