package commands

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// The enum arguments are declared choices the parser checks: each verb keeps its own
// refusal and now names its usage with it, from text and from typed options alike.
func TestChoiceArgumentsAreCheckedByTheParser(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Ransomware on the file servers")
	h.unchanged(1, func() {
		for text, want := range map[string][]string{
			"role boss @bob":          {`Unknown role "boss". Roles: commander`, "Usage: /incident role <role> <@user|me>"},
			"type worm":               {`Unknown type "worm". Types: phishing`, "Usage: /incident type <type>"},
			"lesson meh it was fine":  {`Unknown lesson kind "meh": use good, bad or idea.`, "Usage: /incident lesson"},
			"delay dora late reasons": {`Unknown notification "dora": use gdpr, nis2, sec.`, "Usage: /incident delay"},
			"assess scary yes":        {`Unknown assessment "scary": use malicious`, "Usage: /incident assess"},
			"impact morale low":       {`Unknown impact "morale": use systems`, "Usage: /incident impact"},
			"tlp purple":              {`"purple" is not a TLP level: use clear`, "Usage: /incident tlp"},
			"note --tlp purple hi":    {`"purple" is not a TLP level: use clear`, "Usage: /incident note"},
			"sev 5":                   {`Unknown severity "5". Severities: 1 (critical), 2 (high), 3 (medium), 4 (low).`, "Usage: /incident sev"},
			"sev high":                {`Unknown severity "high"`, "Usage: /incident sev"},
			"phase nonsense":          {`Unknown phase "nonsense". Phases: identification, containment`, "Usage: /incident phase"},
			"close false-postive x":   {`Unknown close class "false-postive" — did you mean false-positive? Classes:`, "Usage: /incident close"},
			"close duplicate banana":  {`"banana" is not an incident id`, "Usage: /incident close"},
			"report pdf":              {`Unknown report format "pdf". Formats: md, html`, "Usage: /incident report"},
			"report tlp:purple":       {`"tlp:purple" is not an audience: use one of tlp:clear`, "Usage: /incident report"},
			"declare Test thing sev9": {"sev9 is not a severity: use sev1 (the worst) to sev4", "Usage: /incident declare <title> [sev1..sev4]"},
			"declare Test thing P1":   {"P1 is not a severity warroom reads: did you mean sev1?", "Usage: /incident declare <title> [sev1..sev4]"},
			// One severity, last: a title ending in another kept it (FuzzParseDeclare's "P0 sev1").
			"declare Outage P1 sev2": {"P1 then sev2: give one severity, last"},
		} {
			wantContains(t, text, h.cmd("alice", ch, text), want...)
		}
	})
	// Other spellings of a choice are read as it (Fold): TLP:RED is red.
	h.mustSay("alice", ch, "tlp TLP:RED", "TLP:RED")
	h.mustSay("alice", ch, "sev SEV2", "is now sev2")
	h.mustSay("alice", ch, "sev p1", "is now sev1")
	h.mustSay("alice", ch, "note --tlp=TLP:GREEN seen on FS01", "")
	if e := h.lastOf(1, bot.KindNote); !strings.Contains(string(e.Data), `"tlp":"green"`) {
		t.Fatalf("note --tlp=TLP:GREEN: %s", e.Data)
	}
	h.mustSay("alice", ch, "report markdown", "Uploading the INC-1 DRAFT report")
	h.mustSay("alice", ch, "close fp it was the red team", "closed (false-positive)")
	if r := h.cmd("alice", "general", "declare Odd logins SEV-2"); !strings.Contains(r, "Declared INC-2 · sev2") {
		t.Fatalf("declare … SEV-2: %s", r)
	}
}
