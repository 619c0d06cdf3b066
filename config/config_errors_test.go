package config_test

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/config"
)

// One bad value per configuration key: every error names the file, the line and the key
// (issue: `status_update: {sev1: soon}` said only `k2.yaml: invalid duration "soon"`).
func TestConfigErrorNamesFileLineAndKey(t *testing.T) {
	const people = "roster:\n  - {name: alice}\n  - {name: bob}\n" // lines 1-3
	rotation := func(field string) string {
		return people + "oncall:\n  teams:\n    secops:\n      rotations:\n        - name: primary\n          members: [bob]\n          length: 1w\n          start: 2026-01-05\n" + field
	}
	for _, tc := range []struct{ yaml, want string }{
		{"timezone: Mars/Base\n", `k2.yaml:1: timezone: unknown time zone "Mars/Base"`},
		{people + "leads: [zed]\n", `k2.yaml:4: leads[0]: unknown person "zed"`},
		{"roster:\n  - {name: Alice!}\n", `k2.yaml:2: roster[0].name: "Alice!" is not a valid name`},
		{"roster:\n  - name: alice\n    slack: alice\n", `k2.yaml:3: roster[0].slack: "alice" is not a Slack user id`},
		{"roster:\n  - name: alice\n    discord: \"me\"\n", `k2.yaml:3: roster[0].discord: "me" is not a Discord user id`},
		{"roster:\n  - name: alice\n    email: alice\n", `k2.yaml:3: roster[0].email: "alice" is not an e-mail address`},
		{"roles: [commander, Bad Role]\n", `k2.yaml:1: roles[1]: "Bad Role" is not a valid role name`},
		{"roles: [analyst]\n", `k2.yaml:1: roles: must include commander`},
		{"severities: {9: extreme}\n", `k2.yaml:1: severities: levels are 1 to 4, not 9`},
		{"default_severity: high\n", `k2.yaml:1: default_severity: expected a whole number, not "high"`},
		{"default_severity: 7\n", `k2.yaml:1: default_severity: must be 1 to 4`},
		{"types: [phishing, \"Mal ware\"]\n", `k2.yaml:1: types[1]: "Mal ware" is not a valid type name`},
		{"slack:\n  team_ids: [acme]\n", `k2.yaml:2: slack.team_ids[0]: "acme" is not a Slack workspace id`},
		{"discord:\n  guild_ids: [\"ops\"]\n", `k2.yaml:2: discord.guild_ids[0]: "ops" is not a Discord server id`},
		{"discord:\n  category: \"" + strings.Repeat("x", 101) + "\"\n", `k2.yaml:2: discord.category: a category name is one line`},
		{"channels:\n  naming: fancy\n", `k2.yaml:2: channels.naming: must be slug or codename, not "fancy"`},
		{"channels:\n  private: maybe\n", `k2.yaml:2: channels.private: expected true or false, not "maybe"`},
		{"channels:\n  announce: \"#sec status\"\n", `k2.yaml:2: channels.announce: "#sec status" is not a channel name`},
		{"channels:\n  archive_on_close: sometimes\n", `k2.yaml:2: channels.archive_on_close: expected true or false, not "sometimes"`},
		{"nudges:\n  no_commander: soon\n", `k2.yaml:2: nudges.no_commander: invalid duration "soon"`},
		{"nudges:\n  status_update: {sev1: soon}\n", `k2.yaml:2: nudges.status_update.sev1: invalid duration "soon"`},
		{"nudges:\n  status_update:\n    sev9: 1h\n", `k2.yaml:3: nudges.status_update: unknown key "sev9"`},
		{"nudges:\n  phase_dwell:\n    sev2: -2h\n", `k2.yaml:3: nudges.phase_dwell.sev2: duration "-2h" must be positive`},
		{"nudges:\n  quiet_hours: evenings\n", `k2.yaml:2: nudges.quiet_hours: "evenings" is not a range like 20:00-08:00`},
		{"nudges:\n  quiet_hours: \"20:00-25:00\"\n", `k2.yaml:2: nudges.quiet_hours: "25:00" is not a time like 08:00`},
		{"nudges:\n  lessons_review_within: fortnight\n", `k2.yaml:2: nudges.lessons_review_within: invalid duration "fortnight"`},
		{"shutdown_grace: 0s\n", `k2.yaml:1: shutdown_grace: duration "0s" must be positive`},
		{"templates: /nonexistent/warroom-templates\n", `k2.yaml:1: templates: no directory /nonexistent/warroom-templates`},
		{rotation("          handoff: \"9am\"\n"), `k2.yaml:12: oncall.teams.secops.rotations[0].handoff: handoff "9am" is not a time of day`},
		{rotation("          timezone: Mars/Base\n"), `k2.yaml:12: oncall.teams.secops.rotations[0].timezone:`},
		{strings.Replace(rotation(""), "length: 1w", "length: weekly", 1), `k2.yaml:10: oncall.teams.secops.rotations[0].length: invalid duration "weekly"`},
		{strings.Replace(rotation(""), "start: 2026-01-05", "start: 2026-02-30", 1), `k2.yaml:11: oncall.teams.secops.rotations[0].start: invalid date "2026-02-30"`},
		{strings.Replace(rotation(""), "members: [bob]", "members: [zed]", 1), `k2.yaml:9: oncall.teams.secops.rotations[0].members[0]: unknown person "zed"`},
		{rotation("      escalation:\n        steps:\n          - {notify: oncall, wait: later}\n"), `k2.yaml:14: oncall.teams.secops.escalation.steps[0].wait: invalid duration "later"`},
		{rotation("      escalation:\n        steps:\n          - {notify: everyone, wait: 5m}\n"), `k2.yaml:14: oncall.teams.secops.escalation.steps[0].notify:`},
		{rotation("      escalation:\n        repeat: -1\n        steps:\n          - {notify: oncall, wait: 5m}\n"), `k2.yaml:13: oncall.teams.secops.escalation.repeat: repeat must be at least 1`},
		{"ioc:\n  own_domains: [example.com, \"exa mple.org\"]\n", `k2.yaml:2: ioc.own_domains[1]: "exa mple.org" is not a domain name`},
		{"ioc:\n  own_networks:\n    - 10.0.0.0/8\n    - 10.0.0.0/40\n", `k2.yaml:4: ioc.own_networks[1]: "10.0.0.0/40" is not a network`},
		{"frobnicate: 1\n", `k2.yaml:1: unknown field "frobnicate"`},
	} {
		_, err := config.ParseConfig("k2.yaml", []byte(tc.yaml))
		if err == nil {
			t.Errorf("accepted:\n%s", tc.yaml)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("config:\n%s\nerror:\n  %v\nwant it to contain:\n  %s", tc.yaml, err, tc.want)
		}
	}
}

// FuzzParseConfig: any file is accepted or refused, never a panic, and every line of a
// refusal names the file.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{"nudges:\n  status_update: {sev1: soon}\n", "roster:\n  - {name: a}\nleads: [a]\n", "default_severity: [1]\n", "oncall:\n  teams:\n    x:\n      rotations:\n        - {length: 1d, start: 2026-01-05}\n", "channels: {private: *a}\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := config.ParseConfig("k2.yaml", []byte(src))
		if err == nil {
			return
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !strings.HasPrefix(line, "k2.yaml") && !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, ">") && line != "" {
				t.Fatalf("an error line names no file: %q (of %q)", line, err)
			}
		}
	})
}
