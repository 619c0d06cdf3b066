package commands

import (
	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot/console"
	"strings"
	"testing"
)

// A redaction removes its own incident's text. It rewrote every outbox payload holding the
// text, in every lane: anyone may declare an incident (and be its acting commander), note a
// phrase of four letters or more and redact it, and warroom then edited the posts of other,
// private incidents that held it to "[redacted by …]" (their timelines kept it), and the
// reply counted them and the direct messages about them: an oracle on what incidents the
// redactor is not in say. Now a redaction reaches another incident's operations (its
// direct messages included) only where the redactor may redact too: carol, a stranger to
// INC-1, reaches nothing of it; alice, INC-1's acting commander, still does.
func TestARedactionDoesNotReachIntoAnotherIncident(t *testing.T) {
	for _, c := range []struct {
		redactor string
		reaches  bool
	}{{"carol", false}, {"alice", true}} {
		t.Run(c.redactor, func(t *testing.T) {
			h := newHarness(t)
			const probe = "falcon-7 acquisition"
			ch1 := h.declare("alice", "Leak of "+probe)
			h.mustSay("alice", ch1, "role analyst @bob", "bob is analyst") // bob's DM names the title
			h.mustSay("alice", ch1, "note "+probe+" closes friday", "as entry")
			h.flush()
			ch2 := h.declare(c.redactor, "Phishing wave")
			h.mustSay(c.redactor, ch2, "note "+probe, "as entry")
			h.flush()
			reply := h.cmd(c.redactor, ch2, "redact last testing")
			elsewhere := 0
			for _, line := range strings.Split(h.flush(), "\n") {
				if strings.Contains(line, "[redacted by "+c.redactor) && strings.Contains(line, ch1) {
					elsewhere++
				}
			}
			if !c.reaches {
				if elsewhere != 0 {
					t.Errorf("%s's redaction in %s edited %d messages of INC-1, which %s is not in", c.redactor, ch2, elsewhere, c.redactor)
				}
				wantNot(t, "redact", reply, "direct message")
				wantContains(t, "redact", reply, "1 message(s) warroom posted with it") // INC-2's own note
				return
			}
			if elsewhere == 0 {
				t.Errorf("the redaction of INC-1's acting commander in %s did not edit INC-1's messages holding the text", ch2)
			}
			wantContains(t, "redact", reply, "1 direct message(s)")
		})
	}
}

// The same for the announce channel's status lines: a stranger to INC-1 redacting a phrase
// of their own incident edited INC-1's status line in #security-status that held it (a
// vandal's edit of the shared channel). Status lines now carry their incident.
func TestARedactionDoesNotReachAnotherIncidentsAnnouncement(t *testing.T) {
	h := newHarness(t, withYAML(`channels: {announce: "#security-status"}`))
	ch1 := h.declare("alice", "Vault leak")
	h.mustSay("alice", ch1, "update Contained: vault sealed", "Status update posted on INC-1")
	if !strings.Contains(channelLines(h.flush(), "security-status"), "phase identification") {
		t.Fatal("INC-1's status line was not announced: the test would prove nothing")
	}
	ch2 := h.declare("carol", "Phishing wave")
	h.mustSay("carol", ch2, "note phase identification", "as entry")
	h.flush()
	h.cmd("carol", ch2, "redact last testing")
	if edited := channelLines(h.flush(), "security-status"); strings.Contains(edited, "[redacted by carol") {
		t.Fatalf("carol's redaction in INC-2 edited INC-1's status line: %s", edited)
	}
}

// Operations of no incident — a page sent outside any incident (its post and the paged
// person's direct message), an alert's triage post — were reached by every redaction:
// carol, who can declare an incident of her own, noted a phrase there and redacted it, and
// warroom rewrote bob's page DM holding it (the stored payload, and a post would have been
// edited) and counted the DM in its reply (an oracle on what others were paged about). Now only a lead's
// redaction reaches operations of no incident; dave, a lead, still does.
func TestARedactionReachesOperationsOfNoIncidentOnlyForALead(t *testing.T) {
	for _, c := range []struct {
		redactor string
		reaches  bool
	}{{"carol", false}, {"dave", true}} {
		t.Run(c.redactor, func(t *testing.T) {
			h := newHarness(t)
			const probe = "falcon-7 acquisition"
			h.do(console.Name, "alice", "general", "/page @bob "+probe+" leaked")
			if !strings.Contains(h.flush(), probe) {
				t.Fatal("the page was not delivered: the test would prove nothing")
			}
			ch2 := h.declare(c.redactor, "Phishing wave")
			h.mustSay(c.redactor, ch2, "note "+probe, "as entry")
			h.flush()
			reply := h.cmd(c.redactor, ch2, "redact last testing")
			edited := 0
			for _, line := range strings.Split(h.flush(), "\n") {
				if strings.Contains(line, "[redacted by "+c.redactor) && !strings.Contains(line, ch2) {
					edited++
				}
			}
			if !c.reaches {
				if edited != 0 {
					t.Errorf("%s's redaction in %s edited %d messages of no incident (the page)", c.redactor, ch2, edited)
				}
				wantNot(t, "redact", reply, "direct message")
				return
			}
			wantContains(t, "redact", reply, "1 direct message(s)")
		})
	}
}

// An alert's triage post is of no incident, but once its group is declared its alerts are
// the incident's: the incident's steward's redaction reaches that post, and not the triage
// post of another group that happens to hold the same text.
func TestARedactionReachesTheTriagePostOfItsOwnAlertsOnly(t *testing.T) {
	h := newHarness(t, withYAML(alertsYAML))
	const summary = "Port scan from 198.51.100.4"
	h.alert(alert.Alert{Key: "scan", Summary: summary, Severity: 3})
	h.alert(alert.Alert{Key: "other-scan", Summary: summary, Severity: 3})
	if posts := channelLines(h.flush(), "soc-triage"); strings.Count(posts, summary) != 2 {
		t.Fatalf("want two triage posts holding the summary:\n%s", posts)
	}
	wantContains(t, "declare", h.press("bob", "soc-triage", actionAlertDeclare, "1"), "Declared INC-1 from TRI-1")
	ch := h.incident(1).ChannelID
	h.flush()
	h.mustSay("bob", ch, "note "+summary, "as entry")
	h.flush()
	h.cmd("bob", ch, "redact last testing")
	edits := 0
	for _, line := range strings.Split(channelLines(h.flush(), "soc-triage"), "\n") {
		if strings.Contains(line, "[redacted by bob") {
			edits++
		}
	}
	if edits != 1 {
		t.Errorf("bob's redaction in INC-1 edited %d triage posts, want 1 (TRI-1's, declared as INC-1; not TRI-2's)", edits)
	}
}
