// Package oncall models warroom's on-call schedules: who is on call for a team at
// an instant, who is next, the handoffs in a window, and whom each step of a
// team's escalation policy notifies.
//
// The package is pure: time is always passed in, nothing is stored, and
// overrides (someone covering a shift, kept in the database) are passed to each
// call.
//
// # Schedule model
//
// A team has rotation layers. Layer shift k covers [start+k*length,
// start+(k+1)*length) and belongs to Members[k mod len(Members)]. The first
// shift starts on Start's date at Handoff in Timezone. Lengths that are a whole
// number of days (1d, 3d, 1w, 48h) advance in calendar days in that zone, so a
// 09:00 handoff stays 09:00 local across daylight-saving changes; other lengths
// (12h, 1d12h) must be whole hours and advance by exact durations. Before its
// start a layer has nobody on call. The first layer (in order) with someone on
// call wins; an override covering the instant wins over every layer.
//
// # Defaults
//
// Defaults are applied when schedules are computed, so a decoded config works
// as is; [Config.Normalize] writes them into the config (e.g. to display it):
//   - a team without an escalation block (no steps, repeat 0) gets
//     [DefaultPolicy]: notify oncall, wait 5m, repeat 1;
//   - repeat 0 means 1;
//   - an empty handoff means "00:00" and an empty timezone means UTC.
//
// Computations assume a config that passed [Config.Validate]; a layer Validate
// would reject is skipped (it has nobody on call).
//
// Zones load with time.LoadLocation, from the host's zoneinfo unless the main
// package imports time/tzdata (advisable for minimal container images).
package oncall

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/warroom/warroom/internal/duration"
)

// Notify kinds of an escalation step.
const (
	NotifyOnCall = "oncall" // whoever is on call (or the on-call of Step.Rotation)
	NotifyUser   = "user"   // Step.User
	NotifyTeam   = "team"   // everyone in the team's rotations
)

// RotationOverride is Shift.Rotation for a shift that comes from an override.
const RotationOverride = "override"

// Config is the `oncall:` section of warroom's config.
type Config struct {
	Teams map[string]Team `yaml:"teams"`
}

// Team is one team's schedule and escalation policy.
type Team struct {
	// Rotations are layers: the first with someone on call wins.
	Rotations []Rotation `yaml:"rotations"`
	// Escalation is the team's policy; when absent, DefaultPolicy applies.
	Escalation Policy `yaml:"escalation"`
}

// Rotation is one layer of a team's schedule.
type Rotation struct {
	Name    string   `yaml:"name"`
	Members []string `yaml:"members"`
	// Length of a shift: whole days/weeks (calendar days in Timezone) or whole hours.
	Length duration.Duration `yaml:"length"`
	// Handoff is the local time of day "HH:MM" the first shift starts ("" = "00:00").
	Handoff string `yaml:"handoff"`
	// Start is the date of the first shift.
	Start Date `yaml:"start"`
	// Timezone is an IANA zone name such as "Europe/Berlin" ("" = UTC).
	Timezone string `yaml:"timezone"`
}

// Policy is an escalation policy: Steps run in order, Repeat times in all.
type Policy struct {
	Repeat int    `yaml:"repeat"`
	Steps  []Step `yaml:"steps"`
}

// Step is one escalation step.
type Step struct {
	Notify string `yaml:"notify"` // NotifyOnCall, NotifyUser or NotifyTeam
	User   string `yaml:"user"`   // the person, for NotifyUser
	// Rotation optionally narrows NotifyOnCall to one layer's on-call.
	Rotation string `yaml:"rotation"`
	// Wait is the time before the next step (after the last step of the last
	// round: before the escalation counts as unanswered).
	Wait duration.Duration `yaml:"wait"`
}

// Date is a calendar date written "2026-01-05" in YAML.
type Date struct {
	Year  int        `yaml:"year"`
	Month time.Month `yaml:"month"`
	Day   int        `yaml:"day"`
}

// ParseDate reads a date in YYYY-MM-DD form.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q (use YYYY-MM-DD, e.g. 2026-01-05)", s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String returns the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// valid reports whether d names a real day.
func (d Date) valid() bool {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return t.Year() == d.Year && t.Month() == d.Month && t.Day() == d.Day
}

// TeamNames returns the configured team names, sorted. (A method cannot be
// called Teams: that is the field.)
func (c Config) TeamNames() []string {
	names := make([]string, 0, len(c.Teams))
	for name := range c.Teams {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// TeamMembers returns everyone in the team's rotations, deduplicated and
// sorted; nil for an unknown team.
func (c Config) TeamMembers(team string) []string {
	t, ok := c.Teams[team]
	if !ok {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range t.Rotations {
		for _, m := range r.Members {
			if m != "" && !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Escalation returns the team's escalation policy with defaults applied.
func (c Config) Escalation(team string) (Policy, error) {
	t, ok := c.Teams[team]
	if !ok {
		return Policy{}, c.unknownTeam(team)
	}
	return t.Escalation.Normalized(), nil
}

// Normalize writes the defaults (see the package doc) into the config: default
// escalation policies, repeat 1, handoff "00:00" and timezone "UTC". Call it
// after Validate if at all; computations apply the same defaults without it.
func (c *Config) Normalize() {
	for name, t := range c.Teams {
		t.Escalation = t.Escalation.Normalized()
		rots := make([]Rotation, len(t.Rotations))
		copy(rots, t.Rotations)
		for i := range rots {
			if rots[i].Handoff == "" {
				rots[i].Handoff = "00:00"
			}
			if rots[i].Timezone == "" {
				rots[i].Timezone = "UTC"
			}
		}
		t.Rotations = rots
		c.Teams[name] = t
	}
}

func (c Config) unknownTeam(team string) error {
	names := c.TeamNames()
	if len(names) == 0 {
		return fmt.Errorf("%w %q (no teams are configured)", ErrUnknownTeam, team)
	}
	return fmt.Errorf("%w %q (teams: %s)", ErrUnknownTeam, team, strings.Join(names, ", "))
}
