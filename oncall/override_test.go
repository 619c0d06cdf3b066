package oncall

import "testing"

func TestOverlapsExisting(t *testing.T) {
	existing := []Override{
		{ID: 1, Team: "secops", Person: "dave", From: utc("2026-03-10T00:00:00Z"), Until: utc("2026-03-12T00:00:00Z")},
		{ID: 2, Team: "infra", Person: "erin", From: utc("2026-03-20T00:00:00Z"), Until: utc("2026-03-22T00:00:00Z")},
	}
	tests := []struct {
		name        string
		id          int64
		team        string
		from, until string
		want        bool
	}{
		{"ends when the other starts", 0, "secops", "2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z", false},
		{"starts when the other ends", 0, "secops", "2026-03-12T00:00:00Z", "2026-03-13T00:00:00Z", false},
		{"overlaps the start", 0, "secops", "2026-03-09T00:00:00Z", "2026-03-10T00:00:01Z", true},
		{"overlaps the end", 0, "secops", "2026-03-11T23:59:59Z", "2026-03-13T00:00:00Z", true},
		{"inside", 0, "secops", "2026-03-11T00:00:00Z", "2026-03-11T01:00:00Z", true},
		{"around", 0, "secops", "2026-03-01T00:00:00Z", "2026-03-31T00:00:00Z", true},
		{"identical", 0, "secops", "2026-03-10T00:00:00Z", "2026-03-12T00:00:00Z", true},
		{"other team", 0, "infra", "2026-03-10T00:00:00Z", "2026-03-12T00:00:00Z", false},
		{"editing itself", 1, "secops", "2026-03-09T00:00:00Z", "2026-03-13T00:00:00Z", false},
		{"editing another", 3, "secops", "2026-03-09T00:00:00Z", "2026-03-13T00:00:00Z", true},
		{"empty interval", 0, "secops", "2026-03-11T00:00:00Z", "2026-03-11T00:00:00Z", false},
		{"reversed interval", 0, "secops", "2026-03-11T00:00:00Z", "2026-03-10T00:00:00Z", false},
	}
	for _, tc := range tests {
		o := Override{ID: tc.id, Team: tc.team, Person: "bob", From: utc(tc.from), Until: utc(tc.until)}
		if got := OverlapsExisting(o, existing); got != tc.want {
			t.Errorf("%s: OverlapsExisting = %v, want %v", tc.name, got, tc.want)
		}
	}
	o := existing[0]
	for at, want := range map[string]bool{"2026-03-10T00:00:00Z": true, "2026-03-11T23:59:59Z": true, "2026-03-12T00:00:00Z": false, "2026-03-09T23:59:59Z": false} {
		if got := o.Covers(utc(at)); got != want {
			t.Errorf("Covers(%s) = %v", at, got)
		}
	}
}
