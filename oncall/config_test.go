package oncall

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
)

const exampleYAML = `
oncall:
  teams:
    secops:
      rotations:
        - {name: primary, members: [bob, carol], length: 1w, handoff: "09:00", start: 2026-01-05, timezone: Europe/Berlin}
        - name: backup
          members: [dave]
          length: 12h
          handoff: 07:30
          start: "2026-01-01"
      escalation:
        repeat: 2
        steps:
          - {notify: oncall, wait: 5m}
          - {notify: user, user: dave, wait: 10m}
          - {notify: oncall, rotation: backup, wait: 10m}
          - {notify: team, wait: 10m}
    infra:
      rotations:
        - {name: daily, members: [erin], length: 1d, start: 2026-01-01}
`

func decode(t *testing.T, src string) (Config, error) {
	t.Helper()
	var doc struct {
		OnCall Config `yaml:"oncall"`
	}
	err := yaml.UnmarshalWithOptions([]byte(src), &doc, yaml.Strict())
	return doc.OnCall, err
}

func TestDecodeYAML(t *testing.T) {
	cfg, err := decode(t, exampleYAML)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Teams: map[string]Team{
		"secops": {
			Rotations: []Rotation{
				{Name: "primary", Members: []string{"bob", "carol"}, Length: dur("1w"), Handoff: "09:00", Start: Date{2026, time.January, 5}, Timezone: "Europe/Berlin"},
				{Name: "backup", Members: []string{"dave"}, Length: dur("12h"), Handoff: "07:30", Start: Date{2026, time.January, 1}},
			},
			Escalation: Policy{Repeat: 2, Steps: []Step{
				{Notify: "oncall", Wait: dur("5m")},
				{Notify: "user", User: "dave", Wait: dur("10m")},
				{Notify: "oncall", Rotation: "backup", Wait: dur("10m")},
				{Notify: "team", Wait: dur("10m")},
			}},
		},
		"infra": {Rotations: []Rotation{{Name: "daily", Members: []string{"erin"}, Length: dur("1d"), Start: Date{2026, time.January, 1}}}},
	}}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("decoded %+v\nwant %+v", cfg, want)
	}
	if errs := cfg.Validate(knownPerson); errs != nil {
		t.Errorf("Validate() = %v", errs)
	}

	for _, bad := range []struct{ src, wantErr string }{
		{"oncall:\n  teams:\n    x:\n      rotations:\n        - {name: a, lenght: 1w}\n", `unknown field "lenght"`},
		{"oncall:\n  teams:\n    x:\n      rotations:\n        - {name: a, start: 2026-13-01}\n", `invalid date "2026-13-01"`},
		{"oncall:\n  teams:\n    x:\n      rotations:\n        - {name: a, length: 1fortnight}\n", `invalid duration`},
	} {
		if _, err := decode(t, bad.src); err == nil || !strings.Contains(err.Error(), bad.wantErr) {
			t.Errorf("decode(%q): err = %v, want %q", bad.src, err, bad.wantErr)
		}
	}
}

func TestNormalize(t *testing.T) {
	cfg, err := decode(t, exampleYAML)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := cfg.OnCall("infra", utc("2026-02-01T12:00:00Z"), nil)
	cfg.Normalize()
	infra := cfg.Teams["infra"]
	if !reflect.DeepEqual(infra.Escalation, DefaultPolicy()) {
		t.Errorf("infra escalation = %+v", infra.Escalation)
	}
	if r := infra.Rotations[0]; r.Handoff != "00:00" || r.Timezone != "UTC" {
		t.Errorf("infra rotation = %+v", r)
	}
	if p := cfg.Teams["secops"].Escalation; p.Repeat != 2 || len(p.Steps) != 4 {
		t.Errorf("secops escalation changed: %+v", p)
	}
	if errs := cfg.Validate(knownPerson); errs != nil {
		t.Errorf("Validate() after Normalize = %v", errs)
	}
	if after, _ := cfg.OnCall("infra", utc("2026-02-01T12:00:00Z"), nil); !sameShift(before, after) {
		t.Errorf("Normalize changed the schedule: %v, then %v", before, after)
	}
}

func TestTeamNamesAndMembers(t *testing.T) {
	cfg := testConfig()
	cfg.Teams["dup"] = Team{Rotations: []Rotation{{Members: []string{"zoe", "amy"}}, {Members: []string{"amy", "bob", "zoe"}}}}
	if got := cfg.TeamNames(); !reflect.DeepEqual(got, []string{"dup", "infra", "secops"}) {
		t.Errorf("TeamNames() = %q", got)
	}
	for team, want := range map[string][]string{
		"secops": {"bob", "carol"},
		"infra":  {"erin", "frank", "grace"},
		"dup":    {"amy", "bob", "zoe"},
		"nope":   nil,
	} {
		if got := cfg.TeamMembers(team); !reflect.DeepEqual(got, want) {
			t.Errorf("TeamMembers(%q) = %q, want %q", team, got, want)
		}
	}
	if got := (Config{}).TeamNames(); len(got) != 0 {
		t.Errorf("TeamNames() of an empty config = %q", got)
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2026-01-05")
	if err != nil || d != (Date{2026, time.January, 5}) || d.String() != "2026-01-05" || d.IsZero() {
		t.Errorf("ParseDate = %+v, %v", d, err)
	}
	if b, _ := d.MarshalText(); string(b) != "2026-01-05" {
		t.Errorf("MarshalText = %s", b)
	}
	for _, bad := range []string{"", "2026-02-30", "2026-1-5", "05.01.2026", "2026-01-05T00:00:00Z"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	if !(Date{}).IsZero() {
		t.Error("zero Date is not IsZero")
	}
}
