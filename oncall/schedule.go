package oncall

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// Errors returned by the schedule queries; test with errors.Is.
var (
	// ErrUnknownTeam: the message also lists the configured teams, sorted.
	ErrUnknownTeam = errors.New("unknown team")
	// ErrNobodyOnCall: no override and no layer has anyone on call.
	ErrNobodyOnCall = errors.New("nobody is on call")
)

// maxShifts bounds how many shifts one team contributes to a single
// ShiftsOf/Handoffs call (and how far Next looks for a different person), so a
// huge window cannot run away. 10000 shifts is over a year of hourly shifts.
const maxShifts = 10000

// Shift is a stretch of time one person is on call for a team. From and Until
// are cut short where an override or a higher layer takes over, so consecutive
// shifts of a team tile its timeline. Layer shifts are in the layer's zone.
type Shift struct {
	Team     string
	Person   string
	Rotation string // the layer's name, or RotationOverride
	From     time.Time
	Until    time.Time
}

// OnCall returns the shift covering at: an override of the team covering at
// wins, else the first layer with someone on call. Errors wrap ErrUnknownTeam or
// ErrNobodyOnCall.
func (c Config) OnCall(team string, at time.Time, overrides []Override) (Shift, error) {
	tl, err := c.timeline(team, overrides)
	if err != nil {
		return Shift{}, err
	}
	s, ok := tl.segment(at)
	if !ok {
		return Shift{}, fmt.Errorf("%w for %s", ErrNobodyOnCall, team)
	}
	return s, nil
}

// Next returns the first shift after the current one whose person differs from
// the current person: who takes over and when (Shift.From). If the schedule
// never changes person (one member, say), it returns the shift that follows
// the current one, i.e. the next handoff. If nobody is on call at at, it
// returns the first shift that starts after at. Errors wrap ErrUnknownTeam or
// ErrNobodyOnCall (nobody is ever on call after at).
func (c Config) Next(team string, at time.Time, overrides []Override) (Shift, error) {
	tl, err := c.timeline(team, overrides)
	if err != nil {
		return Shift{}, err
	}
	nobody := fmt.Errorf("%w for %s after %s", ErrNobodyOnCall, team, at.Format(time.RFC3339))
	cur, ok := tl.segment(at)
	if !ok {
		if s, ok := tl.startingAfter(at); ok {
			return s, nil
		}
		return Shift{}, nobody
	}
	first, ok := tl.from(cur.Until)
	if !ok {
		return Shift{}, nobody
	}
	s := first
	for n := 0; n < maxShifts && ok; n++ {
		if s.Person != cur.Person {
			return s, nil
		}
		s, ok = tl.from(s.Until)
	}
	return first, nil
}

// ShiftsOf returns person's shifts across all teams that overlap [from, to),
// sorted by start then team. Shifts are not cut to the window.
func (c Config) ShiftsOf(person string, from, to time.Time, overrides []Override) []Shift {
	var out []Shift
	for _, team := range c.TeamNames() {
		tl, _ := c.timeline(team, overrides)
		tl.walk(from, func(s Shift) bool {
			if !s.From.Before(to) {
				return false
			}
			if s.Person == person {
				out = append(out, s)
			}
			return true
		})
	}
	sortShifts(out)
	return out
}

// Handoffs returns every shift that starts in (from, to], across all teams,
// sorted by start then team: the moments to tell the incoming person they are
// on call. Every shift start counts, including one where the same person
// carries on (a one-member rotation's next shift, an override for the person
// already on call); to skip those, compare with OnCall just before Shift.From.
func (c Config) Handoffs(from, to time.Time, overrides []Override) []Shift {
	var out []Shift
	for _, team := range c.TeamNames() {
		tl, _ := c.timeline(team, overrides)
		tl.walk(from, func(s Shift) bool {
			if s.From.After(to) {
				return false
			}
			if s.From.After(from) {
				out = append(out, s)
			}
			return true
		})
	}
	sortShifts(out)
	return out
}

func sortShifts(s []Shift) {
	sort.SliceStable(s, func(i, j int) bool {
		if !s[i].From.Equal(s[j].From) {
			return s[i].From.Before(s[j].From)
		}
		return s[i].Team < s[j].Team
	})
}

// timeline is one team's schedule with its overrides.
type timeline struct {
	team   string
	layers []*layer
	ovs    []Override  // the team's overrides, non-empty ones only
	points []time.Time // sorted instants where the winner may change
}

