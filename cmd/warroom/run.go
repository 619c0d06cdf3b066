package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
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
	ctx, lockLost, releaseRun, err := holdRunLock(ctx, db, log)
	if err != nil {
		return m.fail("%v", err)
	}
	defer releaseRun()
	clock := clockwork.NewRealClock()
	deliverer := outbox.NewDeliverer(db, clock, log)
	tel := newTelemetry(db)
	deliverer.OnDelivered = tel.delivered
	var sched *timers.Scheduler
	refresh := func() {
		if sched != nil {
			if err := sched.Refresh(ctx); err != nil {
				log.Error("scheduler refresh", "err", err)
			}
		}
	}
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
	hooks := commands.Hooks{TimersChanged: refresh, Observe: wv.observing(tel.observe), Redacted: truncateWAL(ctx, db, log), ActionQueued: acts.kick}
	if o.checkpointLog != "" {
		hooks.Checkpointed = (&checkpointLog{path: o.checkpointLog, log: log}).append
	}
	engine := commands.New(commands.Deps{Store: commands.StoreOf[*storage.Tx](db), Config: cfg, Templates: tpl, Clock: clock, Log: log, Kick: deliverer.Kick,
		Hooks: hooks, Platforms: livePlatforms(m.Getenv, platformsWanted), Key: key, WebURL: wv.base})
	sched, err = timers.NewScheduler(db, clock, log, engine.FireTimer)
	if err != nil {
		return m.fail("%v", err)
	}
	if err := engine.ArmHandoffs(ctx); err != nil {
		return m.fail("%v", err)
	}
	if err := sched.Start(ctx); err != nil {
		return m.fail("%v", err)
	}
	defer sched.Stop()
	acts.start(ctx, cfg, signers, engine, clock, log)
	defer acts.close() // before the database closes
	pruneCtx, stopPruning := context.WithCancel(ctx)
	pruned := make(chan struct{})
	go func() { defer close(pruned); prune(pruneCtx, db, clock, cfg.Retention.Outbox.Std(), log) }()
	defer func() { stopPruning(); <-pruned }() // before the database closes

	mux := http.NewServeMux()
	if !shell {
		if err := startAlerts(m.Getenv, cfg, o.http, livePlatforms(m.Getenv, platformsWanted), engine, clock, log, tel, mux); err != nil {
			return m.fail("%v", err)
		}
	}
	if !platformsWanted {
		if o.admin != "" {
			srv, err := listen(o.admin, adminHandler(db, nil, tel), log)
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
	for _, start := range adapterStarters {
		a, err := start(ctx, env)
		if err != nil {
			return m.fail("%v", err)
		}
		if a != nil {
			adapters = append(adapters, a)
			deliverer.AddPlatform(a.platform)
		}
	}
	return m.afterRun(m.serve(ctx, o, cfg, log, env, adapters, deliverer, tel), lockLost)
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

// serve runs the platform adapters, the outbox and the HTTP endpoints until ctx ends, then
// drains the outbox for up to the configured grace period.
func (m *Main) serve(ctx context.Context, o *options, cfg *config.Config, log *slog.Logger, env adapterEnv, adapters []*adapter, deliverer *outbox.Deliverer, tel *telemetry) int {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, len(adapters)+2)
	for _, a := range adapters {
		wg.Add(1)
		go func(a *adapter) {
			defer wg.Done()
			if err := a.run(runCtx); err != nil && runCtx.Err() == nil {
				errs <- fmt.Errorf("%s: %w", a.name, err)
			}
		}(a)
		log.Info("platform started", "platform", a.name)
	}
	deliverCtx, stopDelivery := context.WithCancel(context.Background())
	defer stopDelivery()
	var dwg sync.WaitGroup
	dwg.Add(1)
	go func() { defer dwg.Done(); deliverer.Run(deliverCtx, time.Second) }()

	var servers []*http.Server
	if o.http != "" {
		srv, err := listen(o.http, env.mux, log)
		if err != nil {
			return m.fail("--http %s: %v", o.http, err)
		}
		servers = append(servers, srv)
	}
	if o.admin != "" {
		srv, err := listen(o.admin, adminHandler(env.db, adapters, tel), log)
		if err != nil {
			return m.fail("--admin-addr %s: %v", o.admin, err)
		}
		servers = append(servers, srv)
	}
	if m.Ready != nil {
		m.Ready()
	}
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-errs:
		log.Error("platform failed", "err", err)
		cancel()
	}
	cancel()
	for _, s := range servers {
		shutdown(s)
	}
	wg.Wait()
	stopDelivery()
	dwg.Wait()
	grace, c := context.WithTimeout(context.Background(), cfg.ShutdownGrace.Std())
	defer c()
	if err := deliverer.Flush(grace); err != nil {
		log.Warn("outbox not fully drained before exit; it is delivered on the next start", "err", err)
	}
	return exitOK
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
