package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

const alertsYAML = `alerts:
  sources:
    siem: {format: generic, secret_env: SIEM_SECRET}
  routes:
    - match: {source: siem, severity: [critical]}
      action: declare
      invite: [alice]
    - match: {source: siem}
      action: triage
      channel: "#soc-triage"
  group_window: 1h
`

func (h *harness) alert(a alert.Alert) alert.Result {
	h.t.Helper()
	if a.Source == "" {
		a.Source = "siem"
	}
	if a.Status == "" {
		a.Status = alert.StatusFiring
	}
	res, err := h.eng.IngestAlert(h.ctx, a)
	if err != nil {
		h.t.Fatalf("alert %+v: %v", a, err)
	}
	h.deliver()
	return res
}

func (h *harness) group(id int64) *alert.Group {
	h.t.Helper()
	var g *alert.Group
	h.view(func(tx *storage.Tx) (err error) { g, err = tx.AlertGroup(id); return })
	return g
}

// A triage post offers Declare and Dismiss; Declare makes the presser the declarer, puts
// every alert of the group on the timeline first (at their own times) and later alerts of
// the key join the incident.
func TestTriageDeclare(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	seen := t0.Add(-10 * time.Minute)
	if r := h.alert(alert.Alert{Key: "scan", Summary: "Port scan from 198.51.100.4", Severity: 3, ObservedAt: seen}); r.Triage != "TRI-1" || !r.New {
		t.Fatalf("first alert: %+v", r)
	}
	h.clock.Advance(time.Minute)
	h.alert(alert.Alert{Key: "scan", Summary: "Port scan from 198.51.100.4", Severity: 3})
	out := channelLines(h.flush(), "soc-triage")
	wantContains(t, "triage post", out, "TRI-1", "alert for triage [siem · medium · firing]: Port scan from 198.51.100.4", "[Declare] [Dismiss]")
	if strings.Count(out, "alert for triage") != 1 {
		t.Errorf("a repeat of the key posted again:\n%s", out)
	}
	r := h.press("bob", "soc-triage", actionAlertDeclare, "1")
	wantContains(t, "press reply", r, "Declared INC-1 from TRI-1", "acting commander")
	inc := h.incident(1)
	if inc.DeclaredBy != "bob" || inc.Title != "Port scan from 198.51.100.4" || inc.Severity != 3 {
		t.Fatalf("incident %+v", inc)
	}
	es := h.entries(1)
	if got := strings.Join(kinds(es[:3]), ","); got != "alert,alert,declared" {
		t.Fatalf("first kinds %s", got)
	}
	if !es[0].OccurredAt.Equal(seen) || es[0].Actor != "alerts:siem" {
		t.Errorf("entry 1 %+v", es[0])
	}
	wantContains(t, "triage channel", channelLines(h.flush(), "soc-triage"), "bob declared INC-1 from TRI-1.")
	if g := h.group(1); g.State != alert.StateIncident || g.Incident != 1 || g.DecidedBy != "bob" {
		t.Fatalf("group %+v", g)
	}
	// Pressing again is refused and changes nothing; the key now joins the incident.
	h.unchanged(1, func() {
		wantContains(t, "second press", h.press("carol", "soc-triage", actionAlertDismiss, "1"), "TRI-1 was already declared as INC-1 by bob")
	})
	if r := h.alert(alert.Alert{Key: "scan", Summary: "Port scan continues", Severity: 3}); r.Incident != "INC-1" || r.New {
		t.Fatalf("after declare: %+v", r)
	}
	h.verify(1)
}

func TestTriageDismissAbsorbsTheKeyWithinTheWindow(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	h.alert(alert.Alert{Key: "av", Summary: "EICAR test file", Severity: 4})
	h.flush()
	wantContains(t, "dismiss", h.press("carol", "soc-triage", actionAlertDismiss, "TRI-1"), "Dismissed TRI-1")
	wantContains(t, "post", channelLines(h.flush(), "soc-triage"), "TRI-1 dismissed by carol.")
	h.clock.Advance(30 * time.Minute)
	if r := h.alert(alert.Alert{Key: "av", Summary: "EICAR test file", Severity: 4}); r.Triage != "TRI-1" || r.New {
		t.Fatalf("within the window: %+v", r)
	}
	if out := h.flush(); out != "" {
		t.Errorf("a dismissed post's alert was posted:\n%s", out)
	}
	wantContains(t, "declare after dismiss", h.press("bob", "soc-triage", actionAlertDeclare, "1"), "TRI-1 was already dismissed by carol")
	// After the window the key opens a new post.
	h.clock.Advance(61 * time.Minute)
	if r := h.alert(alert.Alert{Key: "av", Summary: "EICAR test file", Severity: 4}); r.Triage != "TRI-2" || !r.New {
		t.Fatalf("after the window: %+v", r)
	}
	if len(h.incidents()) != 0 {
		t.Fatal("dismissing declared something")
	}
}

func TestTriageResolvedMarksThePost(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	h.alert(alert.Alert{Key: "disk", Summary: "Disk 95% on log1", Severity: 3})
	h.flush()
	h.alert(alert.Alert{Key: "disk", Summary: "Disk 95% on log1", Severity: 3, Status: alert.StatusResolved})
	wantContains(t, "resolved", channelLines(h.flush(), "soc-triage"), "✅ TRI-1 resolved: Disk 95% on log1")
	if g := h.group(1); g.State != alert.StateTriage || g.Status != alert.StatusResolved || g.Count != 2 {
		t.Fatalf("group %+v", g)
	}
}

