package bot

import (
	"regexp"
	"strconv"
)

// Outbox rows queued before messages were built from segments hold their text as a string
// in warroom's neutral markup, where the adapters of that version found times (<t:UNIX:f>),
// people not on the roster ("slack:U…", "discord:<id>"), *bold*, `code` and command hints by
// reading the text. LegacyText reads such a string the same way once, when the row is
// decoded, so a message queued before an upgrade is shown as it would have been. Nothing
// new is written in this form: Text is stored as segments.

var legacyMarkerRe = regexp.MustCompile(`<t:(-?\d{1,12}):f>|\b(slack:[UW][A-Z0-9]{2,20})\b|\b(discord:\d{15,21})\b|<@([UW][A-Z0-9]{2,20})>|<@!?(\d{15,21})>`)

// LegacyText reads text stored in the neutral markup of versions before segments.
func LegacyText(s string) Text {
	slots := NewSlots()
	var out []byte
	last := 0
	for _, m := range legacyMarkerRe.FindAllStringSubmatchIndex(s, -1) {
		var seg Segment
		switch {
		case m[2] >= 0:
			sec, err := strconv.ParseInt(s[m[2]:m[3]], 10, 64)
			if err != nil {
				continue
			}
			seg = Segment{Kind: SegTime, At: sec}
		case m[4] >= 0:
			seg = Who(s[m[4]:m[5]])
		case m[6] >= 0:
			seg = Who(s[m[6]:m[7]])
		case m[8] >= 0: // <@U…>: a Slack mention the old Slack adapter kept as one
			seg = Who("slack:" + s[m[8]:m[9]])
		default: // <@id>: a Discord mention the old Discord adapter kept as one
			seg = Who("discord:" + s[m[10]:m[11]])
		}
		out = append(out, s[last:m[0]]...)
		out = append(out, slots.PutSegment(seg)...)
		last = m[1]
	}
	out = append(out, s[last:]...)
	return slots.Text(string(out))
}
