package slack

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Text crosses the boundary in both directions here. Outbound, warroom's neutral text
// becomes Slack mrkdwn: &, < and > are escaped (Slack reads them as markup), and the few
// tokens that must stay markup are rewritten — time markers (bot.ChatTime's <t:UNIX:f>)
// become <!date^…> so every reader sees their own time zone, and people (<@U…>, or the
// roster's "slack:U…" form for people without a roster name) become real mentions.
// Inbound, Slack's markup is turned back into plain text the engine can store and parse.

var outboundRe = regexp.MustCompile(`<t:(-?\d{1,12}):f>|<@([UW][A-Z0-9]{2,20})>|\bslack:([UW][A-Z0-9]{2,20})\b`)

// slackText renders neutral text as Slack mrkdwn.
func slackText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	last := 0
	for _, m := range outboundRe.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(escape(s[last:m[0]]))
		switch {
		case m[2] >= 0:
			b.WriteString(slackDate(s[m[2]:m[3]], s[m[0]:m[1]]))
		case m[4] >= 0:
			b.WriteString("<@" + s[m[4]:m[5]] + ">")
		case m[6] >= 0:
			b.WriteString("<@" + s[m[6]:m[7]] + ">")
		}
		last = m[1]
	}
	b.WriteString(escape(s[last:]))
	return b.String()
}

// slackDate is Slack's date token: shown in the reader's zone, with a UTC fallback for
// clients that cannot render it (notifications, old apps).
func slackDate(unix, original string) string {
	sec, err := strconv.ParseInt(unix, 10, 64)
	if err != nil {
		return escape(original)
	}
	fallback := time.Unix(sec, 0).UTC().Format("2006-01-02 15:04 UTC")
	return "<!date^" + strconv.FormatInt(sec, 10) + "^{date_short_pretty} {time}|" + fallback + ">"
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape applies the three escapes Slack's formatting rules require.
func escape(s string) string { return escaper.Replace(s) }

var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

var tokenRe = regexp.MustCompile(`<([^<>]*)>`)

// plainText turns Slack markup from a person (slash command text, a reacted message) into
// the engine's neutral text: mentions stay <@U…> (the engine resolves them), channel
// references become #name, links their URL, special mentions @here, and the HTML escapes
// are undone.
func plainText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = tokenRe.ReplaceAllStringFunc(s, func(tok string) string {
		inner := tok[1 : len(tok)-1]
		target, label, hasLabel := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"):
			if len(target) > 1 {
				return "<" + target + ">"
			}
			return label
		case strings.HasPrefix(target, "#"):
			if hasLabel && label != "" {
				return "#" + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			special := strings.TrimPrefix(target, "!")
			switch {
			case special == "here" || special == "channel" || special == "everyone":
				return "@" + special
			case hasLabel:
				return label
			}
			return "@" + strings.SplitN(special, "^", 2)[0]
		case strings.HasPrefix(target, "mailto:"):
			return strings.TrimPrefix(target, "mailto:")
		case target == "" && hasLabel:
			return label
		}
		return target
	})
	return unescaper.Replace(s)
}

// truncate cuts s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:max(n-1, 0)]) + "…"
}
