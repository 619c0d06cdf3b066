package console

import (
	"fmt"
	"strings"
)

// ANSI styles for a terminal. Only the prefix of a line is painted, so text copied from the
// terminal reads the same as a scripted transcript.
const (
	sgrReset  = "\x1b[0m"
	sgrBold   = "\x1b[1m"
	sgrDim    = "\x1b[2m"
	sgrGreen  = "\x1b[32m"
	sgrYellow = "\x1b[33m"
	sgrCyan   = "\x1b[36m"
)

// paint colours a line prefix such as "[#general 3] alice: " when colour is on: the
// channel in cyan, people in bold, the bot in green, replies only you see in yellow,
// workspace events ("* pinned") dim. Called with mu held.
func (c *Console) paint(prefix string) string {
	if !c.colour {
		return prefix
	}
	end := strings.Index(prefix, "]")
	if end < 0 {
		return prefix
	}
	label, rest := prefix[:end+1], prefix[end+1:]
	style := sgrBold
	switch {
	case strings.HasPrefix(rest, " * "):
		style = sgrDim
	case strings.HasPrefix(rest, " (to "):
		style = sgrYellow
	case strings.Contains(rest, " "+BotName+": "):
		style = sgrGreen
	}
	return sgrCyan + label + sgrReset + style + rest + sgrReset
}

// visible shows control characters (other than newline and tab) escaped, so text typed or
// received can never move the cursor, retitle the window or clear the screen.
func visible(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isControl is a C0 or C1 control character, DEL, or a bidirectional override (which can
// make a line display differently from what it says), except newline and tab.
func isControl(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
