package commands

import (
	"strconv"
	"strings"
)

// channelName names an incident channel: inc-<n>-<slug of title>, drill-<n>-<slug> for
// drills, or inc-<n>-<codename> when titles must not leak into channel lists.
func channelName(naming string, n int64, title string, drill bool) string {
	prefix := "inc-"
	if drill {
		prefix = "drill-"
	}
	prefix += strconv.FormatInt(n, 10)
	var tail string
	if naming == "codename" {
		tail = codename(n)
	} else {
		tail = slug(title)
	}
	name := prefix
	if tail != "" {
		name += "-" + tail
	}
	// Slack allows 80 characters, Discord 100: keep under both.
	if len(name) > 80 {
		name = strings.TrimRight(name[:80], "-")
	}
	return name
}

// slug keeps lowercase letters and digits, turning runs of anything else into one dash.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

var (
	codeAdjectives = []string{"amber", "silent", "crimson", "iron", "hollow", "swift", "frozen", "copper", "golden", "shadow", "violet", "brave", "quiet", "stormy", "bright", "distant"}
	codeNouns      = []string{"falcon", "harbor", "lantern", "meadow", "orchid", "raven", "summit", "thistle", "willow", "beacon", "canyon", "ember", "glacier", "kestrel", "marble", "tundra"}
)

// codename is a deterministic two-word name for incident n.
func codename(n int64) string {
	a := codeAdjectives[int(n)%len(codeAdjectives)]
	b := codeNouns[int(n/int64(len(codeAdjectives)))%len(codeNouns)]
	return a + "-" + b
}
