package slack

import (
	"github.com/warroom/warroom/bot"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Text crosses the boundary in both directions here. Outbound, a message's segments become
// Slack mrkdwn: words are escaped (&, < and > are markup to Slack), times become <!date^…>
// so every reader sees their own time zone, and people warroom knows only by their Slack id
// ("slack:U…") become real mentions. Nothing is found by reading the words: a note that
// says "<t:1:f>" or "slack:U123" is shown as written. Inbound, Slack's markup is turned back
// into plain text the engine can store and parse.

// slackText renders a message's segments as Slack mrkdwn.
func slackText(t bot.Text) string {
	var b strings.Builder
	for _, s := range t {
		switch s.Kind {
		case bot.SegBold:
			b.WriteString("*" + escape(s.Text) + "*")
		case bot.SegCode:
			b.WriteString("`" + escape(s.Text) + "`")
		case bot.SegTime:
			b.WriteString(slackDate(s.At))
		case bot.SegPerson:
			if id, ok := s.PersonID(Name); ok && slackID(id) {
				b.WriteString("<@" + id + ">")
			} else {
				b.WriteString(escape(s.Text))
			}
		case bot.SegCommand:
			line := escape(s.CommandLine("/" + s.Command))
			if s.Code {
				line = "`" + line + "`"
			}
			b.WriteString(line)
		case bot.SegLink:
			b.WriteString(slackLink(s))
		default:
			b.WriteString(escape(s.Text))
		}
	}
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}

// slackID reports whether id looks like a Slack user id (U… or W…), so a person's name can
// never smuggle markup into a mention.
func slackID(id string) bool {
	if len(id) < 3 || len(id) > 21 || (id[0] != 'U' && id[0] != 'W') {
		return false
	}
	for _, c := range id {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// slackLink is Slack's <url|label> for an http(s) URL; anything else is shown as words.
func slackLink(s bot.Segment) string {
	u := s.URL
	if !(strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) || strings.ContainsAny(u, "<>| \n") {
		return escape(s.LinkText())
	}
	if s.Text == "" || s.Text == u {
		return "<" + escape(u) + ">"
	}
	return "<" + escape(u) + "|" + escape(s.Text) + ">"
}

// slackDate is Slack's date token: shown in the reader's zone, with a UTC fallback for
// clients that cannot render it (notifications, old apps).
func slackDate(sec int64) string {
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
