package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot/console"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/outbox"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/timers"
)

// run starts the bot: every platform configured in the environment, or the console.
func (m *Main) run(ctx context.Context, o *options, shell bool) int {
	cfg, tpl, err := m.loadConfig(o)
	if err != nil {
		return m.fail("%v", err)
	}
	if o.cpuProfile != "" {
		stop, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			return m.fail("--cpu-profile %s: %v", o.cpuProfile, err)
		}
		defer stop()
	}
	platformsWanted := !shell && (m.Getenv("SLACK_BOT_TOKEN") != "" || m.Getenv("DISCORD_BOT_TOKEN") != "")
	level := slog.LevelInfo
	if !platformsWanted {
		level = slog.LevelWarn // the console's own output is the interface
	}
	log := m.logger(o, level)
	var lock *dbLock
	if !storage.IsPostgresURL(o.db) {
		if lock, err = lockDB(o.db); err != nil {
			return m.fail("%v", err)
		}
	}
	defer lock.release()
	db, err := storage.Open(ctx, o.db)
	if err != nil {
		return m.fail("%v", err)
	}
	defer db.Close()
	lockLost := func() bool { return false }
	if !platformsWanted {
		// The console is one process per database on PostgreSQL too; replicas campaign
		// instead (leader.go).
		var releaseRun func()
		if ctx, lockLost, releaseRun, err = holdRunLock(ctx, db, log); err != nil {
			return m.fail("%v", err)
		}
		defer releaseRun()
	}
	clock := clockwork.NewRealClock()
	tel := newTelemetry(db)
	keyPath := m.keyPath(o)
	if db.IsPostgres() {
		if keyPath, err = m.pgKeyPath(o, false); err != nil {
			return m.fail("%v", err)
		}
	}
	key, err := loadOrCreateKey(ctx, keyPath, db)
	if err != nil {
		return m.fail("%v", err)
	}
	wv, err := startWeb(ctx, o, cfg, tpl, db, clock, log, key)
	if err != nil {
		return m.fail("%v", err)
	}
	defer wv.close()
	signers, err := actionSigners(cfg, m.Getenv)
	if err != nil {
		return m.fail("%v", err)
	}
	acts := &actionRunner{}
	// The console delivers and fires timers itself; on the platforms the leader does
	// (leaderWork), and the engine's hooks reach its current term.
	var deliverer *outbox.Deliverer
	var sched *timers.Scheduler
	work := &leaderWork{db: db, clock: clock, log: log, tel: tel}
	kick, refresh := work.kick, work.refresh
	if !platformsWanted {
		deliverer = outbox.NewDeliverer(db, clock, log)
		deliverer.Announce(db)
		deliverer.OnDelivered = tel.delivered
		kick = deliverer.Kick
		refresh = func() {
			if sched != nil {
				_ = sched.Refresh(ctx) // a failed read is logged and retried by the scheduler
			}
		}
	}
	hooks := commands.Hooks{TimersChanged: refresh, Observe: wv.observing(tel.observe), Redacted: truncateWAL(ctx, db, log), ActionQueued: acts.kick}
	if o.checkpointLog != "" {
		hooks.Checkpointed = (&checkpointLog{path: o.checkpointLog, log: log}).append
	}
	engine := commands.New(commands.Deps{Store: commands.StoreOf[*storage.Tx](db), Config: cfg, Templates: tpl, Clock: clock, Log: log, Kick: kick,
		Hooks: hooks, Platforms: livePlatforms(m.Getenv, platformsWanted), Key: key, WebURL: wv.base})
	if err := engine.ArmHandoffs(ctx); err != nil {
		return m.fail("%v", err)
	}
	startActs := func(ctx context.Context) *actionRunner {
		acts.start(ctx, cfg, signers, engine, clock, log)
		return acts
	}
	pruneFn := func(ctx context.Context) { prune(ctx, db, clock, cfg.Retention.Outbox.Std(), log) }
	mux := http.NewServeMux()
	if !shell {
		if err := startAlerts(m.Getenv, cfg, o.http, livePlatforms(m.Getenv, platformsWanted), engine, clock, log, tel, mux); err != nil {
			return m.fail("%v", err)
		}
	}
	if !platformsWanted {
		if sched, err = timers.NewScheduler(db, clock, log, engine.FireTimer); err != nil {
			return m.fail("%v", err)
		}
		if err := sched.Start(ctx); err != nil {
			return m.fail("%v", err)
		}
		defer sched.Stop()
		startActs(ctx)
		defer acts.close() // before the database closes
		pruneCtx, stopPruning := context.WithCancel(ctx)
		pruned := make(chan struct{})
		go func() { defer close(pruned); pruneFn(pruneCtx) }()
		defer func() { stopPruning(); <-pruned }() // before the database closes
		if o.admin != "" {
			srv, err := listen(o.admin, adminHandler(db, func() ([]*adapter, bool) { return nil, true }, tel), log)
			if err != nil {
				return m.fail("--admin-addr %s: %v", o.admin, err)
			}
			defer shutdown(srv)
		}
		if !shell && cfg.Alerts.Enabled() {
			// The console has no HTTP endpoints of its own; alerts still arrive on --http.
			srv, err := listen(o.http, mux, log)
			if err != nil {
				return m.fail("--http %s: %v", o.http, err)
			}
			defer shutdown(srv)
		}
		return m.afterRun(m.console(ctx, o, cfg, db, engine, deliverer, clock, shell, log), lockLost)
	}
	env := adapterEnv{getenv: m.Getenv, cfg: cfg, log: log, handler: engine, specs: engine.Specs(), db: db, mux: mux, httpAddr: o.http}
	var adapters []*adapter
	for _, start := range replicaStarters {
		a, err := start(ctx, env)
		if err != nil {
			return m.fail("%v", err)
		}
		if a != nil {
			adapters = append(adapters, a)
			work.always = append(work.always, a.platform)
		}
	}
	failed := make(chan error, 4)
	work.fire, work.leaderOnly, work.env, work.acts, work.prune, work.failed = engine.FireTimer, leaderStarters, env, startActs, pruneFn, failed
	return m.serve(ctx, o, cfg, log, env, adapters, work, failed, tel)
}

