package oncall

import (
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zoneinfo

	"github.com/warroom/warroom/internal/duration"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func dur(s string) duration.Duration {
	d, err := duration.Parse(s)
	if err != nil {
		panic(err)
	}
	return duration.Duration(d)
}

func date(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// testConfig:
//   - secops: weekly Berlin layer, handoff Monday 09:00 local, from 2026-01-05;
//   - infra: layer "new" (weekly from 2026-06-01 12:00 UTC) over layer "old"
//     (daily 09:00 UTC from 2026-01-01).
func testConfig() Config {
	return Config{Teams: map[string]Team{
		"secops": {
			Rotations: []Rotation{{Name: "primary", Members: []string{"bob", "carol"}, Length: dur("1w"),
				Handoff: "09:00", Start: date("2026-01-05"), Timezone: "Europe/Berlin"}},
			Escalation: Policy{Repeat: 2, Steps: []Step{
				{Notify: NotifyOnCall, Wait: dur("5m")},
				{Notify: NotifyUser, User: "dave", Wait: dur("10m")},
				{Notify: NotifyTeam, Wait: dur("10m")},
			}},
		},
		"infra": {Rotations: []Rotation{
			{Name: "new", Members: []string{"erin"}, Length: dur("1w"), Handoff: "12:00", Start: date("2026-06-01")},
			{Name: "old", Members: []string{"frank", "grace"}, Length: dur("1d"), Handoff: "09:00", Start: date("2026-01-01"), Timezone: "UTC"},
		}},
	}}
}

// sameShift compares shifts by instant, not by location.
func sameShift(a, b Shift) bool {
	return a.Team == b.Team && a.Person == b.Person && a.Rotation == b.Rotation &&
		a.From.Equal(b.From) && a.Until.Equal(b.Until)
}

func checkShifts(t *testing.T, got, want []Shift) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d shifts, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	for i := range got {
		if !sameShift(got[i], want[i]) {
			t.Errorf("shift %d = %v, want %v", i, got[i], want[i])
		}
	}
}
