package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// flagDef is one command-line flag. Every flag has one meaning and one kind everywhere; each
// subcommand lists the flags it takes.
type flagDef struct {
	name   string
	alias  string // a short or long second name ("o" for "output")
	value  string // what the value is, for usage ("PATH"); "" for a switch
	env    string // environment variable giving the default
	def    string
	help   string
	target func(o *options) any // *string or *bool
}

var flagDefs = []flagDef{
	{name: "db", value: "PATH", env: "WARROOM_DB", def: "warroom.db", help: "SQLite database file (created 0600), or a postgres:// URL", target: func(o *options) any { return &o.db }},
	{name: "config", value: "FILE", env: "WARROOM_CONFIG", help: "YAML configuration", target: func(o *options) any { return &o.config }},
	{name: "templates", value: "DIR", help: "template overrides", target: func(o *options) any { return &o.templates }},
	{name: "log-format", value: "F", def: "text", help: "text or json", target: func(o *options) any { return &o.logFormat }},
	{name: "http", value: "ADDR", env: "WARROOM_HTTP_ADDR", help: "Slack's HTTP endpoints", target: func(o *options) any { return &o.http }},
	{name: "admin-addr", value: "ADDR", env: "WARROOM_ADMIN_ADDR", help: "/healthz, /readyz, /metrics", target: func(o *options) any { return &o.admin }},
	{name: "web-addr", value: "ADDR", env: "WARROOM_WEB_ADDR", help: "the web view", target: func(o *options) any { return &o.webAddr }},
	{name: "web-url", value: "URL", env: "WARROOM_WEB_URL", help: "the web view's address as people reach it, for links (default http://ADDR)", target: func(o *options) any { return &o.webURL }},
	{name: "to", value: "URL", help: "migrate: the empty PostgreSQL database to copy into (postgres://…)", target: func(o *options) any { return &o.to }},
	{name: "list-redactions", help: "list what the backup holds that was redacted since", target: func(o *options) any { return &o.listRedacted }},
	{name: "user", value: "NAME", help: "console: who you are at the start (default $USER)", target: func(o *options) any { return &o.user }},
	{name: "files", value: "DIR", env: "WARROOM_FILES", def: defaultFilesDir, help: "console: where files sent to the console are written", target: func(o *options) any { return &o.files }},
	{name: "json", help: "a JSON document on stdout", target: func(o *options) any { return &o.json }},
	{name: "all", help: "closed incidents too", target: func(o *options) any { return &o.all }},
	{name: "format", value: "F", help: "output format", target: func(o *options) any { return &o.format }},
	{name: "output", alias: "o", value: "FILE", help: "write to FILE (0600, atomically)", target: func(o *options) any { return &o.out }},
	{name: "key", value: "FILE", help: "checkpoint signing key (env WARROOM_KEY, default warroom.key beside the database)", target: func(o *options) any { return &o.key }},
	{name: "checkpoint-log", value: "FILE", help: "append every signed checkpoint to FILE as one JSON line", target: func(o *options) any { return &o.checkpointLog }},
	{name: "cpu-profile", value: "FILE", env: "WARROOM_CPU_PROFILE", help: "write a CPU profile (go tool pprof) of the whole run to FILE, for finding where time goes; off unless set", target: func(o *options) any { return &o.cpuProfile }},
	{name: "checkpoints", value: "FILE", help: "checkpoints kept elsewhere, checked against the chain", target: func(o *options) any { return &o.checkpoints }},
	{name: "export", value: "FILE", help: "an exported timeline to verify offline (with --pubkey)", target: func(o *options) any { return &o.export }},
	{name: "pubkey", value: "KEY", help: "public key: ed25519:<base64>, or a file holding it", target: func(o *options) any { return &o.pubkey }},
	{name: "audience", value: "TLP", help: "report: leave out what is labelled above this TLP level (tlp:green, tlp:amber …)", target: func(o *options) any { return &o.audience }},
	{name: "since", value: "DATE", help: "only incidents declared on or after DATE", target: func(o *options) any { return &o.since }},
}

// commonFlags are taken by every subcommand that opens the database.
var commonFlags = []string{"db", "config", "templates", "log-format"}

// subcommand is one `warroom` verb: its usage line and the flags it takes beyond commonFlags.
type subcommand struct {
	usage  string
	flags  []string
	common bool // takes commonFlags
	// check refuses flag combinations that contradict each other.
	check func(o *options, set map[string]bool) error
	// bare: takes no positional argument, so one is refused before the command runs.
	bare bool
}

