package oncall

import (
	"errors"
	"testing"
	"time"
)

func oneLayer(r Rotation) Config {
	r.Name = "l"
	return Config{Teams: map[string]Team{"t": {Rotations: []Rotation{r}}}}
}

func TestOnCallRotations(t *testing.T) {
	weeklyBerlin := oneLayer(Rotation{Members: []string{"bob", "carol"}, Length: dur("1w"), Handoff: "09:00",
		Start: date("2026-01-05"), Timezone: "Europe/Berlin"})
	dailyNY := oneLayer(Rotation{Members: []string{"a", "b", "c"}, Length: dur("1d"), Handoff: "09:00",
		Start: date("2026-03-01"), Timezone: "America/New_York"})
	twelveHours := oneLayer(Rotation{Members: []string{"x", "y"}, Length: dur("12h"), Handoff: "08:00",
		Start: date("2026-01-01"), Timezone: "Europe/Berlin"})
	threeDays := oneLayer(Rotation{Members: []string{"a", "b", "c", "d"}, Length: dur("3d"), Start: date("2026-02-01")})

	tests := []struct {
		name        string
		cfg         Config
		at          string
		person      string
		from, until string // UTC
		localHour   int    // local hour of From (and Until, for day lengths) in the layer's zone; -1 to skip
	}{
		// Weekly, Monday 09:00 Berlin: CET is UTC+1, CEST UTC+2.
		{"weekly first instant", weeklyBerlin, "2026-01-05T08:00:00Z", "bob", "2026-01-05T08:00:00Z", "2026-01-12T08:00:00Z", 9},
		{"weekly second shift", weeklyBerlin, "2026-01-14T00:00:00Z", "carol", "2026-01-12T08:00:00Z", "2026-01-19T08:00:00Z", 9},
		// Spring forward 2026-03-29: the shift is 167h, the handoff still 09:00 local.
		{"weekly spanning spring DST", weeklyBerlin, "2026-03-29T12:00:00Z", "carol", "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z", 9},
		{"weekly just before spring handoff", weeklyBerlin, "2026-03-30T06:59:59Z", "carol", "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z", 9},
		{"weekly at spring handoff", weeklyBerlin, "2026-03-30T07:00:00Z", "bob", "2026-03-30T07:00:00Z", "2026-04-06T07:00:00Z", 9},
		// Fall back 2026-10-25: the shift is 169h.
		{"weekly spanning autumn DST", weeklyBerlin, "2026-10-25T12:00:00Z", "carol", "2026-10-19T07:00:00Z", "2026-10-26T08:00:00Z", 9},
		{"weekly at autumn handoff", weeklyBerlin, "2026-10-26T08:00:00Z", "bob", "2026-10-26T08:00:00Z", "2026-11-02T08:00:00Z", 9},
		{"weekly years later", weeklyBerlin, "2031-07-09T10:00:00Z", "carol", "2031-07-07T07:00:00Z", "2031-07-14T07:00:00Z", 9},
		// Daily 09:00 New York, DST starts 2026-03-08: EST UTC-5, EDT UTC-4.
		{"daily before US DST", dailyNY, "2026-03-07T20:00:00Z", "a", "2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z", 9},
		{"daily after US DST", dailyNY, "2026-03-08T13:00:00Z", "b", "2026-03-08T13:00:00Z", "2026-03-09T13:00:00Z", 9},
		{"daily first day", dailyNY, "2026-03-01T14:00:00Z", "a", "2026-03-01T14:00:00Z", "2026-03-02T14:00:00Z", 9},
		// 12h: exact durations from 2026-01-01 08:00 CET (07:00Z), so 09:00/21:00 local in summer.
		{"12h winter", twelveHours, "2026-01-01T20:00:00Z", "y", "2026-01-01T19:00:00Z", "2026-01-02T07:00:00Z", 20},
		{"12h summer", twelveHours, "2026-04-01T08:00:00Z", "x", "2026-04-01T07:00:00Z", "2026-04-01T19:00:00Z", 9},
		// 3 days, midnight UTC (empty handoff and timezone).
		{"3d", threeDays, "2026-02-10T12:00:00Z", "d", "2026-02-10T00:00:00Z", "2026-02-13T00:00:00Z", 0},
		{"3d at handoff", threeDays, "2026-02-10T00:00:00Z", "d", "2026-02-10T00:00:00Z", "2026-02-13T00:00:00Z", 0},
		{"3d before handoff", threeDays, "2026-02-09T23:59:59Z", "c", "2026-02-07T00:00:00Z", "2026-02-10T00:00:00Z", 0},
		{"3d wraps members", threeDays, "2026-02-13T00:00:00Z", "a", "2026-02-13T00:00:00Z", "2026-02-16T00:00:00Z", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.cfg.OnCall("t", utc(tc.at), nil)
			if err != nil {
				t.Fatal(err)
			}
			want := Shift{Team: "t", Person: tc.person, Rotation: "l", From: utc(tc.from), Until: utc(tc.until)}
			if !sameShift(got, want) {
				t.Fatalf("got %v\nwant %v", got, want)
			}
			if tc.localHour >= 0 {
				if h := got.From.Hour(); h != tc.localHour || got.From.Minute() != 0 {
					t.Errorf("From %v is not %02d:00 local", got.From, tc.localHour)
				}
				if h := got.Until.Hour(); h != tc.localHour && got.Until.Sub(got.From) >= 23*time.Hour {
					t.Errorf("Until %v is not %02d:00 local", got.Until, tc.localHour)
				}
			}
		})
	}
}

