package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/oncall"
)

const oncallRoster = `roster:
  - {name: alice}
  - {name: bob}
  - {name: carol}
  - {name: dave}
`

func TestConfigDecodesOnCall(t *testing.T) {
	src := oncallRoster + `oncall:
  teams:
    secops:
      rotations:
        - {name: primary, members: [bob, carol], length: 1w, handoff: "09:00", start: 2026-01-05, timezone: Europe/Berlin}
      escalation:
        repeat: 2
        steps:
          - {notify: oncall, wait: 5m}
          - {notify: user, user: dave, wait: 10m}
          - {notify: team, wait: 10m}
`
	cfg, err := config.ParseConfig("warroom.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	team, ok := cfg.OnCall.Teams["secops"]
	if !ok || len(team.Rotations) != 1 || team.Escalation.Repeat != 2 || len(team.Escalation.Steps) != 3 {
		t.Fatalf("decoded %+v", cfg.OnCall)
	}
	if got := team.Escalation.Steps[1]; got.Notify != oncall.NotifyUser || got.User != "dave" || got.Wait.Std() != 10*time.Minute {
		t.Errorf("step 2 = %+v", got)
	}
	shift, err := cfg.OnCall.OnCall("secops", time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC), nil)
	if err != nil || shift.Person != "bob" {
		t.Errorf("on call at the first handoff: %+v %v", shift, err)
	}
}

// Every problem in the oncall section names the file, the line and the key.
func TestConfigOnCallErrorsNameKeyAndLine(t *testing.T) {
	for _, tc := range []struct {
		name, oncall string
		want         []string
	}{
		{"bad handoff", `oncall:
  teams:
    secops:
      rotations:
        - name: primary
          members: [bob]
          length: 1w
          handoff: "25:00"
          start: 2026-01-05
`, []string{`warroom.yaml:13: oncall.teams.secops.rotations[0].handoff: handoff "25:00" is not a time of day`}},
		{"unknown member", `oncall:
  teams:
    secops:
      rotations:
        - {name: primary, members: [bob, zed], length: 1d, start: 2026-01-05}
`, []string{`warroom.yaml:10: oncall.teams.secops.rotations[0].members[1]: unknown person "zed"`}},
		{"unknown escalation user and missing wait", `oncall:
  teams:
    secops:
      rotations:
        - {name: primary, members: [bob], length: 1d, start: 2026-01-05}
      escalation:
        steps:
          - {notify: oncall, wait: 5m}
          - notify: user
            user: erin
`, []string{
			`warroom.yaml:15: oncall.teams.secops.escalation.steps[1].user: unknown person "erin"`,
			// wait is missing: its step's line is named.
			`warroom.yaml:14: oncall.teams.secops.escalation.steps[1].wait: wait is required`,
		}},
		{"missing start", `oncall:
  teams:
    secops:
      rotations:
        - name: primary
          members: [bob]
          length: 12h
`, []string{`warroom.yaml:10: oncall.teams.secops.rotations[0].start: start date is required`}},
		{"reserved team", `oncall:
  teams:
    me:
      rotations:
        - {name: primary, members: [bob], length: 1d, start: 2026-01-05}
`, []string{`warroom.yaml:8: oncall.teams.me: "me" is reserved`}},
		{"unknown key", `oncall:
  teams:
    secops:
      rotations:
        - {name: primary, members: [bob], lenght: 1d, start: 2026-01-05}
`, []string{`warroom.yaml:10: unknown field "lenght"`}},
		{"wrong type", `oncall:
  teams:
    secops:
      rotations:
        - {name: primary, members: [bob], length: 1d, start: 2026-01-05}
      escalation:
        repeat: twice
`, []string{`warroom.yaml:12: oncall.teams.secops.escalation.repeat: expected a whole number, not "twice"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.ParseConfig("warroom.yaml", []byte(oncallRoster+tc.oncall))
			if err == nil {
				t.Fatal("config accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestConfigWithoutOnCallHasNoTeams(t *testing.T) {
	cfg, err := config.ParseConfig("warroom.yaml", []byte(oncallRoster))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.OnCall.TeamNames()) != 0 {
		t.Errorf("teams %v", cfg.OnCall.TeamNames())
	}
}
