package discord

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Text crosses the boundary here. warroom's neutral markup (*bold*, `code`, bullets, and
// bot.ChatTime's <t:UNIX:f> markers, which are already Discord's own syntax) becomes Discord
// markdown; people the roster does not know, written "discord:<id>", become real mentions.

// MaxContent is Discord's limit on a message's content, in characters.
const MaxContent = 2000

// maxTopic is Discord's limit on a channel topic.
const maxTopic = 1024

var (
	// boldRe finds the neutral *bold* (Slack's style); Discord reads single asterisks as
	// italics, so they are doubled. Code spans are left alone by the caller.
	boldRe = regexp.MustCompile(`(^|[^*\w])\*([^*\s](?:[^*\n]*[^*\s])?)\*([^*\w]|$)`)
	// personRe is the engine's name for someone without a roster entry.
	personRe = regexp.MustCompile(`\bdiscord:(\d{15,21})\b`)
)

// discordText renders neutral text as Discord markdown.
func discordText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	parts := strings.Split(s, "`")
	for i := 0; i < len(parts); i += 2 { // even parts are outside code spans
		p := boldRe.ReplaceAllString(parts[i], "$1**$2**$3")
		parts[i] = personRe.ReplaceAllString(p, "<@$1>")
	}
	return strings.Join(parts, "`")
}

// splitContent cuts text into Discord-sized messages, preferring line breaks, so a long phase
// guide arrives whole rather than refused with 50035.
func splitContent(s string, max int) []string {
	if s == "" {
		return []string{""}
	}
	var out []string
	for utf8.RuneCountInString(s) > max {
		cut := runeOffset(s, max)
		if nl := strings.LastIndexByte(s[:cut], '\n'); nl > cut/2 {
			out = append(out, s[:nl])
			s = s[nl+1:]
			continue
		}
		if sp := strings.LastIndexByte(s[:cut], ' '); sp > cut/2 {
			out = append(out, s[:sp])
			s = s[sp+1:]
			continue
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}

// truncate keeps at most max characters, marking the cut.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return s[:runeOffset(s, max-1)] + "…"
}

// runeOffset is the byte offset of the n-th rune of s (len(s) when shorter).
func runeOffset(s string, n int) int {
	i := 0
	for off := range s {
		if i == n {
			return off
		}
		i++
	}
	return len(s)
}

// allowedMentions lets warroom ping the people it names but never @everyone, @here or a
// role, whatever text a user put into a note or title.
func allowedMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeUsers}}
}