func TestOnCallBeforeStart(t *testing.T) {
	cfg := testConfig()
	for _, at := range []string{"2026-01-05T07:59:59Z", "2025-06-01T00:00:00Z", "1970-01-01T00:00:00Z"} {
		_, err := cfg.OnCall("secops", utc(at), nil)
		if !errors.Is(err, ErrNobodyOnCall) {
			t.Errorf("OnCall at %s: err = %v, want ErrNobodyOnCall", at, err)
		}
	}
}

func TestOnCallUnknownTeam(t *testing.T) {
	_, err := testConfig().OnCall("nope", utc("2026-03-01T00:00:00Z"), nil)
	if !errors.Is(err, ErrUnknownTeam) || err.Error() != `unknown team "nope" (teams: infra, secops)` {
		t.Errorf("err = %v", err)
	}
	_, err = Config{}.OnCall("nope", time.Time{}, nil)
	if !errors.Is(err, ErrUnknownTeam) || err.Error() != `unknown team "nope" (no teams are configured)` {
		t.Errorf("err = %v", err)
	}
}

func TestOnCallLayers(t *testing.T) {
	cfg := testConfig()
	tests := []struct {
		at   string
		want Shift
	}{
		// "new" has not started: "old" covers.
		{"2026-05-20T12:00:00Z", Shift{"infra", "grace", "old", utc("2026-05-20T09:00:00Z"), utc("2026-05-21T09:00:00Z")}},
		// The last "old" shift is cut short when "new" starts.
		{"2026-06-01T10:00:00Z", Shift{"infra", "grace", "old", utc("2026-06-01T09:00:00Z"), utc("2026-06-01T12:00:00Z")}},
		{"2026-06-01T12:00:00Z", Shift{"infra", "erin", "new", utc("2026-06-01T12:00:00Z"), utc("2026-06-08T12:00:00Z")}},
		{"2027-01-01T00:00:00Z", Shift{"infra", "erin", "new", utc("2026-12-28T12:00:00Z"), utc("2027-01-04T12:00:00Z")}},
	}
	for _, tc := range tests {
		got, err := cfg.OnCall("infra", utc(tc.at), nil)
		if err != nil || !sameShift(got, tc.want) {
			t.Errorf("OnCall(%s) = %v, %v; want %v", tc.at, got, err, tc.want)
		}
	}
}

// Every shift boundary over years, walked one by one, agrees with the
// division OnCall uses, including across DST changes.
func TestShiftIndexMatchesWalk(t *testing.T) {
	for _, r := range []Rotation{
		{Members: []string{"a", "b", "c"}, Length: dur("1d"), Handoff: "09:00", Start: date("2025-12-30"), Timezone: "Europe/Berlin"},
		{Members: []string{"a", "b"}, Length: dur("1d"), Handoff: "02:30", Start: date("2026-01-01"), Timezone: "Europe/Berlin"}, // in the DST gap once a year
		{Members: []string{"a", "b", "c", "d", "e"}, Length: dur("3d"), Handoff: "23:30", Start: date("2026-01-01"), Timezone: "America/New_York"},
		{Members: []string{"a", "b"}, Length: dur("1d12h"), Handoff: "18:00", Start: date("2026-01-01"), Timezone: "Australia/Lord_Howe"},
		{Members: []string{"a", "b", "c"}, Length: dur("8h"), Handoff: "07:00", Start: date("2026-01-01"), Timezone: "America/New_York"},
	} {
		l, ok := compileLayer(r)
		if !ok {
			t.Fatalf("compileLayer(%+v) failed", r)
		}
		prev := l.bound(0)
		for k := int64(0); k < 1500; k++ {
			next := l.bound(k + 1)
			if !next.After(prev) {
				t.Fatalf("%s: shift %d is empty: %v .. %v", r.Length.Std(), k, prev, next)
			}
			for _, at := range []time.Time{prev, prev.Add(next.Sub(prev) / 2), next.Add(-time.Nanosecond)} {
				gk, from, until, ok := l.shiftAt(at)
				if !ok || gk != k || !from.Equal(prev) || !until.Equal(next) {
					t.Fatalf("%s: shiftAt(%v) = %d %v %v %v; want %d %v %v", r.Length.Std(), at, gk, from, until, ok, k, prev, next)
				}
			}
			prev = next
		}
	}
}
