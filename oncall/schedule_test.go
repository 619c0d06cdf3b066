package oncall

import (
	"errors"
	"testing"
)

// dave covers secops from Wednesday to Friday of carol's week around the DST change.
var daveCovers = Override{ID: 1, Team: "secops", Person: "dave", From: utc("2026-03-25T12:00:00Z"), Until: utc("2026-03-27T12:00:00Z")}

// bob covers infra for a day.
var bobCoversInfra = Override{ID: 2, Team: "infra", Person: "bob", From: utc("2026-03-31T00:00:00Z"), Until: utc("2026-04-01T00:00:00Z")}

func TestOnCallOverrides(t *testing.T) {
	cfg := testConfig()
	ovs := []Override{daveCovers, bobCoversInfra}
	tests := []struct {
		name string
		team string
		at   string
		ovs  []Override
		want Shift
	}{
		{"before the override the shift ends when it starts", "secops", "2026-03-24T00:00:00Z", ovs,
			Shift{"secops", "carol", "primary", utc("2026-03-23T08:00:00Z"), utc("2026-03-25T12:00:00Z")}},
		{"override wins", "secops", "2026-03-25T12:00:00Z", ovs,
			Shift{"secops", "dave", RotationOverride, utc("2026-03-25T12:00:00Z"), utc("2026-03-27T12:00:00Z")}},
		{"override expired", "secops", "2026-03-27T12:00:00Z", ovs,
			Shift{"secops", "carol", "primary", utc("2026-03-27T12:00:00Z"), utc("2026-03-30T07:00:00Z")}},
		{"other team's override ignored", "secops", "2026-03-31T12:00:00Z", ovs,
			Shift{"secops", "bob", "primary", utc("2026-03-30T07:00:00Z"), utc("2026-04-06T07:00:00Z")}},
		{"override before any layer starts", "secops", "2026-01-01T00:00:00Z",
			[]Override{{ID: 3, Team: "secops", Person: "dave", From: utc("2025-12-31T00:00:00Z"), Until: utc("2026-01-02T00:00:00Z")}},
			Shift{"secops", "dave", RotationOverride, utc("2025-12-31T00:00:00Z"), utc("2026-01-02T00:00:00Z")}},
		{"empty override ignored", "secops", "2026-03-25T12:00:00Z",
			[]Override{{ID: 4, Team: "secops", Person: "dave", From: utc("2026-03-25T12:00:00Z"), Until: utc("2026-03-25T12:00:00Z")}},
			Shift{"secops", "carol", "primary", utc("2026-03-23T08:00:00Z"), utc("2026-03-30T07:00:00Z")}},
		{"overlapping overrides: the later one wins", "secops", "2026-03-26T12:00:00Z",
			[]Override{daveCovers, {ID: 5, Team: "secops", Person: "erin", From: utc("2026-03-26T00:00:00Z"), Until: utc("2026-03-26T18:00:00Z")}},
			Shift{"secops", "erin", RotationOverride, utc("2026-03-26T00:00:00Z"), utc("2026-03-26T18:00:00Z")}},
		{"overlapping overrides: the earlier one resumes", "secops", "2026-03-26T20:00:00Z",
			[]Override{daveCovers, {ID: 5, Team: "secops", Person: "erin", From: utc("2026-03-26T00:00:00Z"), Until: utc("2026-03-26T18:00:00Z")}},
			Shift{"secops", "dave", RotationOverride, utc("2026-03-26T18:00:00Z"), utc("2026-03-27T12:00:00Z")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cfg.OnCall(tc.team, utc(tc.at), tc.ovs)
			if err != nil || !sameShift(got, tc.want) {
				t.Fatalf("got %v, %v\nwant %v", got, err, tc.want)
			}
		})
	}
}

