package oncall

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// FieldError is a problem with one config field. Path is the field's place in
// the YAML document, e.g. "oncall.teams.secops.rotations[0].handoff" (prefix
// "$." for a goccy/go-yaml YAMLPath).
type FieldError struct {
	Path string
	Msg  string
}

func (e FieldError) Error() string { return e.Path + ": " + e.Msg }

// reservedTeams are words the chat commands use in place of a team name: /oncall me,
// /oncall override, /page list and /page ack (a team so named could not be paged).
var reservedTeams = []string{"me", "override", "list", "ack"}

// Validate checks the config and returns every problem found, in a stable
// order (teams sorted, then fields in document order); nil if it is valid.
// known reports whether a person exists; nil skips those checks. Defaults (see
// the package doc) are not errors: repeat 0, an absent escalation block, an
// empty handoff or timezone.
func (c Config) Validate(known func(person string) bool) []FieldError {
	v := validator{known: known}
	for _, name := range c.TeamNames() {
		v.team(name, c.Teams[name])
	}
	return v.errs
}

type validator struct {
	known func(string) bool
	errs  []FieldError
}

func (v *validator) add(path, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) person(path, who string) {
	switch {
	case who == "":
		v.add(path, "empty person name")
	case v.known != nil && !v.known(who):
		v.add(path, "unknown person %q", who)
	}
}

func (v *validator) team(name string, t Team) {
	path := "oncall.teams." + name
	switch {
	case name == "":
		v.add("oncall.teams", "a team name is empty")
	case strings.IndexFunc(name, badTeamRune) >= 0:
		v.add(path, "team name %q may only use letters, digits, '-' and '_'", name)
	}
	for _, r := range reservedTeams {
		if strings.EqualFold(name, r) {
			v.add(path, "%q is reserved in chat commands; pick another team name", name)
		}
	}
	if len(t.Rotations) == 0 {
		v.add(path+".rotations", "at least one rotation is required")
	}
	names := map[string]int{}
	for i, r := range t.Rotations {
		v.rotation(fmt.Sprintf("%s.rotations[%d]", path, i), r, names, i)
	}
	v.policy(path+".escalation", t)
}

func badTeamRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_'
}

func (v *validator) rotation(path string, r Rotation, names map[string]int, i int) {
	switch prev, dup := names[r.Name]; {
	case r.Name == "":
		v.add(path+".name", "name is required")
	case strings.EqualFold(r.Name, RotationOverride):
		v.add(path+".name", "%q is reserved for overrides; pick another name", r.Name)
	case dup:
		v.add(path+".name", "duplicate rotation name %q (also rotations[%d])", r.Name, prev)
	default:
		names[r.Name] = i
	}
	if len(r.Members) == 0 {
		v.add(path+".members", "at least one member is required")
	}
	for j, m := range r.Members {
		v.person(fmt.Sprintf("%s.members[%d]", path, j), m)
	}
	switch l := r.Length.Std(); {
	case l <= 0:
		v.add(path+".length", "length is required (e.g. 1w, 1d, 12h)")
	case l%time.Hour != 0:
		v.add(path+".length", "length must be whole hours or days (e.g. 1w, 3d, 12h), not %s", l)
	}
	if _, _, err := parseClock(r.Handoff); err != nil {
		v.add(path+".handoff", "%v", err)
	}
	if _, err := loadLocation(r.Timezone); err != nil {
		v.add(path+".timezone", "%v", err)
	}
	switch {
	case r.Start.IsZero():
		v.add(path+".start", "start date is required (e.g. 2026-01-05)")
	case !r.Start.valid():
		v.add(path+".start", "invalid date %s", r.Start)
	}
}

func (v *validator) policy(path string, t Team) {
	p := t.Escalation
	if p.Repeat < 0 {
		v.add(path+".repeat", "repeat must be at least 1")
	}
	if len(p.Steps) == 0 {
		if p.Repeat != 0 {
			v.add(path+".steps", "at least one step is required (or leave out escalation for the default: notify oncall, wait 5m)")
		}
		return
	}
	for i, s := range p.Steps {
		v.step(fmt.Sprintf("%s.steps[%d]", path, i), s, t.Rotations)
	}
}

func (v *validator) step(path string, s Step, rotations []Rotation) {
	switch s.Notify {
	case NotifyOnCall, NotifyUser, NotifyTeam:
	case "":
		v.add(path+".notify", "notify is required: oncall, user or team")
	default:
		v.add(path+".notify", "unknown notify %q: use oncall, user or team", s.Notify)
	}
	switch {
	case s.Notify == NotifyUser && s.User == "":
		v.add(path+".user", "user is required with notify: user")
	case s.Notify == NotifyUser:
		v.person(path+".user", s.User)
	case s.User != "":
		v.add(path+".user", "user is only used with notify: user")
	}
	if s.Rotation != "" {
		var names []string
		for _, r := range rotations {
			names = append(names, r.Name)
		}
		switch {
		case s.Notify != NotifyOnCall:
			v.add(path+".rotation", "rotation is only used with notify: oncall")
		case !contains(names, s.Rotation):
			v.add(path+".rotation", "unknown rotation %q (rotations: %s)", s.Rotation, strings.Join(names, ", "))
		}
	}
	if s.Wait.Std() <= 0 {
		v.add(path+".wait", "wait is required (e.g. 5m)")
	}
}
