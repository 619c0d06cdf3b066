package main

import (
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// The side-by-side bench: warroom and a Slack Bolt-JS app that only acknowledges
// (bench/peer), both signed-HTTP Slack apps on the same fake Slack, driven by the same
// open-loop generator with the same signed /incident note commands from 64 clients. Each
// measurement runs four times, warroom-peer-peer-warroom (A-B-B-A), with a pause between
// runs that lasts until warroom's outbox has delivered what the last run queued, so neither
// side gains from going first or pays for the other's backlog; each side's figure is the
// mean of its two runs, and the ratio compares figures of the same run of the bench.

// versusConfig sets the load of the side-by-side bench.
type versusConfig struct {
	pacedRate  int           // commands/s of the tail-latency measurement
	pacedDur   time.Duration // its length
	offered    int           // commands/s offered in the saturation measurement
	satDur     time.Duration // its window
	peerDir    string        // bench/peer
	minPause   time.Duration // at least this long between runs
	quietFor   time.Duration // the outbox counts as drained once the fake saw nothing new for this long
	maxPause   time.Duration // give up waiting for the drain after this long
	satTarget  float64       // warroom's acks/s at saturation ≥ satTarget × the peer's
	tailTarget float64       // warroom's p99 at pacedRate ≤ tailTarget ms (and ≤ the peer's)
}

type side struct {
	name string
	send func(i int) bool
	pid  int // the process whose CPU each run reports per ack
}

func benchVersus(bin, dir string, cfg versusConfig) []figure {
	const secret = "bench-signing-secret"
	fake := slackfake.New(nil, slackfake.WithSigningSecret(secret))
	defer fake.Close()
	const alice = "U0ALICE001"
	fake.AddUser(alice, "alice")
	general := fake.AddChannel("general", false, alice, fake.BotUserID())
	env := []string{"SLACK_BOT_TOKEN=" + fake.BotToken(), "SLACK_SIGNING_SECRET=" + secret, "SLACK_API_URL=" + fake.APIURL()}
	db := filepath.Join(dir, "versus.db")
	b, _ := startBot(bin, db, env)
	defer b.stop()
	peer, err := startPeer(cfg.peerDir, filepath.Join(dir, "peer.log"), env)
	if err != nil {
		fmt.Fprintln(os.Stderr, "warroom-bench: the side-by-side bench is not run:", err)
		return []figure{{name: "versus_peer_started", value: -1, unit: "", target: "peer runs", ok: check(-1, true, 0)}}
	}
	defer peer.stop()

	client := func() *http.Client {
		return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: 2 * clients, MaxIdleConnsPerHost: 2 * clients}}
	}
	wr := fake.HTTPSender(b.http)
	wr.Client = client()
	pr := fake.HTTPSender(peer.http)
	pr.Client = client()

	res, err := wr.SlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: "declare Versus bench sev2", ChannelID: general, UserID: alice})
	if err != nil || res.Status != 200 {
		fatal(fmt.Errorf("declare: %v %d %s", err, res.Status, res.Body))
	}
	var incCh string
	if !fake.WaitFor(func() bool {
		c, ok := fake.ChannelByName("inc-1-versus-bench")
		incCh = c.ID
		return ok && len(fake.Messages(c.ID)) > 0
	}, 10*time.Second) {
		fatal(fmt.Errorf("the incident channel never appeared in the fake"))
	}

	var seq atomic.Int64
	var warroomAcked atomic.Int64
	var firstErr atomic.Bool
	note := func(s *slackfake.HTTPSender, want string, counter *atomic.Int64) func(int) bool {
		return func(int) bool {
			i := seq.Add(1)
			r, err := s.SlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: fmt.Sprintf("note versus note %d", i), ChannelID: incCh, UserID: alice})
			ok := err == nil && r.Status == 200 && strings.Contains(string(r.Body), want)
			if !ok && firstErr.CompareAndSwap(false, true) {
				fmt.Fprintf(os.Stderr, "first failed command (%s): err=%v status=%d body=%.300s\n", s.BaseURL, err, r.Status, r.Body)
			}
			if ok && counter != nil {
				counter.Add(1)
			}
			return ok
		}
	}
	sides := [2]side{
		{name: "warroom", send: note(wr, "Noted", &warroomAcked), pid: b.cmd.Process.Pid},
		{name: "peer", send: note(pr, "", nil), pid: peer.cmd.Process.Pid}, // Bolt's ack is an empty 200
	}
	pause := func() { pauseFor(fake, cfg.minPause, cfg.quietFor, cfg.maxPause, incCh) }
	// abba runs one measurement warroom, peer, peer, warroom and returns each side's runs.
	abba := func(label string, run func(s side) loadResult) [2][]loadResult {
		var out [2][]loadResult
		for _, k := range []int{0, 1, 1, 0} {
			// On a shared machine the latencies move with the neighbours' load; the CPU a
			// side spent per ack (its process only, the run and the drain of its outbox in the
			// pause after it) does much less.
			// Posts in the incident channel when the run ends and when it has drained say how
			// much of warroom's outbox work fell inside the measured window.
			cpu0, posts0 := procCPUSeconds(sides[k].pid), len(fake.Messages(incCh))
			r := run(sides[k])
			posted := len(fake.Messages(incCh)) - posts0
			out[k] = append(out[k], r)
			if k == 0 && r.failed > 0 {
				b.keepLogOnStop(fmt.Sprintf("versus, %s: %d of %d acks failed", label, r.failed, r.sent))
			}
			pause()
			cpu := procCPUSeconds(sides[k].pid) - cpu0
			fmt.Printf("# %s %s: %d acked, %.0f/s, p50 %.2f ms, p99 %.2f ms, %d failed, %d sent, %.0f µs CPU/ack, %d posted in the run, %d after\n",
				label, sides[k].name, r.acked, r.rate(), ms(pct(r.lat, 50)), ms(pct(r.lat, 99)), r.failed, r.sent, cpu/float64(max(r.acked, 1))*1e6,
				posted, len(fake.Messages(incCh))-posts0-posted)
		}
		return out
	}
	pause()
	tail := abba(fmt.Sprintf("paced %d/s", cfg.pacedRate), func(s side) loadResult {
		return openLoop(cfg.pacedRate, cfg.pacedDur, false, 10*time.Second, s.send)
	})
	sat := abba(fmt.Sprintf("saturation, %d/s offered", cfg.offered), func(s side) loadResult {
		return openLoop(cfg.offered, cfg.satDur, true, 0, s.send)
	})

	// Every acknowledged note is on the timeline: the ack came after the commit.
	onTimeline := countNotes(db)
	lost := float64(max(0, int(warroomAcked.Load())-onTimeline))

	mean := func(rs []loadResult, f func(loadResult) float64) float64 {
		s := 0.0
		for _, r := range rs {
			s += f(r)
		}
		return s / float64(len(rs))
	}
	p99 := func(r loadResult) float64 { return ms(pct(r.lat, 99)) }
	p50 := func(r loadResult) float64 { return ms(pct(r.lat, 50)) }
	rate := func(r loadResult) float64 { return r.rate() }
	failed := func(r loadResult) float64 { return float64(r.failed) }
	w99, p99p := mean(tail[0], p99), mean(tail[1], p99)
	wSat, pSat := mean(sat[0], rate), mean(sat[1], rate)
	tailOK := w99 <= cfg.tailTarget && w99 <= p99p
	pacedName := fmt.Sprintf("versus_ack_p99_at_%d", cfg.pacedRate)
	return []figure{
		vs(fmt.Sprintf("versus_ack_p50_at_%d", cfg.pacedRate), mean(tail[0], p50), mean(tail[1], p50), "ms", "", nil),
		vs(pacedName, w99, p99p, "ms", fmt.Sprintf("<= %.1f, <= peer", cfg.tailTarget), &tailOK),
		vs("versus_acks_per_s_saturated", wSat, pSat, "ack/s", fmt.Sprintf(">= %.0fx peer", cfg.satTarget), check(wSat, false, cfg.satTarget*pSat)),
		vs("versus_failed_paced", mean(tail[0], failed), mean(tail[1], failed), "count", "= 0", check(mean(tail[0], failed), true, 1)),
		{name: "versus_acked_not_on_timeline", value: lost, unit: "count", target: "= 0", ok: check(lost, true, 1)},
	}
}