func TestNext(t *testing.T) {
	cfg := testConfig()
	cfg.Teams["solo"] = Team{Rotations: []Rotation{{Name: "only", Members: []string{"zoe"}, Length: dur("1w"), Start: date("2026-01-05")}}}
	tests := []struct {
		name string
		team string
		at   string
		ovs  []Override
		want Shift
	}{
		{"next handoff", "secops", "2026-03-24T00:00:00Z", nil,
			Shift{"secops", "bob", "primary", utc("2026-03-30T07:00:00Z"), utc("2026-04-06T07:00:00Z")}},
		{"an override is next", "secops", "2026-03-24T00:00:00Z", []Override{daveCovers},
			Shift{"secops", "dave", RotationOverride, utc("2026-03-25T12:00:00Z"), utc("2026-03-27T12:00:00Z")}},
		{"during an override", "secops", "2026-03-26T00:00:00Z", []Override{daveCovers},
			Shift{"secops", "carol", "primary", utc("2026-03-27T12:00:00Z"), utc("2026-03-30T07:00:00Z")}},
		{"skips shifts of the same person", "secops", "2026-03-24T00:00:00Z",
			[]Override{{ID: 6, Team: "secops", Person: "carol", From: utc("2026-03-25T00:00:00Z"), Until: utc("2026-03-26T00:00:00Z")}},
			Shift{"secops", "bob", "primary", utc("2026-03-30T07:00:00Z"), utc("2026-04-06T07:00:00Z")}},
		{"one member: the next shift", "solo", "2026-03-24T00:00:00Z", nil,
			Shift{"solo", "zoe", "only", utc("2026-03-30T00:00:00Z"), utc("2026-04-06T00:00:00Z")}},
		{"nobody yet: the first shift", "secops", "2025-12-01T00:00:00Z", nil,
			Shift{"secops", "bob", "primary", utc("2026-01-05T08:00:00Z"), utc("2026-01-12T08:00:00Z")}},
		{"a higher layer takes over", "infra", "2026-06-01T10:00:00Z", nil,
			Shift{"infra", "erin", "new", utc("2026-06-01T12:00:00Z"), utc("2026-06-08T12:00:00Z")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cfg.Next(tc.team, utc(tc.at), tc.ovs)
			if err != nil || !sameShift(got, tc.want) {
				t.Fatalf("got %v, %v\nwant %v", got, err, tc.want)
			}
		})
	}

	// Only an override, no usable layer: nobody after it.
	cfg.Teams["empty"] = Team{}
	ov := Override{ID: 7, Team: "empty", Person: "dave", From: utc("2026-03-01T00:00:00Z"), Until: utc("2026-03-02T00:00:00Z")}
	if _, err := cfg.Next("empty", utc("2026-03-01T12:00:00Z"), []Override{ov}); !errors.Is(err, ErrNobodyOnCall) {
		t.Errorf("Next after the last override: err = %v", err)
	}
	if got, err := cfg.Next("empty", utc("2026-02-01T00:00:00Z"), []Override{ov}); err != nil || got.Person != "dave" {
		t.Errorf("Next before an override = %v, %v", got, err)
	}
	if _, err := cfg.Next("nope", utc("2026-02-01T00:00:00Z"), nil); !errors.Is(err, ErrUnknownTeam) {
		t.Errorf("Next(unknown team): err = %v", err)
	}
}

func TestShiftsOf(t *testing.T) {
	cfg := testConfig()
	ovs := []Override{daveCovers, bobCoversInfra}
	tests := []struct {
		name     string
		person   string
		from, to string
		want     []Shift
	}{
		{"across teams, unclipped", "bob", "2026-03-20T00:00:00Z", "2026-04-10T00:00:00Z", []Shift{
			{"secops", "bob", "primary", utc("2026-03-16T08:00:00Z"), utc("2026-03-23T08:00:00Z")},
			{"secops", "bob", "primary", utc("2026-03-30T07:00:00Z"), utc("2026-04-06T07:00:00Z")},
			{"infra", "bob", RotationOverride, utc("2026-03-31T00:00:00Z"), utc("2026-04-01T00:00:00Z")},
		}},
		{"split by an override", "carol", "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z", []Shift{
			{"secops", "carol", "primary", utc("2026-03-23T08:00:00Z"), utc("2026-03-25T12:00:00Z")},
			{"secops", "carol", "primary", utc("2026-03-27T12:00:00Z"), utc("2026-03-30T07:00:00Z")},
		}},
		{"window end is exclusive", "bob", "2026-03-24T00:00:00Z", "2026-03-30T07:00:00Z", nil},
		{"nobody", "nobody", "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", nil},
		{"empty window", "bob", "2026-04-01T00:00:00Z", "2026-03-01T00:00:00Z", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkShifts(t, cfg.ShiftsOf(tc.person, utc(tc.from), utc(tc.to), ovs), tc.want)
		})
	}
}

