package commands

// Security review (branch sec): holes found in the alert paths, each a failing test.

import (
	"regexp"
	"strings"
	"testing"

	"github.com/warroom/warroom/alerts/alert"
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
		"triage post": triageText(&alert.Group{ID: 1}, a).String(),
		"alert card":  alertCardText(a).String(),
		"status":      alertStatusText(a, 2).String(),
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

// Ported from web/sec_review_test.go (branch sec, commit 0273280) to the engine: routes split
// one source by label, and two teams' alerts share a dedup key. Grouping came before routing,
// so the security team's critical alert joined the payments team's triage post and no
// incident was declared. A group now belongs to its route: an alert joins only a group its
// own route would reach.
func TestSecDedupKeyDoesNotGroupAcrossRoutes(t *testing.T) {
	h := newHarness(t, withYAML(`alerts:
  sources:
    siem: {format: generic, secret_env: SIEM_SECRET}
  routes:
    - match: {source: siem, labels: {team: security}}
      action: declare
      invite: [alice]
    - match: {source: siem, labels: {team: payments}}
      action: triage
      channel: "#payments-triage"
`))
	if r := h.alert(alert.Alert{Key: "disk", Summary: "Disk full", Labels: map[string]string{"team": "payments"}}); r.Triage == "" {
		t.Fatalf("the payments alert: %+v, want a triage post", r)
	}
	r := h.alert(alert.Alert{Key: "disk", Summary: "Disk full", Severity: 1, Details: "vault-1: /var filled by the HSM backups",
		Labels: map[string]string{"team": "security"}})
	if r.Incident == "" || !r.New {
		t.Fatalf("the security team's alert was answered %+v: it joined the payments triage post instead of declaring", r)
	}
	// And the other way: payments' next alert stays on its own post, not the security incident.
	if r := h.alert(alert.Alert{Key: "disk", Summary: "Disk full", Labels: map[string]string{"team": "payments"}}); r.Triage != "TRI-1" {
		t.Errorf("the payments repeat: %+v, want it counted on TRI-1", r)
	}
	if r := h.alert(alert.Alert{Key: "disk", Summary: "Disk full", Labels: map[string]string{"team": "security"}}); r.Incident != "INC-1" || r.New {
		t.Errorf("the security repeat: %+v, want it on INC-1", r)
	}
}

// Ported from web/sec_review_test.go (41352b1): a token in the dedup key is masked like the
// rest of the alert's text before anything is stored, and alerts with that key still group.
func TestSecTokenInTheDedupKeyIsMasked(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	key := "leak xoxb-1234567890-abcdefghijklmnop"
	h.alert(alert.Alert{Key: key, Summary: "Token found in a public repo", Severity: 1})
	if r := h.alert(alert.Alert{Key: key, Summary: "Token found in a public repo", Severity: 1}); r.Incident != "INC-1" || r.New {
		t.Errorf("a repeat of the masked key: %+v, want it on INC-1", r)
	}
	h.flush()
	dump, err := h.db.Dump(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(dump, "abcdefghijklmnop") {
		t.Error("the database holds the token of the dedup key")
	}
	if r := h.cmd("alice", h.incident(1).ChannelID, "alerts"); strings.Contains(r, "abcdefghijklmnop") {
		t.Errorf("`alerts` shows the token of the dedup key: %s", r)
	}
}

// With keep_secrets the key is kept as sent, like the text.
func TestSecKeepSecretsKeepsTheDedupKey(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML), withYAML("keep_secrets: true"))
	h.alert(alert.Alert{Key: "leak xoxb-1234567890-abcdefghijklmnop", Summary: "Token found", Severity: 1})
	if g := h.group(1); g.Key != "leak xoxb-1234567890-abcdefghijklmnop" {
		t.Errorf("keep_secrets: the key is %q", g.Key)
	}
}

// Ported from web/sec_review_test.go (41352b1): redacting the alert entry removes the text
// from everywhere, its dedup key included (alert_groups.dedup_key and the entry's data).
func TestSecRedactedAlertKeyIsGone(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	h.alert(alert.Alert{Key: "vpn login with password Tr0ub4dor-and-3", Summary: "Suspicious VPN login", Severity: 1})
	ch := h.incident(1).ChannelID
	h.flush()
	wantContains(t, "redact", h.cmd("dave", ch, "redact 1 password in the alert"), "redacted")
	dump, err := h.db.Dump(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(dump, "Tr0ub4dor-and-3") {
		t.Error("the database still holds the redacted dedup key")
	}
	if r := h.cmd("alice", ch, "alerts"); strings.Contains(r, "Tr0ub4dor-and-3") {
		t.Errorf("`alerts` still shows the redacted text: %s", r)
	}
	h.verify(1)
}

// In its own channel `alerts` still shows the groups' keys and summaries.
func TestSecAlertsVerbInTheChannelShowsTheSummaries(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML), withYAML("channels: {naming: codename}"))
	h.alert(alert.Alert{Key: "pay", Summary: "Payroll fraud at ACME", Severity: 1})
	h.flush()
	wantContains(t, "alerts in the channel", h.cmd("alice", h.incident(1).ChannelID, "alerts"), "[pay, firing]: Payroll fraud at ACME")
	if r := h.cmd("alice", "general", "alerts INC-1"); !strings.Contains(r, "1 alert(s)") || strings.Contains(r, "pay,") {
		t.Errorf("`alerts INC-1` elsewhere: %s", r)
	}
}

// The link's text and address both stay readable: only the Markdown is broken.
func TestSecInertKeepsTheLinkReadable(t *testing.T) {
	got := inert("see [the case](https://evil.example/x)")
	if !strings.Contains(got, "[the case]") || !strings.Contains(got, "(https://evil.example/x)") {
		t.Errorf("inert: %q", got)
	}
}
