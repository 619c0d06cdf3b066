package commands

// Security review (branch sec): holes found in the alert paths, each a failing test.

import (
	"regexp"
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
