package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/slackfake"
	"github.com/warroom/warroom/storage"
)

// benchCost checks that a command's cost does not grow with the work already recorded
// (issue 18: within 10 % with 1,000 open incidents and 100,000 timeline entries of the
// figures with one). Signed notes over Slack HTTP at a paced 1,000/s and at saturation, on
// a fresh database and on a copy of a loaded one, alternately fresh, loaded, loaded, fresh
// in one run; each side's figure is the mean of its two runs.
func benchCost(bin, dir string) []figure {
	loaded := filepath.Join(dir, "cost-loaded.db")
	seedOpenIncidents(loaded, 1000, 100000)
	type result struct{ p99, rate, cpu float64 }
	run := func(k int, seeded bool) result {
		db := filepath.Join(dir, fmt.Sprintf("cost-%d.db", k))
		if seeded {
			copyFile(loaded, db)
		}
		var env []string
		// COST_PROFILES=DIR writes each run's CPU profile there (cost-<k>-fresh.pprof,
		// cost-<k>-loaded.pprof): what grows with the work, side by side.
		if pd := os.Getenv("COST_PROFILES"); pd != "" {
			env = []string{"WARROOM_CPU_PROFILE=" + filepath.Join(pd, fmt.Sprintf("cost-%d-%s.pprof", k, map[bool]string{false: "fresh", true: "loaded"}[seeded]))}
		}
		sb := startSlackBot(bin, db, env)
		defer sb.stop()
		var seq atomic.Int64
		note := func(int) bool {
			i := seq.Add(1)
			r, err := sb.sender.SlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: fmt.Sprintf("note cost note %d", i), ChannelID: sb.incCh, UserID: alice})
			return err == nil && r.Status == 200 && contains(r.Body, "Noted")
		}
		cpu0 := procCPUSeconds(sb.bot.cmd.Process.Pid)
		paced := openLoop(1000, 3*time.Second, false, 10*time.Second, note)
		cpu := procCPUSeconds(sb.bot.cmd.Process.Pid) - cpu0
		time.Sleep(time.Second)
		sat := openLoop(8000, 2*time.Second, true, 0, note)
		// The bot's CPU per paced command: what a command costs, however much CPU the
		// shared machine left the bot.
		r := result{p99: ms(pct(paced.lat, 99)), rate: sat.rate(), cpu: 1000 * cpu / float64(max(paced.acked, 1))}
		fmt.Printf("# cost, %s: paced p99 %.2f ms (%d failed), %.3f ms CPU a command; saturated %.0f acks/s\n",
			map[bool]string{false: "fresh", true: "loaded"}[seeded], r.p99, paced.failed, r.cpu, r.rate)
		return r
	}
	var fresh, load result
	for k, seeded := range []bool{false, true, true, false} {
		r := run(k, seeded)
		side := &fresh
		if seeded {
			side = &load
		}
		side.p99 += r.p99 / 2
		side.rate += r.rate / 2
		side.cpu += r.cpu / 2
	}
	p99Ratio, rateRatio, cpuRatio := load.p99/fresh.p99, load.rate/fresh.rate, load.cpu/fresh.cpu
	return []figure{
		{name: "cost_ack_p99_at_1000_fresh", value: fresh.p99, unit: "ms"},
		{name: "cost_ack_p99_at_1000_loaded", value: load.p99, unit: "ms"},
		{name: "cost_ack_p99_loaded_vs_fresh", value: p99Ratio, unit: "x", target: "<= 1.1", ok: check(p99Ratio, true, 1.1)},
		{name: "cost_acks_per_s_fresh", value: fresh.rate, unit: "ack/s"},
		{name: "cost_acks_per_s_loaded", value: load.rate, unit: "ack/s"},
		{name: "cost_acks_loaded_vs_fresh", value: rateRatio, unit: "x", target: ">= 0.9", ok: check(rateRatio, false, 0.9)},
		{name: "cost_cpu_per_command_fresh", value: fresh.cpu, unit: "ms"},
		{name: "cost_cpu_per_command_loaded", value: load.cpu, unit: "ms"},
		{name: "cost_cpu_loaded_vs_fresh", value: cpuRatio, unit: "x", target: "<= 1.1", ok: check(cpuRatio, true, 1.1)},
	}
}

// seedOpenIncidents writes n open incidents (on Slack, in channels the fake does not have)
// holding entries timeline entries between them.
func seedOpenIncidents(path string, n, entries int) {
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		fatal(err)
	}
	defer db.Close()
	t0 := time.Now().Add(-24 * time.Hour)
	err = db.Update(ctx, func(tx *storage.Tx) error {
		for i := 1; i <= n; i++ {
			inc := &bot.Incident{Title: fmt.Sprintf("Open incident %d", i), Severity: 3, Phase: bot.PhaseIdentification, Status: bot.StatusOpen,
				Platform: "slack", ChannelName: fmt.Sprintf("inc-%d-open-incident-%d", i, i), DeclaredBy: alice, DeclaredAt: t0}
			if err := tx.CreateIncident(inc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		fatal(err)
	}
	for done := 0; done < entries; {
		err := db.Update(ctx, func(tx *storage.Tx) error {
			for i := 0; i < 10000 && done < entries; i, done = i+1, done+1 {
				e := &bot.Entry{At: t0.Add(time.Duration(done) * time.Second), Actor: alice, Kind: bot.KindNote,
					Text: fmt.Sprintf("checked host %d: nothing new since the snapshot", done), Data: []byte("{}")}
				if _, err := tx.Append(int64(done%n+1), e, ""); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			fatal(err)
		}
	}
}

func copyFile(from, to string) {
	in, err := os.Open(from)
	if err != nil {
		fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		fatal(err)
	}
	if err := out.Close(); err != nil {
		fatal(err)
	}
}