// livePlatforms names the platforms this run connects to, for messages that answer no
// event (on-call handoff DMs).
func livePlatforms(getenv func(string) string, platformsWanted bool) []string {
	if !platformsWanted {
		return []string{console.Name}
	}
	var out []string
	if getenv("SLACK_BOT_TOKEN") != "" {
		out = append(out, "slack")
	}
	if getenv("DISCORD_BOT_TOKEN") != "" {
		out = append(out, "discord")
	}
	return out
}

// serve runs the platform adapters every replica connects and the HTTP endpoints, and
// leads when this process is (or becomes) the leader, until ctx ends; then, if it leads,
// it drains the outbox for up to the configured grace period.
func (m *Main) serve(ctx context.Context, o *options, cfg *config.Config, log *slog.Logger, env adapterEnv, adapters []*adapter, work *leaderWork, failed chan error, tel *telemetry) int {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for _, a := range adapters {
		wg.Add(1)
		go func(a *adapter) {
			defer wg.Done()
			if err := a.run(runCtx); err != nil && runCtx.Err() == nil {
				failed <- fmt.Errorf("%s: %w", a.name, err)
			}
		}(a)
		log.Info("platform started", "platform", a.name)
	}
	ld, err := lead(runCtx, work)
	if err != nil {
		cancel()
		wg.Wait()
		return m.fail("%v", err)
	}
	status := func() ([]*adapter, bool) { return append(slices.Clip(adapters), work.adapters()...), ld.Leader() }
	tel.leading(ld.Leader)
	var servers []*http.Server
	stopAll := func() {
		cancel()
		for _, s := range servers {
			shutdown(s)
		}
		wg.Wait()
		ld.stop(cfg.ShutdownGrace.Std())
	}
	if o.http != "" {
		srv, err := listen(o.http, env.mux, log)
		if err != nil {
			stopAll()
			return m.fail("--http %s: %v", o.http, err)
		}
		servers = append(servers, srv)
	}
	if o.admin != "" {
		srv, err := listen(o.admin, adminHandler(env.db, status, tel), log)
		if err != nil {
			stopAll()
			return m.fail("--admin-addr %s: %v", o.admin, err)
		}
		servers = append(servers, srv)
	}
	if m.Ready != nil {
		m.Ready()
	}
	code := exitOK
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-failed:
		log.Error("platform failed", "err", err)
		code = m.fail("%v", err)
	}
	stopAll()
	return code
}

// shutdown stops an HTTP server, letting requests in flight finish for up to 5 s.
func shutdown(s *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.Shutdown(ctx)
}

func listen(addr string, h http.Handler, log *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "addr", addr, "err", err)
		}
	}()
	log.Info("listening", "addr", ln.Addr().String())
	return srv, nil
}

func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// truncateWAL is the hook run after a redaction commits: the WAL is checkpointed and cut to
// zero bytes so the redacted text does not linger in it.
func truncateWAL(ctx context.Context, db *storage.DB, log *slog.Logger) func() {
	return func() {
		if err := db.TruncateWAL(ctx); err != nil {
			log.Warn("after a redaction", "err", err)
		}
	}
}

// The close writes its report apart from the transaction that queues it when the store is
// a commands.FileKeeper (found by a type assertion): this line keeps a renamed method from
// silently putting the whole report back into that transaction.
var _ commands.FileKeeper = (*storage.DB)(nil)