func TestHandoffs(t *testing.T) {
	cfg := testConfig()
	tests := []struct {
		name     string
		from, to string
		ovs      []Override
		want     []Shift
	}{
		{"both teams, sorted, (from, to]", "2026-03-29T09:00:00Z", "2026-03-31T00:00:00Z", []Override{bobCoversInfra}, []Shift{
			{"secops", "bob", "primary", utc("2026-03-30T07:00:00Z"), utc("2026-04-06T07:00:00Z")},
			{"infra", "frank", "old", utc("2026-03-30T09:00:00Z"), utc("2026-03-31T00:00:00Z")},
			{"infra", "bob", RotationOverride, utc("2026-03-31T00:00:00Z"), utc("2026-04-01T00:00:00Z")},
		}},
		{"override start and end are handoffs", "2026-03-25T00:00:00Z", "2026-03-28T00:00:00Z", []Override{daveCovers}, []Shift{
			{"infra", "grace", "old", utc("2026-03-25T09:00:00Z"), utc("2026-03-26T09:00:00Z")},
			{"secops", "dave", RotationOverride, utc("2026-03-25T12:00:00Z"), utc("2026-03-27T12:00:00Z")},
			{"infra", "frank", "old", utc("2026-03-26T09:00:00Z"), utc("2026-03-27T09:00:00Z")},
			{"infra", "grace", "old", utc("2026-03-27T09:00:00Z"), utc("2026-03-28T09:00:00Z")},
			{"secops", "carol", "primary", utc("2026-03-27T12:00:00Z"), utc("2026-03-30T07:00:00Z")},
		}},
		{"first shifts ever", "2025-12-31T00:00:00Z", "2026-01-05T08:00:00Z", nil, []Shift{
			{"infra", "frank", "old", utc("2026-01-01T09:00:00Z"), utc("2026-01-02T09:00:00Z")},
			{"infra", "grace", "old", utc("2026-01-02T09:00:00Z"), utc("2026-01-03T09:00:00Z")},
			{"infra", "frank", "old", utc("2026-01-03T09:00:00Z"), utc("2026-01-04T09:00:00Z")},
			{"infra", "grace", "old", utc("2026-01-04T09:00:00Z"), utc("2026-01-05T09:00:00Z")},
			{"secops", "bob", "primary", utc("2026-01-05T08:00:00Z"), utc("2026-01-12T08:00:00Z")},
		}},
		{"higher layer starting", "2026-06-01T09:00:00Z", "2026-06-09T00:00:00Z", nil, []Shift{
			{"infra", "erin", "new", utc("2026-06-01T12:00:00Z"), utc("2026-06-08T12:00:00Z")},
			{"secops", "bob", "primary", utc("2026-06-08T07:00:00Z"), utc("2026-06-15T07:00:00Z")},
			{"infra", "erin", "new", utc("2026-06-08T12:00:00Z"), utc("2026-06-15T12:00:00Z")},
		}},
		{"empty window", "2026-03-30T07:00:00Z", "2026-03-30T07:00:00Z", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkShifts(t, cfg.Handoffs(utc(tc.from), utc(tc.to), tc.ovs), tc.want)
		})
	}
}
