package commands

import "testing"

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
		} {
			wantContains(t, text, h.cmd("alice", ch, text), want...)
		}
	})
	// Other spellings of a choice are read as it (Fold): TLP:RED is red.
	h.mustSay("alice", ch, "tlp TLP:RED", "TLP:RED")
}
