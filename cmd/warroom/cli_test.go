package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// The CLI defects, one case each: global flags before the subcommand, a flag without its
// value named, the usage printed once, contradicting and foreign flags refused.
func TestCLIFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	if code, _, errOut := runCLI(t, fullSession(), map[string]string{"USER": "alice"}, "run", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string // in stdout (exit 0) or stderr
	}{
		{"global flag before the subcommand", []string{"--db", db, "timeline", "INC-1"}, 0, "incident"},
		{"global flag with = before the subcommand", []string{"--db=" + db, "timeline", "INC-1", "--json"}, 0, `"seq":1,"at":`},
		{"flags on both sides of the id", []string{"timeline", "--format", "csv", "INC-1", "--db", db}, 0, "seq,at,occurred_at"},
		{"-o without its value", []string{"report", "INC-1", "-o", "--db", db}, 2, "warroom report: -o needs a value (FILE)\nusage: warroom report INC-n"},
		{"--format without its value", []string{"timeline", "INC-1", "--format", "--db", db}, 2, "warroom timeline: --format needs a value (F)"},
		{"--format at the end", []string{"timeline", "INC-1", "--db", db, "--format"}, 2, "--format needs a value"},
		{"--json contradicts --format csv", []string{"timeline", "INC-1", "--json", "--format", "csv", "--db", db}, 2, "--json and --format csv contradict each other"},
		{"--json agrees with --format json", []string{"timeline", "INC-1", "--json", "--format", "json", "--db", db}, 0, `"hash"`},
		{"a flag the subcommand does not take", []string{"version", "--since", "x"}, 2, "warroom version: version does not take --since"},
		{"a foreign flag before the subcommand", []string{"--since", "x", "version"}, 2, "version does not take --since"},
		{"--http is for run only", []string{"shell", "--http", ":8080", "--db", db}, 2, "shell does not take --http"},
		{"an unknown flag", []string{"incidents", "--frob", "--db", db}, 2, "unknown flag --frob"},
		{"a flag given twice", []string{"--db", db, "incidents", "--db", db}, 2, "--db is given twice"},
		{"a switch given a value", []string{"incidents", "--json=yes", "--db", db}, 2, `--json takes no value`},
		{"an argument version does not take", []string{"version", "extra"}, 2, `unexpected argument "extra"`},
		{"an argument incidents does not take", []string{"incidents", "INC-1", "--db", db}, 2, "warroom incidents: unexpected argument \"INC-1\"\nusage: warroom incidents"},
		{"an argument key does not take", []string{"key", "extra", "--db", db}, 2, "warroom key: unexpected argument \"extra\""},
		{"an argument run does not take", []string{"run", "extra", "--db", db}, 2, "warroom run: unexpected argument \"extra\""},
		{"an argument shell does not take", []string{"shell", "extra", "--db", db}, 2, "warroom shell: unexpected argument \"extra\""},
		{"a missing incident id", []string{"timeline", "--db", db}, 2, "which incident? (INC-n)\nusage: warroom timeline"},
		{"only closed incidents point to --all", []string{"incidents", "--db", db}, 0, "No open incidents; 1 closed (warroom incidents --all lists them)."},
		{"subcommand help", []string{"timeline", "--help"}, 0, "usage: warroom timeline INC-n [--json | --format text|json|csv]\n"},
		{"help for a subcommand", []string{"help", "report"}, 0, "-o, --output FILE"},
		{"an unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"after -- everything is an argument", []string{"timeline", "--db", db, "--", "--json"}, 2, `"--json" is not an incident id`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", nil, tc.args...)
			got := out
			if tc.code != 0 {
				got = errOut
			}
			if code != tc.code || !strings.Contains(got, tc.out) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant: %q", code, tc.code, out, errOut, tc.out)
			}
			if tc.code != 0 && strings.Count(errOut, "usage:") > 1 {
				t.Errorf("usage printed %d times:\n%s", strings.Count(errOut, "usage:"), errOut)
			}
		})
	}
}

// FuzzParseArgs: any argument list parses or is refused with an error, never a panic;
// what parses names a known command or none, and every positional argument came from the
// input in order.
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{"timeline INC-1 --json", "--db x report 1 -o", "version --since x", "-- --x", "--format=csv timeline 2", "--json=false incidents"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		cmd, o, pos, err := parseArgs(func(string) string { return "" }, args)
		if err != nil {
			return
		}
		if _, known := subcommands[cmd]; known && o.db == "" {
			t.Fatalf("%q: no database path", line)
		}
		i := 0
		for _, p := range pos {
			for i < len(args) && args[i] != p {
				i++
			}
			if i == len(args) {
				t.Fatalf("%q: positional %q not from the input in order", line, p)
			}
			i++
		}
	})
}