// vs is a figure measured on both sides.
func vs(name string, warroom, peer float64, unit, target string, ok *bool) figure {
	return figure{name: name, value: warroom, peer: peer, hasPeer: true, unit: unit, target: target, ok: ok}
}

// drainPause is the pause between two runs of a comparison: at least a second, then until
// the bot's outbox delivered what the last run queued into chans (the fake saw nothing new
// there for half a second), at most a minute; the side-by-side bench's pause (main.go).
func drainPause(fake *slackfake.Server, chans ...string) {
	pauseFor(fake, time.Second, 500*time.Millisecond, 60*time.Second, chans...)
}

func pauseFor(fake *slackfake.Server, least, quiet, limit time.Duration, chans ...string) {
	time.Sleep(least)
	waitQuiet(fake, quiet, limit, chans...)
}

// waitQuiet waits until the fake Slack has received nothing new in chans for quiet
// (warroom's outbox delivered what the last run queued), or until limit.
func waitQuiet(fake *slackfake.Server, quiet, limit time.Duration, chans ...string) {
	posts := func() (n int) {
		for _, ch := range chans {
			n += len(fake.Messages(ch))
		}
		return n
	}
	deadline := time.Now().Add(limit)
	last, since := posts(), time.Now()
	for time.Now().Before(deadline) && time.Since(since) < quiet {
		time.Sleep(50 * time.Millisecond)
		if n := posts(); n != last {
			last, since = n, time.Now()
		}
	}
}

func countNotes(db string) int {
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		fatal(err)
	}
	defer conn.Close()
	var c int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM timeline WHERE kind = 'note'`).Scan(&c); err != nil {
		fatal(err)
	}
	return c
}
