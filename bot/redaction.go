package bot

import "strings"

// Scrubbed is what a redaction removed the text from besides the entry itself.
type Scrubbed struct {
	Rows    int        // derived rows changed (tasks, lessons, pages, clocks, the incident, timers, alerts)
	Outbox  int        // outbox payloads rewritten, pending and delivered
	Posted  []Outbound // delivered posts that held it: the platform's copy must be edited (Payload.MessageID)
	Entries []int64    // other unredacted entries of the incident whose text holds it
	// The outbox ids of the delivered uploads (reports) and direct messages that held it:
	// their copies on the platform stay (no edit reaches them). Ids, not counts, so a
	// redaction that scrubs in several passes names each message once.
	Uploaded []int64
	Direct   []int64
}

// minSecret is the shortest text a redaction searches for beyond its own entry: shorter
// strings would match unrelated words everywhere.
const minSecret = 4

// RedactableTexts are the texts a redaction of e removes from everywhere warroom keeps them:
// the entry's free text (what a person wrote), and for a pin the message without the
// permalink warroom added. Texts shorter than 4 bytes are removed from the entry only.
func RedactableTexts(e Entry) []string {
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if len(s) >= minSecret && !strings.Contains(s, RedactedText) {
			out = append(out, s)
		}
	}
	switch e.Kind {
	case KindNote, KindUpdate:
		add(e.Text)
	case KindAlert:
		// An alert's text is its summary, details and key line: each line may be what was
		// stored of it (the alert rows, the posted card), so each is removed.
		free := FreeText(e.Text)
		for _, line := range strings.Split(free, "\n") {
			add(line)
			// The key line is "key <dedup key>[ · <source link>]": the key alone is what
			// alert_groups holds, so it is removed too (with and without what follows the
			// first " · ", which may be part of the key).
			if k, ok := strings.CutPrefix(line, "key "); ok {
				add(k)
				if i := strings.Index(k, " · "); i > 0 {
					add(k[:i])
				}
			}
		}
		add(free)
	case KindPin:
		free := FreeText(e.Text)
		if i := strings.LastIndex(free, " ("); i > 0 && strings.HasSuffix(free, ")") {
			add(free[:i])
		}
		add(free)
	default:
		add(FreeText(e.Text))
	}
	return out
}
