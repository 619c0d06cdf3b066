package oncall

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestPolicyPlan(t *testing.T) {
	p := testConfig().Teams["secops"].Escalation // 5m, 10m, 10m; repeat 2
	want := []PlannedStep{
		{0, 1, p.Steps[0], 0},
		{1, 1, p.Steps[1], 5 * time.Minute},
		{2, 1, p.Steps[2], 15 * time.Minute},
		{3, 2, p.Steps[0], 25 * time.Minute},
		{4, 2, p.Steps[1], 30 * time.Minute},
		{5, 2, p.Steps[2], 40 * time.Minute},
	}
	if got := p.Plan(); !reflect.DeepEqual(got, want) {
		t.Errorf("Plan() = %+v\nwant %+v", got, want)
	}
	if p.Len() != 6 || p.Total() != 50*time.Minute {
		t.Errorf("Len() = %d, Total() = %v", p.Len(), p.Total())
	}
	for _, tc := range []struct {
		index int
		step  Step
		round int
		ok    bool
	}{
		{0, p.Steps[0], 1, true}, {2, p.Steps[2], 1, true}, {3, p.Steps[0], 2, true}, {5, p.Steps[2], 2, true},
		{6, Step{}, 0, false}, {-1, Step{}, 0, false},
	} {
		step, round, ok := p.StepAt(tc.index)
		if !reflect.DeepEqual(step, tc.step) || round != tc.round || ok != tc.ok {
			t.Errorf("StepAt(%d) = %+v, %d, %v", tc.index, step, round, ok)
		}
	}
}

func TestPolicyDefaults(t *testing.T) {
	def := DefaultPolicy()
	one := Step{Notify: NotifyTeam, Wait: dur("1m")}
	tests := []struct {
		name string
		in   Policy
		want Policy
	}{
		{"absent escalation", Policy{}, def},
		{"repeat 0 means 1", Policy{Steps: []Step{one}}, Policy{Repeat: 1, Steps: []Step{one}}},
		{"repeat kept", Policy{Repeat: 3, Steps: []Step{one}}, Policy{Repeat: 3, Steps: []Step{one}}},
	}
	for _, tc := range tests {
		if got := tc.in.Normalized(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Normalized() = %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if def.Len() != 1 || def.Total() != 5*time.Minute || def.Steps[0].Notify != NotifyOnCall {
		t.Errorf("DefaultPolicy() = %+v", def)
	}
	if got := (Policy{}).Plan(); len(got) != 1 || got[0].Step.Notify != NotifyOnCall {
		t.Errorf("Policy{}.Plan() = %+v", got)
	}
	cfg := testConfig()
	if p, err := cfg.Escalation("infra"); err != nil || !reflect.DeepEqual(p, def) {
		t.Errorf("Escalation(infra) = %+v, %v", p, err)
	}
	if _, err := cfg.Escalation("nope"); !errors.Is(err, ErrUnknownTeam) {
		t.Errorf("Escalation(nope): err = %v", err)
	}
}

func TestTargets(t *testing.T) {
	cfg := testConfig()
	// On 2026-06-02 layer "new" (erin) wins; layer "old" has frank.
	daveInfra := []Override{{ID: 1, Team: "infra", Person: "dave", From: utc("2026-05-01T00:00:00Z"), Until: utc("2026-06-03T00:00:00Z")}}
	tests := []struct {
		name    string
		team    string
		step    Step
		at      string
		ovs     []Override
		want    []string
		wantErr error // nil, a sentinel, or errAny
	}{
		{"oncall", "infra", Step{Notify: NotifyOnCall}, "2026-06-02T10:00:00Z", nil, []string{"erin"}, nil},
		{"oncall with override", "infra", Step{Notify: NotifyOnCall}, "2026-06-02T10:00:00Z", daveInfra, []string{"dave"}, nil},
		{"oncall of a lower layer", "infra", Step{Notify: NotifyOnCall, Rotation: "old"}, "2026-06-02T10:00:00Z", nil, []string{"frank"}, nil},
		{"override does not displace a lower layer", "infra", Step{Notify: NotifyOnCall, Rotation: "old"}, "2026-06-02T10:00:00Z", daveInfra, []string{"frank"}, nil},
		{"override stands in for the winning layer", "infra", Step{Notify: NotifyOnCall, Rotation: "new"}, "2026-06-02T10:00:00Z", daveInfra, []string{"dave"}, nil},
		{"override stands in for the winning lower layer", "infra", Step{Notify: NotifyOnCall, Rotation: "old"}, "2026-05-15T10:00:00Z", daveInfra, []string{"dave"}, nil},
		{"layer not started", "infra", Step{Notify: NotifyOnCall, Rotation: "new"}, "2026-05-15T10:00:00Z", nil, nil, ErrNobodyOnCall},
		{"unknown rotation", "infra", Step{Notify: NotifyOnCall, Rotation: "nope"}, "2026-06-02T10:00:00Z", nil, nil, errAny},
		{"nobody on call", "secops", Step{Notify: NotifyOnCall}, "2025-01-01T00:00:00Z", nil, nil, ErrNobodyOnCall},
		{"user", "secops", Step{Notify: NotifyUser, User: "dave"}, "2025-01-01T00:00:00Z", nil, []string{"dave"}, nil},
		{"user missing", "secops", Step{Notify: NotifyUser}, "2026-06-02T10:00:00Z", nil, nil, errAny},
		{"team", "infra", Step{Notify: NotifyTeam}, "2026-06-02T10:00:00Z", nil, []string{"erin", "frank", "grace"}, nil},
		{"team includes the override", "infra", Step{Notify: NotifyTeam}, "2026-06-02T10:00:00Z", daveInfra, []string{"dave", "erin", "frank", "grace"}, nil},
		{"team, nobody on call", "secops", Step{Notify: NotifyTeam}, "2025-01-01T00:00:00Z", nil, []string{"bob", "carol"}, nil},
		{"bad notify", "secops", Step{Notify: "pager"}, "2026-06-02T10:00:00Z", nil, nil, errAny},
		{"unknown team", "nope", Step{Notify: NotifyUser, User: "dave"}, "2026-06-02T10:00:00Z", nil, nil, ErrUnknownTeam},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cfg.Targets(tc.team, tc.step, utc(tc.at), tc.ovs)
			switch {
			case tc.wantErr == nil && err != nil,
				tc.wantErr == errAny && err == nil,
				tc.wantErr != nil && tc.wantErr != errAny && !errors.Is(err, tc.wantErr):
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Targets = %q, want %q", got, tc.want)
			}
		})
	}
}

var errAny = errors.New("any error")
