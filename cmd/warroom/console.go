package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/console"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/outbox"
	"github.com/warroom/warroom/storage"
)

// console runs the local workspace on stdin/stdout with the same background delivery loop
// as the platforms: timed messages (reminders, escalations, drill injects, handoffs) print
// when they come due, not when someone next types.
func (m *Main) console(ctx context.Context, o *options, cfg *config.Config, db *storage.DB, engine *commands.Engine, deliverer *outbox.Deliverer, clock clockwork.Clock, shell bool, log *slog.Logger) int {
	if !shell {
		fmt.Fprintln(m.Stderr, "warroom: no Slack or Discord configured — starting the console workspace.")
		fmt.Fprintln(m.Stderr, "warroom: to connect Slack set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP); for Discord set DISCORD_BOT_TOKEN. See the README.")
	}
	con := console.New(m.Stdout, clock, cfg.Location)
	con.SetFilesDir(o.files)
	if err := knownChannels(ctx, db, con); err != nil {
		return m.fail("%v", err)
	}
	deliverer.AddPlatform(con)
	user := o.user
	if user == "" {
		user = envOr(m.Getenv, "USER", "user")
	}
	gate := &sync.Mutex{}
	deliverer.Gate = gate
	deliverer.Concurrency = 1
	sh := console.NewShell(con, engine, deliverer.Flush, user)
	sh.Gate = gate

	var in console.LineReader
	if f, ok := m.Stdin.(*os.File); ok && isTerminal(f) && isTerminal(m.Stdout) {
		history := o.db + ".history"
		if storage.IsPostgresURL(o.db) {
			history = "warroom-shell.history" // no database file to keep it beside
		}
		term, err := console.NewTerminal(m.Stdout, history, console.NewCompleter(con, vocabulary(cfg, engine)))
		if err != nil {
			return m.fail("%v", err)
		}
		defer term.Close()
		con.SetOutput(term.Output())
		con.SetColour(m.Getenv("NO_COLOR") == "")
		in = term
	} else {
		in = console.NewScriptReader(m.Stdin)
		sh.Echo = true
	}

	deliverCtx, stopDelivery := context.WithCancel(context.Background())
	var dwg sync.WaitGroup
	dwg.Add(1)
	go func() { defer dwg.Done(); deliverer.Run(deliverCtx, time.Second) }()
	if m.Ready != nil {
		m.Ready()
	}
	err := sh.Run(ctx, in)
	stopDelivery()
	dwg.Wait()
	flushCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace.Std())
	defer cancel()
	if ferr := deliverer.Flush(flushCtx); ferr != nil {
		log.Warn("outbox not fully drained before exit; it is delivered on the next start", "err", ferr)
	}
	if err != nil {
		return m.fail("%v", err)
	}
	return exitOK
}

// knownChannels tells the workspace about the console incident channels earlier sessions
// created, so switching to one is not refused as a typo.
func knownChannels(ctx context.Context, db *storage.DB, con *console.Console) error {
	return db.View(ctx, func(tx *storage.Tx) error {
		list, err := tx.Incidents(true)
		for _, inc := range list {
			if inc.Platform == console.Name && inc.ChannelID != "" {
				con.AddChannel(inc.ChannelID, true)
			}
		}
		return err
	})
}

// vocabulary is what Tab completes in the terminal.
func vocabulary(cfg *config.Config, engine *commands.Engine) console.Vocabulary {
	v := console.Vocabulary{
		Verbs:  map[string][]string{"page": {"list", "ack"}, "oncall": {"me", "override"}},
		Roles:  cfg.Roles,
		Types:  cfg.Types,
		Teams:  cfg.OnCall.TeamNames(),
		Phases: []string{},
	}
	for _, p := range bot.IncidentPhases {
		v.Phases = append(v.Phases, string(p))
	}
	for _, s := range engine.Specs() {
		v.Verbs[s.Command] = append(v.Verbs[s.Command], s.Verb)
	}
	for _, p := range cfg.Roster {
		v.People = append(v.People, p.Name)
	}
	return v
}

// defaultFilesDir is where the console writes files it is sent (reports, exports).
var defaultFilesDir = filepath.Join(".", "warroom-files")
