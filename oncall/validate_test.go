package oncall

import (
	"reflect"
	"testing"
)

var people = map[string]bool{"bob": true, "carol": true, "dave": true, "erin": true, "frank": true, "grace": true}

func knownPerson(p string) bool { return people[p] }

func TestValidate(t *testing.T) {
	const rot = "oncall.teams.secops.rotations[0]"
	const esc = "oncall.teams.secops.escalation"
	// secops edits the first rotation or the escalation of team secops.
	rotation := func(f func(r *Rotation)) func(*Config) {
		return func(c *Config) {
			team := c.Teams["secops"]
			r := team.Rotations[0]
			r.Members = append([]string(nil), r.Members...)
			f(&r)
			team.Rotations = []Rotation{r}
			c.Teams["secops"] = team
		}
	}
	escalation := func(p Policy) func(*Config) {
		return func(c *Config) {
			team := c.Teams["secops"]
			team.Escalation = p
			c.Teams["secops"] = team
		}
	}
	steps := func(s ...Step) func(*Config) { return escalation(Policy{Repeat: 1, Steps: s}) }
	wait := dur("5m")
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []FieldError
	}{
		{"valid", func(*Config) {}, nil},
		{"defaults are fine", func(c *Config) {
			c.Teams["secops"] = Team{Rotations: []Rotation{{Name: "p", Members: []string{"bob"}, Length: dur("12h"), Start: date("2026-01-01")}}}
		}, nil},
		{"no members", rotation(func(r *Rotation) { r.Members = nil }),
			[]FieldError{{rot + ".members", "at least one member is required"}}},
		{"unknown member", rotation(func(r *Rotation) { r.Members = []string{"bob", "mallory", ""} }),
			[]FieldError{{rot + ".members[1]", `unknown person "mallory"`}, {rot + ".members[2]", "empty person name"}}},
		{"no length", rotation(func(r *Rotation) { r.Length = 0 }),
			[]FieldError{{rot + ".length", "length is required (e.g. 1w, 1d, 12h)"}}},
		{"length in minutes", rotation(func(r *Rotation) { r.Length = dur("90m") }),
			[]FieldError{{rot + ".length", "length must be whole hours or days (e.g. 1w, 3d, 12h), not 1h30m0s"}}},
		{"bad handoff", rotation(func(r *Rotation) { r.Handoff = "25:00" }),
			[]FieldError{{rot + ".handoff", `handoff "25:00" is not a time of day like "09:00"`}}},
		{"handoff not a time", rotation(func(r *Rotation) { r.Handoff = "9am" }),
			[]FieldError{{rot + ".handoff", `handoff "9am" is not a time of day like "09:00"`}}},
		{"bad timezone", rotation(func(r *Rotation) { r.Timezone = "Mars/Olympus" }),
			[]FieldError{{rot + ".timezone", `unknown timezone "Mars/Olympus" (use an IANA name like Europe/Berlin)`}}},
		{"Local timezone", rotation(func(r *Rotation) { r.Timezone = "Local" }),
			[]FieldError{{rot + ".timezone", `timezone "Local" depends on the server; name a zone like Europe/Berlin`}}},
		{"no start", rotation(func(r *Rotation) { r.Start = Date{} }),
			[]FieldError{{rot + ".start", "start date is required (e.g. 2026-01-05)"}}},
		{"impossible start", rotation(func(r *Rotation) { r.Start = Date{2026, 2, 30} }),
			[]FieldError{{rot + ".start", "invalid date 2026-02-30"}}},
		{"no name", rotation(func(r *Rotation) { r.Name = "" }),
			[]FieldError{{rot + ".name", "name is required"}}},
		{"rotation named override", rotation(func(r *Rotation) { r.Name = "Override" }),
			[]FieldError{{rot + ".name", `"Override" is reserved for overrides; pick another name`}}},
		{"duplicate rotation names", func(c *Config) {
			team := c.Teams["secops"]
			team.Rotations = []Rotation{team.Rotations[0], team.Rotations[0]}
			c.Teams["secops"] = team
		}, []FieldError{{"oncall.teams.secops.rotations[1].name", `duplicate rotation name "primary" (also rotations[0])`}}},
		{"no rotations", func(c *Config) { c.Teams["secops"] = Team{} },
			[]FieldError{{"oncall.teams.secops.rotations", "at least one rotation is required"}}},
		{"reserved team me", func(c *Config) { c.Teams["me"] = c.Teams["infra"] },
			[]FieldError{{"oncall.teams.me", `"me" is reserved in chat commands; pick another team name`}}},
		{"reserved team override", func(c *Config) { c.Teams["override"] = c.Teams["infra"] },
			[]FieldError{{"oncall.teams.override", `"override" is reserved in chat commands; pick another team name`}}},
		{"reserved team list", func(c *Config) { c.Teams["list"] = c.Teams["infra"] },
			[]FieldError{{"oncall.teams.list", `"list" is reserved in chat commands; pick another team name`}}},
		{"reserved team ack", func(c *Config) { c.Teams["ACK"] = c.Teams["infra"] },
			[]FieldError{{"oncall.teams.ACK", `"ACK" is reserved in chat commands; pick another team name`}}},
		{"team name with a space", func(c *Config) { c.Teams["red team"] = c.Teams["infra"] },
			[]FieldError{{"oncall.teams.red team", `team name "red team" may only use letters, digits, '-' and '_'`}}},
		{"empty team name", func(c *Config) { c.Teams[""] = c.Teams["infra"] },
			[]FieldError{{"oncall.teams", "a team name is empty"}}},
		{"negative repeat", escalation(Policy{Repeat: -1, Steps: []Step{{Notify: NotifyOnCall, Wait: wait}}}),
			[]FieldError{{esc + ".repeat", "repeat must be at least 1"}}},
		{"repeat without steps", escalation(Policy{Repeat: 2}),
			[]FieldError{{esc + ".steps", "at least one step is required (or leave out escalation for the default: notify oncall, wait 5m)"}}},
		{"no notify", steps(Step{Wait: wait}),
			[]FieldError{{esc + ".steps[0].notify", "notify is required: oncall, user or team"}}},
		{"bad notify", steps(Step{Notify: "everyone", Wait: wait}),
			[]FieldError{{esc + ".steps[0].notify", `unknown notify "everyone": use oncall, user or team`}}},
		{"user step without user", steps(Step{Notify: NotifyOnCall, Wait: wait}, Step{Notify: NotifyUser, Wait: wait}),
			[]FieldError{{esc + ".steps[1].user", "user is required with notify: user"}}},
		{"unknown step user", steps(Step{Notify: NotifyUser, User: "mallory", Wait: wait}),
			[]FieldError{{esc + ".steps[0].user", `unknown person "mallory"`}}},
		{"user on a team step", steps(Step{Notify: NotifyTeam, User: "dave", Wait: wait}),
			[]FieldError{{esc + ".steps[0].user", "user is only used with notify: user"}}},
		{"unknown step rotation", steps(Step{Notify: NotifyOnCall, Rotation: "secondary", Wait: wait}),
			[]FieldError{{esc + ".steps[0].rotation", `unknown rotation "secondary" (rotations: primary)`}}},
		{"rotation on a team step", steps(Step{Notify: NotifyTeam, Rotation: "primary", Wait: wait}),
			[]FieldError{{esc + ".steps[0].rotation", "rotation is only used with notify: oncall"}}},
		{"no wait", steps(Step{Notify: NotifyOnCall}),
			[]FieldError{{esc + ".steps[0].wait", "wait is required (e.g. 5m)"}}},
		{"several problems, in order", func(c *Config) {
			c.Teams["me"] = Team{Escalation: Policy{Steps: []Step{{Notify: NotifyUser}}}}
			rotation(func(r *Rotation) { r.Length = 0; r.Handoff = "9" })(c)
		}, []FieldError{
			{"oncall.teams.me", `"me" is reserved in chat commands; pick another team name`},
			{"oncall.teams.me.rotations", "at least one rotation is required"},
			{"oncall.teams.me.escalation.steps[0].user", "user is required with notify: user"},
			{"oncall.teams.me.escalation.steps[0].wait", "wait is required (e.g. 5m)"},
			{rot + ".length", "length is required (e.g. 1w, 1d, 12h)"},
			{rot + ".handoff", `handoff "9" is not a time of day like "09:00"`},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			tc.mutate(&cfg)
			if got := cfg.Validate(knownPerson); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Validate() =\n %q\nwant\n %q", got, tc.want)
			}
		})
	}
}

func TestValidateWithoutDirectory(t *testing.T) {
	cfg := testConfig()
	team := cfg.Teams["secops"]
	team.Rotations[0].Members = []string{"mallory"}
	cfg.Teams["secops"] = team
	if errs := cfg.Validate(nil); errs != nil {
		t.Errorf("Validate(nil) = %v", errs)
	}
	if got := (FieldError{"a.b", "bad"}).Error(); got != "a.b: bad" {
		t.Errorf("Error() = %q", got)
	}
}

func TestHandoffClock(t *testing.T) {
	for in, want := range map[string][2]int{"": {0, 0}, "09:00": {9, 0}, "9:30": {9, 30}, "23:59": {23, 59}, "00:00": {0, 0}} {
		h, m, err := parseClock(in)
		if err != nil || h != want[0] || m != want[1] {
			t.Errorf("parseClock(%q) = %d, %d, %v", in, h, m, err)
		}
	}
	for _, in := range []string{"24:00", "12:60", "1200", "12:0", "-1:00", "ab:cd", "123:00", " 9:00", "09:00:00"} {
		if _, _, err := parseClock(in); err == nil {
			t.Errorf("parseClock(%q) accepted", in)
		}
	}
}