func (c Config) timeline(team string, overrides []Override) (*timeline, error) {
	t, ok := c.Teams[team]
	if !ok {
		return nil, c.unknownTeam(team)
	}
	tl := &timeline{team: team}
	for _, r := range t.Rotations {
		if l, ok := compileLayer(r); ok {
			tl.layers = append(tl.layers, l)
			tl.points = append(tl.points, l.first)
		}
	}
	for _, o := range overrides {
		if o.Team == team && o.From.Before(o.Until) {
			tl.ovs = append(tl.ovs, o)
			tl.points = append(tl.points, o.From, o.Until)
		}
	}
	sort.Slice(tl.points, func(i, j int) bool { return tl.points[i].Before(tl.points[j]) })
	return tl, nil
}

// pick is who wins at an instant: an override, or a layer's shift k.
type pick struct {
	layer       int // index in layers, or -1 for an override
	ov          int // index in ovs, or -1
	k           int64
	person      string
	from, until time.Time // the winner's own bounds
}

func (p pick) same(q pick) bool { return p.layer == q.layer && p.ov == q.ov && p.k == q.k }

// winner returns who is on call at t before any clipping.
func (tl *timeline) winner(t time.Time) (pick, bool) {
	best := -1
	for i, o := range tl.ovs {
		if o.Covers(t) && (best < 0 || beats(o, tl.ovs[best])) {
			best = i
		}
	}
	if best >= 0 {
		o := tl.ovs[best]
		return pick{layer: -1, ov: best, person: o.Person, from: o.From, until: o.Until}, true
	}
	return tl.layerWinner(t)
}

// layerWinner returns the first layer with someone on call at t, ignoring overrides.
func (tl *timeline) layerWinner(t time.Time) (pick, bool) {
	for i, l := range tl.layers {
		if k, from, until, ok := l.shiftAt(t); ok {
			return pick{layer: i, ov: -1, k: k, person: l.member(k), from: from, until: until}, true
		}
	}
	return pick{}, false
}

// beats orders overlapping overrides (which OverlapsExisting keeps out): the
// one that started later wins, then the higher ID.
func beats(a, b Override) bool {
	if !a.From.Equal(b.From) {
		return a.From.After(b.From)
	}
	return a.ID > b.ID
}

// segment returns the shift covering t: the winner's own bounds, cut where the
// winner changes (an override or a higher layer starting, an override ending).
func (tl *timeline) segment(t time.Time) (Shift, bool) {
	p, ok := tl.winner(t)
	if !ok {
		return Shift{}, false
	}
	from, until := p.from, p.until
	i := sort.Search(len(tl.points), func(i int) bool { return tl.points[i].After(t) })
	for j := i; j < len(tl.points) && tl.points[j].Before(until); j++ {
		if q, ok := tl.winner(tl.points[j]); !ok || !p.same(q) {
			until = tl.points[j]
			break
		}
	}
	// The winner is constant between consecutive points, so check each
	// stretch before a point at its start.
	for j := i - 1; j >= 0 && tl.points[j].After(from); j-- {
		start := from
		if j > 0 && tl.points[j-1].After(from) {
			start = tl.points[j-1]
		}
		if q, ok := tl.winner(start); !ok || !p.same(q) {
			from = tl.points[j]
			break
		}
	}
	s := Shift{Team: tl.team, Person: p.person, Rotation: RotationOverride, From: from, Until: until}
	if p.layer >= 0 {
		l := tl.layers[p.layer]
		s.Rotation, s.From, s.Until = l.name, from.In(l.loc), until.In(l.loc)
	}
	return s, true
}

// startingAfter returns the first shift starting after t (when nobody is on
// call at t, someone can only come on at an override or layer start).
func (tl *timeline) startingAfter(t time.Time) (Shift, bool) {
	i := sort.Search(len(tl.points), func(i int) bool { return tl.points[i].After(t) })
	for ; i < len(tl.points); i++ {
		if s, ok := tl.segment(tl.points[i]); ok {
			return s, true
		}
	}
	return Shift{}, false
}

// from returns the shift covering t, or else the first one starting after t.
func (tl *timeline) from(t time.Time) (Shift, bool) {
	if s, ok := tl.segment(t); ok {
		return s, true
	}
	return tl.startingAfter(t)
}

// walk calls fn on the shift covering t (or the first after it) and each
// following shift until fn returns false or maxShifts is reached.
func (tl *timeline) walk(t time.Time, fn func(Shift) bool) {
	s, ok := tl.from(t)
	for n := 0; ok && n < maxShifts && fn(s); n++ {
		s, ok = tl.from(s.Until)
	}
}
