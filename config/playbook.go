package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/duration"
)

// ClockRegimes are the regulatory clocks a playbook may start (commands/clockrules.go
// defines them; a test keeps the two lists equal).
var ClockRegimes = []string{"gdpr", "nis2", "sec"}

// Playbook is a pre-configured response (docs/playbooks.md): matched by the incident's type
// and optionally its severity, applied on declare and whenever the type is set.
type Playbook struct {
	Match PlaybookMatch `yaml:"match" json:"match"`
	// Roles the card asks for first, in this order.
	Roles []string `yaml:"roles" json:"roles,omitempty"`
	// Page lists on-call teams paged at once (never in drills).
	Page []string `yaml:"page" json:"page,omitempty"`
	// Clocks are regulatory clocks started (gdpr, nis2, sec).
	Clocks []string       `yaml:"clocks" json:"clocks,omitempty"`
	Tasks  []PlaybookTask `yaml:"tasks" json:"tasks,omitempty"`
	// Checklist adds exit criteria to phases: added now for the current phase, on entry for
	// later ones.
	Checklist map[string][]string `yaml:"checklist" json:"checklist,omitempty"`
	// Actions are the response actions the incident may run.
	Actions []string `yaml:"actions" json:"actions,omitempty"`
}

// PlaybookMatch selects the incidents a playbook applies to.
type PlaybookMatch struct {
	Type string `yaml:"type" json:"type"`
	// Severity, when set, limits the playbook to these levels (1–4).
	Severity []int `yaml:"severity" json:"severity,omitempty"`
}

// PlaybookTask is a task the playbook adds: owned by whoever holds Role when it is applied
// (unassigned while nobody does), due Due after it is applied, for Phase.
type PlaybookTask struct {
	Text  string            `yaml:"text" json:"text"`
	Role  string            `yaml:"role" json:"role,omitempty"`
	Due   duration.Duration `yaml:"due" json:"due,omitempty"`
	Phase string            `yaml:"phase" json:"phase,omitempty"`
}

// PlaybookVersion is the first 12 hex digits of the SHA-256 of the playbook's
// configuration (canonical JSON: map keys sorted), so the record says exactly which
// version of a playbook was followed; editing any of its lines changes it.
func PlaybookVersion(p Playbook) string {
	b, _ := json.Marshal(p) // a struct of strings, ints and maps: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:12]
}

// PlaybookFor picks the playbook for an incident of type typ and severity sev: one that
// names the severity wins over one that matches every severity; among equals the first by
// name. "" when none matches.
func (c *Config) PlaybookFor(typ string, sev int) string {
	if typ == "" {
		return ""
	}
	names := make([]string, 0, len(c.Playbooks))
	for n := range c.Playbooks {
		names = append(names, n)
	}
	sort.Strings(names)
	best, bestSpecific := "", false
	for _, n := range names {
		m := c.Playbooks[n].Match
		if m.Type != typ {
			continue
		}
		specific := len(m.Severity) > 0
		if specific && !slices.Contains(m.Severity, sev) {
			continue
		}
		if best == "" || specific && !bestSpecific {
			best, bestSpecific = n, specific
		}
	}
	return best
}

// validatePlaybooks checks every playbook against the rest of the file: types, roles,
// teams, clocks, phases and actions it names must exist. bad reports at a YAML path.
func (c *Config) validatePlaybooks(bad func(path, key, format string, args ...any)) {
	roles := c.Roles
	if len(roles) == 0 {
		roles = DefaultRoles
	}
	types := c.Types
	if len(types) == 0 {
		types = DefaultTypes
	}
	teams := c.OnCall.TeamNames()
	for name, p := range c.Playbooks {
		path, key := "$.playbooks."+name, "playbooks."+name
		if !typeRe.MatchString(name) {
			bad(path, key, "%q is not a valid playbook name (lowercase letters, digits and -)", name)
		}
		if !slices.Contains(types, p.Match.Type) {
			bad(path+".match.type", key+".match.type", "unknown type %q (types: %v)", p.Match.Type, types)
		}
		for i, s := range p.Match.Severity {
			if s < 1 || s > 4 {
				bad(fmt.Sprintf("%s.match.severity[%d]", path, i), key+".match.severity", "levels are 1 to 4, not %d", s)
			}
		}
		for i, r := range p.Roles {
			if !slices.Contains(roles, r) {
				bad(fmt.Sprintf("%s.roles[%d]", path, i), fmt.Sprintf("%s.roles[%d]", key, i), "unknown role %q (roles: %v)", r, roles)
			}
		}
		for i, t := range p.Page {
			if !slices.Contains(teams, t) {
				bad(fmt.Sprintf("%s.page[%d]", path, i), fmt.Sprintf("%s.page[%d]", key, i), "unknown on-call team %q (teams: %v)", t, teams)
			}
		}
		for i, k := range p.Clocks {
			if !slices.Contains(ClockRegimes, k) {
				bad(fmt.Sprintf("%s.clocks[%d]", path, i), fmt.Sprintf("%s.clocks[%d]", key, i), "unknown clock %q (clocks: %v)", k, ClockRegimes)
			}
		}
		for i, t := range p.Tasks {
			tp, tk := fmt.Sprintf("%s.tasks[%d]", path, i), fmt.Sprintf("%s.tasks[%d]", key, i)
			switch {
			case t.Text == "" || len(t.Text) > 500:
				bad(tp, tk+".text", "a task needs a text of at most 500 characters")
			case t.Role != "" && !slices.Contains(roles, t.Role):
				bad(tp+".role", tk+".role", "unknown role %q (roles: %v)", t.Role, roles)
			case t.Due < 0:
				bad(tp+".due", tk+".due", "a due time cannot be negative")
			}
			if _, ok := bot.ParsePhase(t.Phase); t.Phase != "" && !ok {
				bad(tp+".phase", tk+".phase", "unknown phase %q", t.Phase)
			}
		}
		for ph, items := range p.Checklist {
			if _, ok := bot.ParsePhase(ph); !ok || ph == string(bot.PhaseClosed) {
				bad(path+".checklist", key+".checklist", "unknown phase %q", ph)
			}
			for i, it := range items {
				if it == "" || len(it) > 500 {
					bad(fmt.Sprintf("%s.checklist.%s[%d]", path, ph, i), key+".checklist."+ph, "an item is a text of at most 500 characters")
				}
			}
		}
		for i, a := range p.Actions {
			if _, ok := c.Actions[a]; !ok {
				bad(fmt.Sprintf("%s.actions[%d]", path, i), fmt.Sprintf("%s.actions[%d]", key, i), "unknown action %q (define it under actions:)", a)
			}
		}
	}
}
