package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
)

// Shell reads workspace input lines and drives the engine. Each line is
// "[@user] [#channel] text" (DESIGN.md §6).
type Shell struct {
	c       *Console
	handler bot.Handler
	// flush delivers everything the engine queued (the outbox), so output stays in order.
	flush       func(context.Context) error
	user        string
	channel     string
	Interactive bool
	// Echo prints each command as it is read, so a scripted transcript is readable.
	Echo bool
}

// NewShell starts as user in #general.
func NewShell(c *Console, h bot.Handler, flush func(context.Context) error, user string) *Shell {
	if user == "" {
		user = "user"
	}
	return &Shell{c: c, handler: h, flush: flush, user: strings.ToLower(user), channel: "general"}
}

// Run processes lines until end of input, then flushes pending work.
func (s *Shell) Run(ctx context.Context, in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for {
		if s.Interactive {
			fmt.Fprintf(s.c.out, "%s@%s> ", s.user, s.label())
		}
		if !sc.Scan() {
			break
		}
		s.Line(ctx, sc.Text())
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return s.flush(ctx)
}

func (s *Shell) label() string {
	if strings.HasPrefix(s.channel, "@") {
		return s.channel
	}
	return "#" + s.channel
}

// Line handles one input line.
func (s *Shell) Line(ctx context.Context, line string) {
	defer func() { _ = s.flush(ctx) }()
	line = strings.TrimRight(line, "\r")
	if !utf8.ValidString(line) {
		s.notice("that line is not valid UTF-8; ignored")
		return
	}
	text := strings.TrimLeft(line, " \t")
	// Leading @user and/or #channel switch speaker and channel from this line on.
	for {
		tok, rest, _ := strings.Cut(text, " ")
		switch {
		case strings.HasPrefix(tok, "#@") && len(tok) > 2:
			s.channel = "@" + strings.ToLower(tok[2:])
		case strings.HasPrefix(tok, "#") && len(tok) > 1:
			s.channel = strings.ToLower(tok[1:])
		case strings.HasPrefix(tok, "@") && len(tok) > 1:
			name := strings.ToLower(tok[1:])
			if !validUser(name) {
				s.notice(fmt.Sprintf("%q is not a user name (letters, digits, . _ -)", tok))
				return
			}
			s.user = name
		default:
			goto body
		}
		text = strings.TrimLeft(rest, " \t")
	}
body:
	switch {
	case text == "":
		return
	case strings.HasPrefix(text, `\`):
		s.say(text[1:])
	case text == "/" || text == "/help":
		s.reply(s.handler.HandleCommand(ctx, s.command("incident", "help")).Text)
		s.notice("channels: " + strings.Join(s.c.channelNames(), " ") + " · switch with #name, speaker with @name · react with +📌 <n> · press buttons with !press <n> <button>")
	case strings.HasPrefix(text, "/"):
		name, args, _ := strings.Cut(text[1:], " ")
		if s.Echo {
			fmt.Fprintf(s.c.out, "[%s] %s> %s\n", s.label(), s.user, text)
		}
		s.reply(s.handler.HandleCommand(ctx, s.command(name, args)).Text)
	case strings.HasPrefix(text, "+"):
		s.react(ctx, text[1:])
	case strings.HasPrefix(text, "!press"):
		s.press(ctx, strings.TrimSpace(strings.TrimPrefix(text, "!press")))
	default:
		s.say(text)
	}
}

func validUser(s string) bool {
	if s == "" || len(s) > 40 || s == BotName {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func (s *Shell) source() bot.Source {
	return bot.Source{Platform: Name, Channel: s.channel, User: bot.User{ID: s.user, Name: s.user}}
}

func (s *Shell) command(name, text string) bot.Command {
	return bot.Command{Source: s.source(), Name: name, Text: text}
}

// say posts an ordinary message as the current user.
func (s *Shell) say(text string) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.c.add(s.c.channel(s.channel), s.user, text, nil)
}

func (s *Shell) reply(text string) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.c.printEphemeral(s.c.channel(s.channel), s.user, text)
}

func (s *Shell) notice(text string) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.c.print(fmt.Sprintf("[%s] (to %s) console: ", s.label(), s.user), text)
}

var emojiNames = map[string]string{
	"📌": "pushpin", "🚨": "rotating_light", "✅": "white_check_mark", "👍": "+1", "👀": "eyes", "❌": "x",
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