// With a roster, only people on it may decide a triage post.
func TestTriageButtonsNeedARosterPerson(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	h.alert(alert.Alert{Key: "k", Summary: "s", Severity: 3})
	h.flush()
	for _, action := range []string{actionAlertDeclare, actionAlertDismiss} {
		if r := h.press("mallory", "soc-triage", action, "1"); !strings.Contains(r, "Only people on warroom's roster may") {
			t.Errorf("%s by mallory: %s", action, r)
		}
	}
	if g := h.group(1); g.State != alert.StateTriage || len(h.incidents()) != 0 {
		t.Fatalf("a refused press changed the group: %+v", g)
	}
	if r := h.press("bob", "soc-triage", actionAlertDeclare, "x1"); !strings.Contains(r, "malformed") {
		t.Errorf("malformed value: %s", r)
	}
}

// A declare route invites its people; /incident alerts lists the incident's alerts to
// members only; resolved is said in the channel and closes nothing.
func TestDeclaredAlertChannelAndAlertsVerb(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	r := h.alert(alert.Alert{Key: "ransom", Summary: "Ransom note on fs1", Severity: 1, SourceURL: "https://edr.internal/d/9", Details: "hash <@U0DAVE> @everyone"})
	if r.Incident != "INC-1" || !r.New {
		t.Fatalf("declare: %+v", r)
	}
	inc := h.incident(1)
	ch := inc.ChannelName
	out := channelLines(h.flush(), ch)
	wantContains(t, "incident channel", out, "🔔 *Alert* [siem · critical · firing]: Ransom note on fs1", "Source: https://edr.internal/d/9")
	wantNot(t, "incident channel", out, "<@U0DAVE>", "@everyone")
	if m := strings.Join(h.members(1), ","); m != "alerts:siem,alice" {
		t.Errorf("members %s", m)
	}
	h.clock.Advance(5 * time.Minute)
	h.alert(alert.Alert{Key: "ransom", Summary: "Ransom note on fs1", Severity: 1, Status: alert.StatusResolved})
	wantContains(t, "resolved", channelLines(h.flush(), ch), "✅ Alert resolved", "the incident stays open")
	if h.incident(1).Status != bot.StatusOpen {
		t.Fatal("resolved closed the incident")
	}
	list := h.cmd("alice", inc.ChannelID, "alerts")
	wantContains(t, "alerts verb", list, "Alerts on INC-1", "siem [ransom, resolved]: Ransom note on fs1 — 2 alert(s)", "https://edr.internal/d/9")
	h.unchanged(1, func() {
		wantContains(t, "non-member", h.cmd("carol", "general", "alerts INC-1"), "You are not a member of INC-1")
	})
	wantContains(t, "lead", h.cmd("dave", "general", "alerts INC-1"), "Alerts on INC-1")
	h.verify(1)
}

// Drills never receive alerts: a drill's channel is not a group an alert can join, and an
// alert while a drill runs opens a real incident.
func TestDrillsNeverReceiveAlerts(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	h.cmd("alice", "general", "drill phishing")
	drill := h.incidents()[0]
	if !drill.Drill {
		t.Fatalf("not a drill: %+v", drill)
	}
	head := drill.HeadSeq
	r := h.alert(alert.Alert{Key: "phish", Summary: "Phishing reported", Severity: 1})
	if r.Incident == drill.ID() || !r.New {
		t.Fatalf("alert went to the drill: %+v", r)
	}
	if got := h.incident(drill.Number); got.HeadSeq != head {
		t.Fatalf("the drill's timeline grew %d → %d", head, got.HeadSeq)
	}
}

// Redacting an alert's entry removes its text from the alert rows too (§ redaction that
// removes: derived rows).
func TestRedactAnAlertScrubsItsRows(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	h.alert(alert.Alert{Key: "leak", Summary: "Leaked key AKIAEXAMPLESECRET99 on paste site", Severity: 1, Details: "token=hunter2hunter2 posted"})
	inc := h.incident(1)
	h.flush()
	wantContains(t, "redact", h.cmd("dave", inc.ChannelID, "redact 1 a live credential"), "Entry 1 of INC-1 redacted")
	var recs []alert.Record
	var g *alert.Group
	h.view(func(tx *storage.Tx) (err error) {
		if recs, err = tx.Alerts(1); err != nil {
			return err
		}
		g, err = tx.AlertGroup(1)
		return err
	})
	for _, s := range []string{recs[0].Alert.Summary, recs[0].Alert.Details, g.Summary} {
		if strings.Contains(s, "AKIAEXAMPLESECRET99") || strings.Contains(s, "hunter2hunter2") {
			t.Errorf("an alert row still holds the secret: %q", s)
		}
	}
	if !h.entries(1)[0].Redacted {
		t.Fatal("entry 1 not redacted")
	}
	h.verify(1)
}

// Credentials in an alert are masked before anything of it is stored.
func TestAlertSecretsMaskedAtIngest(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	h.alert(alert.Alert{Key: "k", Summary: "Key AKIAIOSFODNN7EXAMPLE used from 203.0.113.9", Severity: 1, Details: "password=hunter2hunter2",
		Labels: map[string]string{"token": "AKIAIOSFODNN7EXAMPLE"}})
	var recs []alert.Record
	h.view(func(tx *storage.Tx) (err error) { recs, err = tx.Alerts(1); return })
	dump, err := h.db.Dump(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"AKIAIOSFODNN7EXAMPLE", "hunter2hunter2"} {
		if strings.Contains(dump, s) {
			t.Errorf("the database holds %q", s)
		}
	}
	if !strings.Contains(recs[0].Alert.Summary, "203.0.113.9") {
		t.Errorf("masking took more than the secret: %q", recs[0].Alert.Summary)
	}
}
