package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/templates"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Main is the whole program, reusable by end-to-end tests.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Ready, when set, is called once `run` is serving (tests and benchmarks).
	Ready func()
}

// options are the common flags.
type options struct {
	db        string
	config    string
	templates string
	logFormat string
	http      string
	admin     string
	webAddr   string
	webURL    string
	json      bool
	all       bool
	format    string
	out       string
	since     string
	user      string
	// chain v2 (docs/chain.md)
	key           string
	checkpointLog string
	checkpoints   string
	export        string
	pubkey        string
	listRedacted  bool
	files         string
}

// exit codes
const (
	exitOK      = 0
	exitFailed  = 1 // verify found tampering; a command did not succeed
	exitProblem = 2 // bad usage or an error
)

const usage = `warroom — chat-ops incident response for security teams

Usage:
  warroom run                                   the bot: Slack/Discord from the environment; the console when none
  warroom shell                                 the console workspace (interactive, or scripted on stdin)
  warroom incidents [--json] [--all]            open incidents (all with --all)
  warroom timeline INC-n [--json | --format csv]
  warroom report INC-n [--format md|html|json] [-o FILE]
  warroom verify INC-n | --all [--checkpoints FILE]   exit 0 intact, 1 tampered, 2 error
  warroom verify --export FILE --pubkey KEY     verify an export offline, no database
  warroom export INC-n [-o FILE]                the verifiable timeline document
  warroom key                                   the checkpoint public key (ed25519:<base64>)
  warroom stats [--since DATE] [--json]
  warroom backup FILE                           consistent snapshot of the live database
  warroom web-login NAME                        print a one-time sign-in link to the web view for a roster person
  warroom web-logout NAME                       end every web view session of NAME
  warroom version

Flags (before or after arguments):
  --db PATH           database (env WARROOM_DB, default ./warroom.db)
  --config FILE       YAML configuration (env WARROOM_CONFIG)
  --templates DIR     template overrides
  --log-format F      text (default) or json
  --http ADDR         Slack HTTP endpoints (env WARROOM_HTTP_ADDR)
  --admin-addr ADDR   /healthz, /readyz, /metrics (env WARROOM_ADMIN_ADDR)
  --web-addr ADDR     the web view (env WARROOM_WEB_ADDR)
  --web-url URL       the web view's address as people reach it, for links (env WARROOM_WEB_URL; default http://ADDR)
  --user NAME         console: who you are at the start (default $USER)
  --key FILE          checkpoint signing key (env WARROOM_KEY, default warroom.key beside the database)
  --checkpoint-log F  append every signed checkpoint to F as one JSON line
`

// parseFlags accepts flags before or after positional arguments.
func (m *Main) parseFlags(cmd string, args []string) (*options, []string, error) {
	o := &options{}
	fs := flag.NewFlagSet("warroom "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.db, "db", envOr(m.Getenv, "WARROOM_DB", "warroom.db"), "")
	fs.StringVar(&o.config, "config", m.Getenv("WARROOM_CONFIG"), "")
	fs.StringVar(&o.templates, "templates", "", "")
	fs.StringVar(&o.logFormat, "log-format", "text", "")
	fs.StringVar(&o.http, "http", m.Getenv("WARROOM_HTTP_ADDR"), "")
	fs.StringVar(&o.admin, "admin-addr", m.Getenv("WARROOM_ADMIN_ADDR"), "")
	fs.StringVar(&o.webAddr, "web-addr", m.Getenv("WARROOM_WEB_ADDR"), "")
	fs.StringVar(&o.webURL, "web-url", m.Getenv("WARROOM_WEB_URL"), "")
	fs.BoolVar(&o.json, "json", false, "")
	fs.BoolVar(&o.all, "all", false, "")
	fs.StringVar(&o.format, "format", "", "")
	fs.StringVar(&o.out, "o", "", "")
	fs.StringVar(&o.out, "output", "", "")
	fs.StringVar(&o.since, "since", "", "")
	fs.StringVar(&o.user, "user", "", "")
	fs.StringVar(&o.key, "key", "", "")
	fs.StringVar(&o.checkpointLog, "checkpoint-log", "", "")
	fs.StringVar(&o.checkpoints, "checkpoints", "", "")
	fs.StringVar(&o.export, "export", "", "")
	fs.StringVar(&o.pubkey, "pubkey", "", "")
	fs.BoolVar(&o.listRedacted, "list-redactions", false, "")
	fs.StringVar(&o.files, "files", envOr(m.Getenv, "WARROOM_FILES", defaultFilesDir), "")
	var pos []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return nil, nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return nil, nil, fmt.Errorf("--log-format must be text or json, not %q", o.logFormat)
	}
	return o, pos, nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// Run executes one warroom command and returns the exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stdout, usage)
		if len(args) == 0 {
			return exitProblem
		}
		return exitOK
	}
	cmd := args[0]
	o, pos, err := m.parseFlags(cmd, args[1:])
	if err != nil {
		return m.fail("%v\n\n%s", err, usage)
	}
	switch cmd {
	case "version":
		fmt.Fprintln(m.Stdout, "warroom", buildVersion())
		return exitOK
	case "run":
		return m.run(ctx, o, false)
	case "shell":
		return m.run(ctx, o, true)
	case "incidents":
		return m.incidents(ctx, o)
	case "timeline":
		return m.timeline(ctx, o, pos)
	case "verify":
		return m.verify(ctx, o, pos)
	case "backup":
		return m.backup(ctx, o, pos)
	case "report":
		return m.report(ctx, o, pos)
	case "stats":
		return m.stats(ctx, o, pos)
	case "key":
		return m.key(ctx, o)
	case "export":
		return m.exportCmd(ctx, o, pos)
	case "web-login":
		return m.webLogin(ctx, o, pos)
	case "web-logout":
		return m.webLogout(ctx, o, pos)
	}
	return m.fail("unknown command %q\n\n%s", cmd, usage)
}

func buildVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return version
}

func (m *Main) fail(format string, args ...any) int {
	fmt.Fprintf(m.Stderr, "warroom: "+strings.TrimRight(format, "\n")+"\n", args...)
	return exitProblem
}

func (m *Main) logger(o *options, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if o.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(m.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(m.Stderr, opts))
}

// openDB opens the database; an existing-database-only command refuses a missing file
// rather than creating an empty one.
func (m *Main) openDB(ctx context.Context, o *options, mustExist bool) (*storage.DB, error) {
	if mustExist {
		if _, err := os.Stat(o.db); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s (use --db or WARROOM_DB)", o.db)
		}
	}
	db, err := storage.Open(ctx, o.db)
	if err != nil && mustExist && errors.Is(err, storage.ErrReadOnly) {
		// An evidence copy on read-only media: reading and verifying need no writes.
		return storage.OpenSnapshot(ctx, o.db)
	}
	return db, err
}

func (m *Main) loadConfig(o *options) (*bot.Config, *templates.Set, error) {
	cfg, err := bot.LoadConfig(o.config)
	if err != nil {
		return nil, nil, err
	}
	dir := o.templates
	if dir == "" {
		dir = cfg.Templates
	}
	tpl, err := templates.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	return cfg, tpl, nil
}
