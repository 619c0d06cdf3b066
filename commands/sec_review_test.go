package commands

// Security review (branch sec): holes found in the alert paths, each a failing test.

import (
	"regexp"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot/alert"
)

// Alert text comes from outside — often from the attacker itself (a phishing mail's
// subject, a user agent, a hostname) — and is "made inert first: it can neither mention
// people nor fake warroom's markup". inert breaks mentions but leaves markdown links:
// Discord renders [text](url) in a bot's message as a masked link, so an alert summary puts
// a disguised link in the SOC's triage channel and incident channel under warroom's name.
func TestSecAlertTextCannotCarryAMaskedLink(t *testing.T) {
	a := alert.Alert{Source: "siem", Status: alert.StatusFiring, Severity: 2,
		Summary: "Phishing reported: [Open the case in the SIEM](https://siem-login.evil.example/case/4411)"}
	masked := regexp.MustCompile(`\[[^\]]+\]\(\s*<?https?://`)
	for name, text := range map[string]string{
		"triage post": triageText(&alert.Group{ID: 1}, a),
		"alert card":  alertCardText(a),
		"status":      alertStatusText(a, 2),
	} {
		if masked.MatchString(text) {
			t.Errorf("the %s carries a masked link from the alert's text: %q", name, text)
		}
	}
}

// With channels.naming: codename a title never leaves its channel: `status INC-n` run
// elsewhere shows the codename (shownTitle). `alerts INC-n` lists each alert group's
// summary — for an alert-declared incident, its title — wherever it is run.
func TestSecAlertsVerbElsewhereShowsTheCodenamedTitle(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML), withYAML("channels: {naming: codename}"))
	if r := h.alert(alert.Alert{Key: "pay", Summary: "Payroll fraud at ACME", Severity: 1}); r.Incident != "INC-1" {
		t.Fatalf("alert: %+v", r)
	}
	h.flush()
	if r := h.cmd("alice", "general", "status INC-1"); strings.Contains(r, "Payroll") {
		t.Fatalf("status elsewhere shows the title (the baseline is broken): %s", r)
	}
	if r := h.cmd("alice", "general", "alerts INC-1"); strings.Contains(r, "Payroll") {
		t.Errorf("`alerts INC-1` in #general shows the codenamed title: %s", r)
	}
}
