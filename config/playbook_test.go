package config

import (
	"strings"
	"testing"
)

// Every mistake in a playbook stops start-up naming the file, the line and the key.
func TestPlaybookConfigErrorsNameFileLineKey(t *testing.T) {
	base := "oncall:\n  teams:\n    secops:\n      rotations:\n        - {name: p, members: [bob], length: 1w, handoff: \"09:00\", start: 2026-03-02}\nroster:\n  - {name: bob}\nplaybooks:\n  ransomware:\n    match: {type: ransomware}\n"
	cases := map[string]struct{ extra, want string }{
		"unknown type":    {"  other:\n    match: {type: meteor}\n", "test.yaml:12: playbooks.other.match.type: unknown type \"meteor\""},
		"unknown role":    {"    roles: [analyst, janitor]\n", "test.yaml:11: playbooks.ransomware.roles[1]: unknown role \"janitor\""},
		"unknown team":    {"    page: [netops]\n", "test.yaml:11: playbooks.ransomware.page[0]: unknown on-call team \"netops\""},
		"unknown clock":   {"    clocks: [hipaa]\n", "test.yaml:11: playbooks.ransomware.clocks[0]: unknown clock \"hipaa\""},
		"unknown action":  {"    actions: [nuke-site]\n", "test.yaml:11: playbooks.ransomware.actions[0]: unknown action \"nuke-site\""},
		"task role":       {"    tasks:\n      - {text: x, role: janitor}\n", "test.yaml:12: playbooks.ransomware.tasks[0].role: unknown role \"janitor\""},
		"task phase":      {"    tasks:\n      - {text: x, phase: lunch}\n", "test.yaml:12: playbooks.ransomware.tasks[0].phase: unknown phase \"lunch\""},
		"task text":       {"    tasks:\n      - {role: analyst}\n", "test.yaml:12: playbooks.ransomware.tasks[0].text: a task needs a text"},
		"task due":        {"    tasks:\n      - {text: x, due: soon}\n", "test.yaml:12: playbooks.ransomware.tasks[0].due:"},
		"checklist phase": {"    checklist: {lunch: [eat]}\n", "test.yaml:11: playbooks.ransomware.checklist: unknown phase \"lunch\""},
		"severity":        {"  big:\n    match: {type: ransomware, severity: [5]}\n", "playbooks.big.match.severity: levels are 1 to 4, not 5"},
		"unknown key":     {"    tasks:\n      - {text: x, owner: bob}\n", "test.yaml:12"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseConfig("test.yaml", []byte(base+c.extra))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant …%s…", err, c.want)
			}
		})
	}
	if _, err := ParseConfig("test.yaml", []byte(base+"    roles: [analyst]\n    page: [secops]\n    clocks: [gdpr, nis2]\n")); err != nil {
		t.Fatalf("a good playbook refused: %v", err)
	}
}
