package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/console"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/storage"
)

// run starts the bot: every platform configured in the environment, or the console.
func (m *Main) run(ctx context.Context, o *options, shell bool) int {
	cfg, tpl, err := m.loadConfig(o)
	if err != nil {
		return m.fail("%v", err)
	}
	platforms := configuredPlatforms(m.Getenv)
	if shell {
		platforms = nil
	}
	level := slog.LevelInfo
	if len(platforms) == 0 {
		level = slog.LevelWarn // the console's own output is the interface
	}
	log := m.logger(o, level)
	db, err := storage.Open(ctx, o.db)
	if err != nil {
		return m.fail("%v", err)
	}
	defer db.Close()
	clock := clockwork.NewRealClock()
	deliverer := bot.NewDeliverer(db, clock, log)
	engine := commands.New(commands.Deps{Store: storeAdapter{db}, Config: cfg, Templates: tpl, Clock: clock, Log: log, Kick: deliverer.Kick})

	if len(platforms) > 0 {
		return m.fail("%s support is not built yet in this version of warroom; unset its environment variables to use the console", platforms[0])
	}
	if !shell {
		fmt.Fprintln(m.Stderr, "warroom: no Slack or Discord configured — starting the console workspace.")
		fmt.Fprintln(m.Stderr, "warroom: to connect Slack set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP); for Discord set DISCORD_BOT_TOKEN. See the README.")
	}
	con := console.New(m.Stdout, clock, cfg.Location)
	deliverer.AddPlatform(con)
	user := o.user
	if user == "" {
		user = envOr(m.Getenv, "USER", "user")
	}
	sh := console.NewShell(con, engine, deliverer.Flush, user)
	sh.Interactive = isTerminal(m.Stdin)
	sh.Echo = !sh.Interactive
	if m.Ready != nil {
		m.Ready()
	}
	if err := sh.Run(ctx, m.Stdin); err != nil && ctx.Err() == nil {
		return m.fail("%v", err)
	}
	// Deliver anything still queued (e.g. after a platform outage) before leaving.
	flushCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace.Std())
	defer cancel()
	_ = deliverer.Flush(flushCtx)
	return exitOK
}

// configuredPlatforms names the platforms whose credentials are in the environment.
func configuredPlatforms(getenv func(string) string) []string {
	var out []string
	if getenv("SLACK_BOT_TOKEN") != "" {
		out = append(out, "Slack")
	}
	if getenv("DISCORD_BOT_TOKEN") != "" {
		out = append(out, "Discord")
	}
	return out
}

func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

var _ = time.Second
