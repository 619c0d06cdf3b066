package commands

import (
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
