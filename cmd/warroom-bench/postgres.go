package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/pgtest"
)

// The PostgreSQL bench (docs/deploy.md): signed /incident note commands from the open-loop
// generator (openloop.go) at a paced rate and at saturation, against warroom on SQLite, on
// PostgreSQL with one replica and with three behind a round-robin balancer — one after the
// other in the same run, each on its own database and fake Slack, the one before stopped.
// Then failover: the leader of the three killed with SIGKILL, and the time until the first
// timer fired by the new leader, over several kills.
//
// The server is a throwaway cluster from internal/pgtest (fsync on, unix socket), on the
// same machine as warroom and the load.

type pgBenchConfig struct {
	pacedRate int           // commands/s of the tail-latency run
	pacedDur  time.Duration // its length
	offered   int           // commands/s offered at saturation
	satDur    time.Duration // its window
	kills     int           // failovers measured
	replicas  int           // the larger deployment's replicas (1: no failover, a restart instead)
}

// pgBenchYAML: the no-commander reminder 2 s after each declaration, so that during a
// failover a timer falls due every 50 ms (failover below).
const pgBenchYAML = "leads: [alice]\nroster:\n  - {name: alice, slack: " + benchAlice + "}\nnudges: {no_commander: 2s}\n"

func benchPostgres(bin, dir string, cfg pgBenchConfig) []figure {
	cluster, err := pgtest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "warroom-bench: the PostgreSQL figures are not measured:", err, "(scripts/test-deps installs Debian's postgresql)")
		return []figure{{name: "pg_server_started", value: -1, target: "starts", ok: check(-1, true, 0)}}
	}
	defer func() {
		if err := cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "warroom-bench:", err)
		}
	}()
	key := filepath.Join(dir, "pg.key")
	setups := []struct {
		name     string
		replicas int
		pg       bool
	}{{"sqlite", 1, false}, {"pg_1_replica", 1, true}}
	many := fmt.Sprintf("pg_%d_replicas", cfg.replicas)
	if cfg.replicas > 1 {
		setups = append(setups, struct {
			name     string
			replicas int
			pg       bool
		}{many, cfg.replicas, true})
	}
	var figs []figure
	rates := map[string]float64{}
	lost := 0.0
	for _, s := range setups {
		db := filepath.Join(dir, "replicas-sqlite.db")
		k := ""
		if s.pg {
			if db, _, err = cluster.CreateDatabase(); err != nil {
				fatal(err)
			}
			if out, err := exec.Command(bin, "key", "--db", db, "--key", key).CombinedOutput(); err != nil {
				fatal(fmt.Errorf("warroom key: %v: %s", err, out))
			}
			k = key
		}
		d, err := deploy(bin, dir, s.name, db, k, s.replicas, pgBenchYAML)
		if err != nil {
			fmt.Fprintf(os.Stderr, "warroom-bench: %s not measured: %v\n", s.name, err)
			figs = append(figs, figure{name: s.name + "_started", value: -1, unit: "", target: "runs", ok: check(-1, true, 0)})
			continue
		}
		var acked atomic.Int64
		began := time.Now()
		paced := openLoop(cfg.pacedRate, cfg.pacedDur, false, 10*time.Second, d.noter(s.name+"-paced", &acked))
		// What was acknowledged over the time until the last answer: below the offered rate
		// when the answers fall behind (the generator's own rate() counts the drain as if
		// it were inside the window).
		pacedAcks := float64(paced.acked) / time.Since(began).Seconds()
		time.Sleep(time.Second)
		sat := openLoop(cfg.offered, cfg.satDur, true, 0, d.noter(s.name+"-saturated", &acked))
		for _, r := range []struct {
			label string
			res   loadResult
		}{{fmt.Sprintf("paced %d/s", cfg.pacedRate), paced}, {fmt.Sprintf("saturation, %d/s offered", cfg.offered), sat}} {
			fmt.Printf("# %s %s: %d acked, %.0f/s, p50 %.2f ms, p99 %.2f ms, %d failed, %d sent\n",
				s.name, r.label, r.res.acked, r.res.rate(), ms(pct(r.res.lat, 50)), ms(pct(r.res.lat, 99)), r.res.failed, r.res.sent)
		}
		rates[s.name] = sat.rate()
		figs = append(figs,
			figure{name: fmt.Sprintf("%s_acks_per_s_at_%d", s.name, cfg.pacedRate), value: pacedAcks, unit: "ack/s"},
			figure{name: fmt.Sprintf("%s_ack_p99_at_%d", s.name, cfg.pacedRate), value: ms(pct(paced.lat, 99)), unit: "ms"},
			figure{name: s.name + "_acks_per_s_saturated", value: sat.rate(), unit: "ack/s"},
			figure{name: s.name + "_failed_paced", value: float64(paced.failed), unit: "count", target: "= 0", ok: check(float64(paced.failed), true, 1)},
		)
		if s.pg {
			lost += float64(max(0, int(acked.Load())-pgNotes(db)))
		} else {
			lost += float64(max(0, int(acked.Load())-countNotes(db)))
		}
		if s.pg && s.replicas == cfg.replicas {
			figs = append(figs, failoverFigures(d, cfg.kills)...)
		}
		d.stop()
	}
	for _, name := range []string{"pg_1_replica", many} {
		if rates["sqlite"] > 0 && rates[name] > 0 {
			figs = append(figs, figure{name: name + "_acks_vs_sqlite", value: rates[name] / rates["sqlite"], unit: "x"})
		}
	}
	return append(figs, figure{name: "replicas_acked_not_on_timeline", value: lost, unit: "count", target: "= 0", ok: check(lost, true, 1)})
}

