package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/warroom/warroom/config"
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
	to        string // migrate: the PostgreSQL database to copy into
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
	audience  string
	out       string
	since     string
	user      string
	// chain v2 (docs/chain.md)
	key           string
	checkpointLog string
	cpuProfile    string
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

Usage: warroom [flags] COMMAND [arguments and flags]

  warroom run                                   the bot: Slack/Discord from the environment; the console when none
  warroom shell                                 the console workspace (interactive, or scripted on stdin)
  warroom incidents [--json] [--all]            open incidents (all with --all)
  warroom timeline INC-n [--json | --format text|json|csv]
  warroom report INC-n [--format md|html|json|gdpr|nis2|sec] [--audience tlp:LEVEL] [-o FILE]
  warroom verify INC-n | --all [--checkpoints FILE]   exit 0 intact, 1 tampered, 2 error
  warroom verify --export FILE --pubkey KEY     verify an export offline, no database
  warroom export INC-n [-o FILE]                the verifiable timeline document
  warroom key                                   the checkpoint public key (ed25519:<base64>)
  warroom stats [--since DATE] [--json]
  warroom backup FILE                           consistent snapshot of the live database
  warroom migrate --to postgres://…             copy the SQLite database into an empty PostgreSQL one
  warroom web-login NAME                        print a one-time sign-in link to the web view for a roster person
  warroom web-logout NAME                       end every web view session of NAME
  warroom version

Flags stand before the command, or before or after its arguments; each command
takes only its own (warroom COMMAND --help lists them):
  --db PATH           database (env WARROOM_DB, default ./warroom.db): a SQLite file, or
                      postgres://USER@HOST/DB for PostgreSQL (docs/postgres.md)
  --config FILE       YAML configuration (env WARROOM_CONFIG)
  --templates DIR     template overrides
  --log-format F      text (default) or json
  --http ADDR         run: Slack HTTP endpoints (env WARROOM_HTTP_ADDR)
  --admin-addr ADDR   run, shell: /healthz, /readyz, /metrics (env WARROOM_ADMIN_ADDR)
  --web-addr ADDR     run, shell: the web view (env WARROOM_WEB_ADDR)
  --web-url URL       run, shell, web-login: the web view's address as people reach it, for
                      links (env WARROOM_WEB_URL; default http://ADDR)
  --user NAME         run, shell: who you are in the console at the start (default $USER)
  --files DIR         run, shell: where the console writes files (env WARROOM_FILES, default ./warroom-files)
  --key FILE          run, shell, key, export, verify: checkpoint signing key (env WARROOM_KEY,
                      default warroom.key beside the database; required on PostgreSQL)
  --checkpoint-log F  run, shell: append every signed checkpoint to F as one JSON line
  --cpu-profile F     run, shell: write a CPU profile of the run to F (env WARROOM_CPU_PROFILE)
  --checkpoints FILE  verify: checkpoints kept elsewhere, checked against the chain
  --export FILE       verify: an exported timeline, verified offline (with --pubkey)
  --pubkey KEY        verify, export: the public key (ed25519:<base64>, or a file holding it)
  --list-redactions   backup: list what FILE still holds that was redacted since
`

// subcommandHelp is `warroom COMMAND --help`: the usage line and every flag it takes.
func subcommandHelp(cmd string) string {
	sub := subcommands[cmd]
	var b strings.Builder
	b.WriteString("usage: " + sub.usage + "\n")
	names := slices.Clone(sub.flags)
	if sub.common {
		names = append(names, commonFlags...)
	}
	for _, n := range names {
		f, _ := findFlag(n)
		arg := "--" + f.name
		if f.alias != "" {
			arg = "-" + f.alias + ", " + arg
		}
		if f.value != "" {
			arg += " " + f.value
		}
		help := f.help
		if f.env != "" {
			help += " (env " + f.env + ")"
		}
		fmt.Fprintf(&b, "  %-22s %s\n", arg, help)
	}
	return b.String()
}

func envOr(getenv func(string) string, key, def string) string {
	if key == "" {
		return def
	}
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// Run executes one warroom command and returns the exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	cmd, o, pos, err := parseArgs(m.Getenv, args)
	_, known := subcommands[cmd]
	switch {
	case cmd == "help" && len(pos) == 1 && subcommands[pos[0]].usage != "":
		fmt.Fprint(m.Stdout, subcommandHelp(pos[0]))
		return exitOK
	case cmd == "help" || (cmd == "" && errors.Is(err, errHelp)):
		fmt.Fprint(m.Stdout, usage)
		return exitOK
	case errors.Is(err, errHelp) && known:
		fmt.Fprint(m.Stdout, subcommandHelp(cmd))
		return exitOK
	case cmd == "" && err == nil:
		fmt.Fprint(m.Stderr, usage)
		return exitProblem
	case !known && cmd != "":
		return m.fail("unknown command %q (warroom help lists them)", cmd)
	case err != nil && known:
		return m.failUsage(cmd, err)
	case err != nil:
		return m.fail("%v (warroom help shows the usage)", err)
	}
	if subcommands[cmd].bare && len(pos) != 0 {
		return m.failUsage(cmd, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	switch cmd {
	case "version":
		fmt.Fprintln(m.Stdout, "warroom", buildVersion())
		return exitOK
	case "run", "shell":
		return m.run(ctx, o, cmd == "shell")
	case "incidents":
		return m.incidents(ctx, o)
	case "timeline":
		return m.timeline(ctx, o, pos)
	case "verify":
		return m.verify(ctx, o, pos)
	case "backup":
		return m.backup(ctx, o, pos)
	case "migrate":
		return m.migrate(ctx, o, pos)
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
	return m.fail("unknown command %q", cmd)
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

// failUsage reports bad usage of one command, with that command's usage line (once).
func (m *Main) failUsage(cmd string, err error) int {
	fmt.Fprintf(m.Stderr, "warroom %s: %v\nusage: %s\n", cmd, err, subcommands[cmd].usage)
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
	if mustExist && !storage.IsPostgresURL(o.db) {
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

func (m *Main) loadConfig(o *options) (*config.Config, *templates.Set, error) {
	cfg, err := config.LoadConfig(o.config)
	if err != nil {
		return nil, nil, err
	}
	dir := o.templates
	if dir == "" {
		dir = cfg.Templates
	}
	tpl, err := templates.Load(dir)
	switch {
	case err != nil && o.templates != "":
		return nil, nil, fmt.Errorf("--templates %s: %w", o.templates, err)
	case err != nil:
		return nil, nil, fmt.Errorf("%s: templates: %w", cfg.File(), err)
	}
	return cfg, tpl, nil
}
