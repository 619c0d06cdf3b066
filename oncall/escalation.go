package oncall

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/warroom/warroom/internal/duration"
)

// DefaultPolicy is the escalation policy of a team without one: notify
// whoever is on call, wait 5 minutes, once.
func DefaultPolicy() Policy {
	return Policy{Repeat: 1, Steps: []Step{{Notify: NotifyOnCall, Wait: duration.Duration(5 * time.Minute)}}}
}

// Normalized returns p with defaults applied: no steps and repeat 0 (no
// escalation block) is DefaultPolicy; repeat 0 (or less) is 1; no steps with a
// repeat set (which Validate rejects) gets DefaultPolicy's steps.
func (p Policy) Normalized() Policy {
	if len(p.Steps) == 0 {
		d := DefaultPolicy()
		if p.Repeat > 0 {
			d.Repeat = p.Repeat
		}
		return d
	}
	if p.Repeat < 1 {
		p.Repeat = 1
	}
	return p
}

// Len is the number of steps an escalation runs: len(Steps) * Repeat, after defaults.
func (p Policy) Len() int {
	n := p.Normalized()
	return len(n.Steps) * n.Repeat
}

// StepAt returns the step at position index (0 ≤ index < Len()) of the whole
// escalation and its round, counted from 1. ok is false past the end: nobody
// answered.
func (p Policy) StepAt(index int) (step Step, round int, ok bool) {
	n := p.Normalized()
	if index < 0 || index >= len(n.Steps)*n.Repeat {
		return Step{}, 0, false
	}
	return n.Steps[index%len(n.Steps)], index/len(n.Steps) + 1, true
}

// PlannedStep is one step of an escalation laid out in time.
type PlannedStep struct {
	Index int           // position in the escalation, 0 … Len()-1
	Round int           // 1 … Repeat
	Step  Step          // the configured step
	At    time.Duration // when it fires, after the escalation starts
}

// Plan lays out the whole escalation: step i fires at the sum of the earlier
// waits. Total tells when it counts as unanswered.
func (p Policy) Plan() []PlannedStep {
	out := make([]PlannedStep, 0, p.Len())
	var at time.Duration
	for i := 0; ; i++ {
		s, round, ok := p.StepAt(i)
		if !ok {
			return out
		}
		out = append(out, PlannedStep{Index: i, Round: round, Step: s, At: at})
		at += s.Wait.Std()
	}
}

// Total is the time from the first step until the escalation counts as
// unanswered: the sum of every wait in every round.
func (p Policy) Total() time.Duration {
	n := p.Normalized()
	var sum time.Duration
	for _, s := range n.Steps {
		sum += s.Wait.Std()
	}
	return sum * time.Duration(n.Repeat)
}

// Targets returns the people step notifies for team at an instant, sorted:
//   - NotifyOnCall: whoever OnCall returns; with step.Rotation, that layer's
//     on-call, except that an override stands in for the layer it displaces
//     (the one that would otherwise be on call);
//   - NotifyUser: step.User;
//   - NotifyTeam: TeamMembers plus whoever is on call (an override may name
//     someone outside the rotations).
//
// Errors wrap ErrUnknownTeam, or ErrNobodyOnCall for an on-call step with
// nobody on call; an unknown notify kind or rotation name is an error too.
func (c Config) Targets(team string, step Step, at time.Time, overrides []Override) ([]string, error) {
	tl, err := c.timeline(team, overrides)
	if err != nil {
		return nil, err
	}
	switch step.Notify {
	case NotifyUser:
		if step.User == "" {
			return nil, fmt.Errorf("escalation step for %s: notify user without a user", team)
		}
		return []string{step.User}, nil
	case NotifyTeam:
		people := c.TeamMembers(team)
		if p, ok := tl.winner(at); ok && !contains(people, p.person) {
			people = append(people, p.person)
			sort.Strings(people)
		}
		return people, nil
	case NotifyOnCall:
		if step.Rotation == "" {
			s, ok := tl.segment(at)
			if !ok {
				return nil, fmt.Errorf("%w for %s", ErrNobodyOnCall, team)
			}
			return []string{s.Person}, nil
		}
		return c.layerTargets(tl, step.Rotation, at)
	}
	return nil, fmt.Errorf("escalation step for %s: unknown notify %q (use oncall, user or team)", team, step.Notify)
}

func (c Config) layerTargets(tl *timeline, rotation string, at time.Time) ([]string, error) {
	var names []string
	for _, r := range c.Teams[tl.team].Rotations {
		names = append(names, r.Name)
	}
	if !contains(names, rotation) {
		return nil, fmt.Errorf("team %s has no rotation %q (rotations: %s)", tl.team, rotation, strings.Join(names, ", "))
	}
	for i, l := range tl.layers {
		if l.name != rotation {
			continue
		}
		k, _, _, ok := l.shiftAt(at)
		if !ok {
			break
		}
		if p, ok := tl.winner(at); ok && p.layer < 0 {
			if lp, ok := tl.layerWinner(at); ok && lp.layer == i {
				return []string{p.person}, nil // the override covers this layer
			}
		}
		return []string{l.member(k)}, nil
	}
	return nil, fmt.Errorf("%w for %s rotation %s", ErrNobodyOnCall, tl.team, rotation)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