// failoverFigures kills the leader kills times and reports the time from each kill to the
// first timer fired by the new leader: p50, p99 (pct's: over 10 kills the second slowest)
// and the slowest.
func failoverFigures(d *deployment, kills int) []figure {
	var took []time.Duration
	for k := range kills {
		t, err := failover(d, k)
		if err != nil {
			fmt.Fprintf(os.Stderr, "warroom-bench: failover %d: %v\n", k+1, err)
			return []figure{{name: "pg_failover_measured", value: -1, target: "all kills", ok: check(-1, true, 0)}}
		}
		fmt.Printf("# failover %d: first timer fired by the new leader %.0f ms after the kill\n", k+1, ms(t))
		took = append(took, t)
	}
	slices.Sort(took)
	name := "pg_failover" // leader killed → first timer fired by the new leader
	if len(d.bots) == 1 {
		name = "pg_restart_to_timer" // one replica: killed → restarted → its first timer
	}
	return []figure{
		{name: name + "_p50", value: ms(pct(took, 50)), unit: "ms"},
		{name: name + "_p99", value: ms(pct(took, 99)), unit: "ms"},
		{name: name + "_max", value: ms(took[len(took)-1]), unit: "ms", target: "< 15000", ok: check(ms(took[len(took)-1]), true, 15000)},
	}
}

// failover measures one kill. For 2.5 s before it, a replica other than the leader takes a
// declaration every 50 ms, and each declaration's no-commander timer is due 2 s later, so
// from 0.5 s before the kill a timer falls due every 50 ms. Timers record when they fired
// (timers.fired_at): the first fired after the old leader was reaped was fired by the new
// one; the time counts from the kill. The killed replica is started again afterwards (with one replica, at
// once: nobody else could fire).
func failover(d *deployment, k int) (time.Duration, error) {
	leader, err := d.leader(30 * time.Second)
	if err != nil {
		return 0, err
	}
	target := (leader + 1) % len(d.bots)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for j := 0; ; j++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			go func(j int) {
				_, _ = d.senders[target].SlashCommand(d.inGeneral(fmt.Sprintf("declare Failover %d-%d sev1", k+1, j)))
			}(j)
		}
	}()
	defer func() { close(stop); <-done }()
	time.Sleep(2500 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, d.db)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.Background())
	killed := time.Now()
	d.bots[leader].kill()
	// A timer fired after the old leader was reaped was fired by another process; one fired
	// between the signal and its death may carry a later time than killed.
	gone := time.Now()
	if len(d.bots) == 1 {
		if err := d.restart(leader); err != nil {
			return 0, err
		}
	}
	for {
		var first *string
		if err := conn.QueryRow(ctx, `SELECT MIN(fired_at) FROM timers WHERE state = 'fired' AND fired_at > $1`, bot.FormatTime(gone)).Scan(&first); err != nil {
			return 0, err
		}
		if first != nil {
			at, err := bot.ParseTime(*first)
			if err != nil {
				return 0, err
			}
			if len(d.bots) > 1 {
				if err := d.restart(leader); err != nil {
					return 0, err
				}
			}
			return at.Sub(killed), nil
		}
		if ctx.Err() != nil {
			return 0, fmt.Errorf("no timer fired within 60 s of the kill")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// pgNotes counts the notes on PostgreSQL's timeline.
func pgNotes(url string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(ctx, `SELECT COUNT(*) FROM timeline WHERE kind = 'note'`).Scan(&n); err != nil {
		fatal(err)
	}
	return n
}
