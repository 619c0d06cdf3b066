package commands

import (
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// textBuf builds a message's text a piece at a time; printf takes warroom's own words as
// its format, like say (bot.Textf).
type textBuf struct{ t bot.Text }

func (b *textBuf) printf(format string, args ...any) {
	b.t = b.t.Append(bot.Textf(format, args...)...)
}

// add appends text built elsewhere.
func (b *textBuf) add(t bot.Text) { b.t = b.t.Append(t...) }

// people are names as person segments, joined by sep.
func people(names []string, sep string) bot.Text {
	var t bot.Text
	for i, n := range names {
		if i > 0 {
			t = t.Append(bot.Plain(sep)...)
		}
		t = t.Append(bot.Who(n))
	}
	return t
}

// Templates are rendered to strings and their output is read for markup (they are warroom's
// or the operator's words), so everything in a template's data that is not warroom's own
// words is a slot: a time, a person, and what people wrote — a title, a task — which must
// stay words (no *bold*, `code` or "/incident …" hint made of them). The data holds the
// placeholder a slot returns, and markup reads the output back with the segments in place
// (bot.Slots). The placeholders carry a random key per call, so words in the data cannot
// forge one. templates/data.go marks which fields are slots.

// slot keeps seg for a template's data and returns its placeholder.
func (c *call) slot(seg bot.Segment) string { return c.textSlot(bot.Text{seg}) }

// textSlot keeps t for a template's data and returns its placeholder; nothing is "", so
// {{if}} and {{with}} in a template still see an empty value as empty.
func (c *call) textSlot(t bot.Text) string {
	if len(t) == 0 {
		return ""
	}
	if c.slots == nil {
		c.slots = bot.NewSlots()
	}
	return c.slots.Put(t)
}

// wordsSlot is what a person wrote (a title) for a template's data: words, whatever
// characters it holds, never bold, code or a command hint.
func (c *call) wordsSlot(s string) string { return c.textSlot(bot.Plain(s)) }

// timeSlot is a chat time for a template's data.
func (c *call) timeSlot(t time.Time) string { return c.slot(bot.ChatTime(t)) }

// whoSlot is a person for a template's data ("" for nobody).
func (c *call) whoSlot(person string) string {
	if person == "" {
		return ""
	}
	return c.slot(bot.Who(person))
}

// markup reads a template's output (warroom's or the operator's words) with its slots.
func (c *call) markup(s string) bot.Text {
	if c.slots == nil {
		return bot.Markup(s)
	}
	return c.slots.Text(s)
}

// words is what a person wrote, for a message that quotes it: words, except a mention made
// with the platform's own mention syntax — <@U…> from Slack, <@id> or <@!id> from Discord,
// as the adapters hand them over — which stays a mention of that person. warroom's own
// names for people ("slack:U…") and anything else in it are words.
func (c *call) words(s string) bot.Text {
	var t bot.Text
	for {
		i := strings.Index(s, "<@")
		if i < 0 {
			break
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			break
		}
		id := strings.TrimPrefix(s[i+2:i+end], "!")
		if !platformID(c.src.Platform, id) {
			t = t.Append(bot.Segment{Kind: bot.SegText, Text: s[:i+2]})
			s = s[i+2:]
			continue
		}
		t = t.Append(bot.Segment{Kind: bot.SegText, Text: s[:i]}, bot.Who(c.src.Platform+":"+id))
		s = s[i+end+1:]
	}
	return t.Append(bot.Segment{Kind: bot.SegText, Text: s})
}

// platformID reports whether id has the shape of a user id on platform.
func platformID(platform, id string) bool {
	digits := func(r rune) bool { return r >= '0' && r <= '9' }
	switch {
	case platform == "slack" && len(id) >= 3 && len(id) <= 21 && (id[0] == 'U' || id[0] == 'W'):
		return !strings.ContainsFunc(id, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || digits(r)) })
	case platform == "discord" && len(id) >= 15 && len(id) <= 21:
		return !strings.ContainsFunc(id, func(r rune) bool { return !digits(r) })
	}
	return false
}
