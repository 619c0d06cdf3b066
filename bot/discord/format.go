package discord

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// Text crosses the boundary here: a message's segments become Discord markdown. Bold is
// doubled asterisks, times are Discord's own <t:UNIX:f>, people warroom knows only by their
// Discord id ("discord:<id>") become real mentions, and command hints name the Discord
// command the verb is registered under (slash). Words are never read for markup: the few
// "<" that Discord would turn into a mention, a channel, a time or an emoji are escaped, so
// a note that says "<t:1:f>" or "discord:80351110224678912" is shown as written.

// MaxContent is Discord's limit on a message's content, in characters.
const MaxContent = 2000

// maxTopic is Discord's limit on a channel topic.
const maxTopic = 1024

// discordText renders a message's segments; slash names the command a hint is typed as.
func discordText(t bot.Text, slash func(bot.Segment) string) string {
	var b strings.Builder
	for _, s := range t {
		switch s.Kind {
		case bot.SegBold:
			b.WriteString("**" + words(s.Text) + "**")
		case bot.SegCode:
			b.WriteString("`" + strings.ReplaceAll(s.Text, "`", "'") + "`")
		case bot.SegTime:
			b.WriteString("<t:" + strconv.FormatInt(s.At, 10) + ":f>")
		case bot.SegPerson:
			if id, ok := s.PersonID(Name); ok && snowflake(id) {
				b.WriteString("<@" + id + ">")
			} else {
				b.WriteString(words(s.Text))
			}
		case bot.SegCommand:
			line := s.CommandLine(slash(s))
			if s.Code {
				b.WriteString("`" + line + "`")
			} else {
				b.WriteString(words(line))
			}
		case bot.SegLink:
			b.WriteString(words(s.LinkText()))
		default:
			b.WriteString(words(s.Text))
		}
	}
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}

// markupAfterLT are what Discord reads as markup after a "<": a mention (<@id>, <@&role>),
// a channel (<#id>), a time (<t:…>), an emoji (<:name:id>, <a:…>), a command (</name:id>),
// a guild link (<id:…>).
var markupAfterLT = []string{"@", "#", "t:", ":", "a:", "/", "id:"}

// words escapes the "<" Discord would read as markup; everything else is shown as it is.
func words(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '<' {
			for _, m := range markupAfterLT {
				if strings.HasPrefix(s[i+1:], m) {
					b.WriteByte('\\')
					break
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// snowflake reports whether id looks like a Discord id (15 to 21 digits).
func snowflake(id string) bool {
	if len(id) < 15 || len(id) > 21 {
		return false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
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