var subcommands = map[string]subcommand{
	"run":        {usage: "warroom run [--http ADDR] [--admin-addr ADDR] [--user NAME] [--files DIR] [--key FILE] [--checkpoint-log FILE]", flags: []string{"http", "admin-addr", "web-addr", "web-url", "user", "files", "key", "checkpoint-log", "cpu-profile"}, common: true, bare: true},
	"shell":      {usage: "warroom shell [--admin-addr ADDR] [--user NAME] [--files DIR] [--key FILE] [--checkpoint-log FILE]", flags: []string{"admin-addr", "web-addr", "web-url", "user", "files", "key", "checkpoint-log", "cpu-profile"}, common: true, bare: true},
	"incidents":  {usage: "warroom incidents [--json] [--all]", flags: []string{"json", "all"}, common: true, bare: true},
	"timeline":   {usage: "warroom timeline INC-n [--json | --format text|json|csv]", flags: []string{"json", "format"}, common: true, check: jsonOrFormat},
	"report":     {usage: "warroom report INC-n [--format md|html|json|gdpr|nis2|sec] [--audience tlp:LEVEL] [-o FILE]", flags: []string{"format", "audience", "output"}, common: true},
	"verify":     {usage: "warroom verify INC-n | --all [--checkpoints FILE] | --export FILE --pubkey KEY", flags: []string{"all", "checkpoints", "export", "pubkey", "key"}, common: true},
	"export":     {usage: "warroom export INC-n [-o FILE]", flags: []string{"output", "key", "pubkey"}, common: true},
	"key":        {usage: "warroom key", flags: []string{"key"}, common: true, bare: true},
	"stats":      {usage: "warroom stats [--since DATE] [--json]", flags: []string{"since", "json"}, common: true},
	"backup":     {usage: "warroom backup FILE | warroom backup --list-redactions FILE", flags: []string{"list-redactions"}, common: true},
	"migrate":    {usage: "warroom migrate --to postgres://…", flags: []string{"to"}, common: true},
	"web-login":  {usage: "warroom web-login NAME", flags: []string{"web-addr", "web-url"}, common: true},
	"web-logout": {usage: "warroom web-logout NAME", common: true},
	"version":    {usage: "warroom version", bare: true},
}

// jsonOrFormat: --json is --format json, so any other --format contradicts it.
func jsonOrFormat(o *options, set map[string]bool) error {
	if set["json"] && o.json && set["format"] && o.format != "json" {
		return fmt.Errorf("--json and --format %s contradict each other (--json is --format json)", o.format)
	}
	return nil
}

func findFlag(name string) (flagDef, bool) {
	for _, f := range flagDefs {
		if f.name == name || (f.alias != "" && f.alias == name) {
			return f, true
		}
	}
	return flagDef{}, false
}

func (s subcommand) takes(name string) bool {
	return slices.Contains(s.flags, name) || (s.common && slices.Contains(commonFlags, name))
}

// errHelp asks for a subcommand's usage (-h, --help).
var errHelp = errors.New("help requested")

// parseArgs reads `warroom [flags] COMMAND [args and flags]`: flags may stand before the
// subcommand, before or after its arguments, as --name value, --name=value or -name; `--`
// ends the flags. Each flag is checked against the subcommand, a string flag without a
// value is named ("--format needs a value"), and a flag given twice is refused.
func parseArgs(getenv func(string) string, args []string) (string, *options, []string, error) {
	o := &options{}
	for _, f := range flagDefs {
		if p, ok := f.target(o).(*string); ok {
			*p = envOr(getenv, f.env, f.def)
		}
	}
	var cmd string
	var pos []string
	set := map[string]bool{}
	var pending []string // flags seen before the subcommand, checked once it is known
	flagsDone := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if flagsDone || a == "-" || !strings.HasPrefix(a, "-") {
			if cmd == "" {
				cmd = a
			} else {
				pos = append(pos, a)
			}
			continue
		}
		if a == "--" {
			flagsDone = true
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "h" || name == "help" {
			return cmd, o, pos, errHelp
		}
		f, ok := findFlag(name)
		if !ok {
			return cmd, nil, nil, fmt.Errorf("unknown flag %s", a)
		}
		if set[f.name] {
			return cmd, nil, nil, fmt.Errorf("--%s is given twice", f.name)
		}
		set[f.name] = true
		switch p := f.target(o).(type) {
		case *bool:
			switch value {
			case "", "true":
				*p = true
			case "false":
				*p = false
			default:
				return cmd, nil, nil, fmt.Errorf("--%s takes no value (or =true, =false), not %q", f.name, value)
			}
		case *string:
			if !hasValue {
				if i+1 >= len(args) || (strings.HasPrefix(args[i+1], "-") && args[i+1] != "-") {
					return cmd, nil, nil, fmt.Errorf("%s needs a value (%s)", dashes(a), f.value)
				}
				i++
				value = args[i]
			}
			if value == "" {
				return cmd, nil, nil, fmt.Errorf("%s needs a value (%s)", dashes(a), f.value)
			}
			*p = value
		}
		if cmd == "" {
			pending = append(pending, f.name)
		} else if sub, ok := subcommands[cmd]; ok && !sub.takes(f.name) {
			return cmd, nil, nil, fmt.Errorf("%s does not take --%s", cmd, f.name)
		}
	}
	sub, ok := subcommands[cmd]
	if !ok {
		return cmd, o, pos, nil // the caller names the unknown command
	}
	for _, name := range pending {
		if !sub.takes(name) {
			return cmd, nil, nil, fmt.Errorf("%s does not take --%s", cmd, name)
		}
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return cmd, nil, nil, fmt.Errorf("--log-format must be text or json, not %q", o.logFormat)
	}
	if sub.check != nil {
		if err := sub.check(o, set); err != nil {
			return cmd, nil, nil, err
		}
	}
	return cmd, o, pos, nil
}

// dashes names a flag as it was typed, without its value.
func dashes(a string) string {
	name, _, _ := strings.Cut(a, "=")
	return name
}
