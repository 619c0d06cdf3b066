package console

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

var emojiNames = map[string]string{
	"📌": "pushpin", "🚨": "rotating_light", "✅": "white_check_mark", "👍": "+1", "👀": "eyes", "❌": "x", "🧾": "receipt",
}

// react handles "+<emoji> [n]".
func (s *Shell) react(ctx context.Context, arg string) {
	f := strings.Fields(arg)
	if len(f) == 0 || len(f) > 2 {
		s.notice("usage: +<emoji> [message number], e.g. +📌 3 or +pushpin")
		return
	}
	emoji := strings.Trim(f[0], ":")
	if name, ok := emojiNames[emoji]; ok {
		emoji = name
	}
	s.c.mu.Lock()
	ch := s.c.channel(s.channel)
	var m *message
	if len(f) == 2 {
		n, err := strconv.Atoi(f[1])
		if err != nil || n < 1 || n > len(ch.msgs) {
			s.c.mu.Unlock()
			s.notice(fmt.Sprintf("%s has no message %s", ch.label(), f[1]))
			return
		}
		m = ch.msgs[n-1]
	} else if m = latestBy(ch); m == nil {
		s.c.mu.Unlock()
		s.notice(ch.label() + " has no message from a person to react to")
		return
	}
	cm := &bot.ChatMessage{ID: msgID(ch, m.n), Channel: ch.name, Author: bot.User{ID: m.author, Name: m.author},
		Text: m.text, At: m.at, Permalink: "console:" + ch.label() + "/" + strconv.Itoa(m.n)}
	if emoji == "receipt" {
		cm.Files = receipts(m.files) // only a 🧾 reads the files: it makes them evidence
	}
	s.c.print(fmt.Sprintf("[%s %d] * ", ch.label(), m.n), s.user+" reacted :"+emoji+":")
	s.c.mu.Unlock()
	src := s.source()
	s.reply(s.handler.HandleReaction(ctx, bot.Reaction{Source: src, MessageID: cm.ID, Emoji: emoji, Message: cm}).Text)
}

// press handles "!press <n> <button>": the button is named by its label (or action, or
// position).
func (s *Shell) press(ctx context.Context, arg string) {
	num, which, _ := strings.Cut(arg, " ")
	which = strings.ToLower(strings.Trim(strings.TrimSpace(which), "[]"))
	s.c.mu.Lock()
	ch := s.c.channel(s.channel)
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > len(ch.msgs) {
		s.c.mu.Unlock()
		s.notice("usage: !press <message number> <button>")
		return
	}
	m := ch.msgs[n-1]
	var b *bot.Button
	for i := range m.buttons {
		bb := &m.buttons[i]
		if strings.ToLower(bb.Label) == which || strings.ToLower(bb.Action) == which || strconv.Itoa(i+1) == which {
			b = bb
			break
		}
	}
	if b == nil && which == "" && len(m.buttons) == 1 {
		b = &m.buttons[0]
	}
	s.c.mu.Unlock()
	if b == nil {
		s.notice(fmt.Sprintf("message %d in %s has no button %q", n, ch.label(), which))
		return
	}
	s.reply(s.handler.HandlePress(ctx, bot.Press{Source: s.source(), MessageID: msgID(ch, n), Action: b.Action, Value: b.Value}).Text)
}
