package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
)

// LineReader yields input lines. ReadLine shows prompt when it is a terminal; io.EOF ends
// the input; ErrInterrupted means the line being typed was dropped (Ctrl-C).
type LineReader interface {
	ReadLine(prompt string) (string, error)
	Close() error
}

// ErrInterrupted is a line dropped with Ctrl-C: the shell asks for the next one.
var ErrInterrupted = errors.New("line interrupted")

// ScriptReader reads lines from a script or a pipe.
type ScriptReader struct{ sc *bufio.Scanner }

// NewScriptReader reads lines (up to 1 MiB each) from in.
func NewScriptReader(in io.Reader) *ScriptReader {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	return &ScriptReader{sc: sc}
}

// ReadLine implements LineReader; a script shows no prompt.
func (r *ScriptReader) ReadLine(string) (string, error) {
	if r.sc.Scan() {
		return r.sc.Text(), nil
	}
	if err := r.sc.Err(); err != nil {
		return "", err
	}
	return "", io.EOF
}

// Close implements LineReader.
func (r *ScriptReader) Close() error { return nil }

// Shell reads workspace input lines and drives the engine. Each line is
// "[@user] [#channel] text" (see the README's console section).
type Shell struct {
	c       *Console
	handler bot.Handler
	// flush delivers everything the engine queued (the outbox), so output stays in order.
	flush   func(context.Context) error
	user    string
	channel string
	quit    bool
	// Gate, when set, is held while a line is handled; the background delivery loop holds
	// it for each of its rounds, so what a line caused prints with that line.
	Gate sync.Locker
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

// Prompt is what a terminal shows before the line being typed: "[#general] alice> ", the
// same shape as an echoed command in a transcript.
func (s *Shell) Prompt() string { return "[" + s.label() + "] " + s.user + "> " }

type readResult struct {
	line string
	err  error
}

// Run processes lines until end of input, /quit, or ctx ending (a signal), then flushes
// pending work. A line already being handled finishes even when ctx ends: it is one
// transaction plus its delivery, and cutting it off would only report "context canceled".
func (s *Shell) Run(ctx context.Context, in LineReader) error {
	work := context.WithoutCancel(ctx)
	results := make(chan readResult, 1)
	for !s.quit {
		go func(prompt string) {
			l, err := in.ReadLine(prompt)
			results <- readResult{l, err}
		}(s.Prompt())
		var r readResult
		select {
		case <-ctx.Done():
			_ = in.Close()
			return s.flush(work)
		case r = <-results:
		}
		switch {
		case errors.Is(r.err, ErrInterrupted):
			continue
		case errors.Is(r.err, io.EOF):
			return s.flush(work)
		case r.err != nil:
			return r.err
		}
		s.Line(work, r.line)
	}
	return s.flush(work)
}

func (s *Shell) label() string {
	if strings.HasPrefix(s.channel, "@") {
		return s.channel
	}
	return "#" + s.channel
}

// Line handles one input line.
func (s *Shell) Line(ctx context.Context, line string) {
	if s.Gate != nil {
		s.Gate.Lock()
		defer s.Gate.Unlock()
	}
	defer func() { _ = s.flush(ctx) }()
	line = strings.TrimRight(line, "\r")
	if !utf8.ValidString(line) {
		s.notice("that line is not valid UTF-8; ignored")
		return
	}
	if i := strings.IndexFunc(line, isControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(line[i:])
		s.notice(fmt.Sprintf("that line holds a control character (%s); ignored", visible(string(r))))
		return
	}
	text := strings.TrimLeft(line, " \t")
	// Leading @user and/or #channel switch speaker and channel from this line on.
	for {
		tok, rest, _ := strings.Cut(text, " ")
		switch {
		case strings.HasPrefix(tok, "#@") && len(tok) > 2:
			name := strings.ToLower(tok[2:])
			if !validUser(name) {
				s.notice(fmt.Sprintf("%q is not a user name (letters, digits, . _ -)", tok[1:]))
				return
			}
			s.channel = "@" + name
		case strings.HasPrefix(tok, "#") && len(tok) > 1:
			if !s.switchChannel(strings.ToLower(tok[1:])) {
				return
			}
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
	case text == "/quit" || text == "/exit":
		s.quit = true
	case text == "/" || text == "/help":
		s.reply(s.handler.HandleCommand(ctx, s.command("incident", "help")).Text)
		s.notice("channels: " + strings.Join(s.c.channelNames(), " ") + " · switch with #name (#new:name creates one), speaker with @name · react with +📌 <n> · press buttons with !press <n> <button> · post a file with !upload <path> · leave with /quit or Ctrl-D")
	case strings.HasPrefix(text, "/"):
		name, args, _ := strings.Cut(text[1:], " ")
		if s.Echo {
			s.c.mu.Lock()
			fmt.Fprintf(s.c.out, "[%s] %s> %s\n", s.label(), s.user, text)
			s.c.mu.Unlock()
		}
		s.reply(s.handler.HandleCommand(ctx, s.command(name, args)).Text)
	case strings.HasPrefix(text, "+"):
		s.react(ctx, text[1:])
	case strings.HasPrefix(text, "!press"):
		s.press(ctx, strings.TrimSpace(strings.TrimPrefix(text, "!press")))
	case strings.HasPrefix(text, "!upload"):
		s.upload(ctx, strings.TrimSpace(strings.TrimPrefix(text, "!upload")))
	default:
		s.say(text)
	}
}

// switchChannel moves to #name. A channel that does not exist is not opened by a typo:
// the shell names the channels that look like it and how to create one on purpose.
func (s *Shell) switchChannel(name string) bool {
	if created, ok := strings.CutPrefix(name, "new:"); ok {
		if !validChannel(created) {
			s.notice(fmt.Sprintf("%q is not a channel name (lowercase letters, digits, - _)", created))
			return false
		}
		if found, _ := s.c.exists(created); !found {
			s.c.AddChannel(created, false)
			s.c.mu.Lock()
			s.c.print("[#"+created+"] * ", "public channel created")
			s.c.mu.Unlock()
		}
		s.channel = created
		return true
	}
	found, similar := s.c.exists(name)
	if found {
		s.channel = name
		return true
	}
	msg := "#" + visible(name) + " does not exist"
	if len(similar) > 0 {
		msg += "; did you mean " + strings.Join(similar, " or ") + "?"
	} else {
		msg += "."
	}
	s.notice(msg + " Use #new:" + visible(name) + " to create one")
	return false
}

func validChannel(s string) bool {
	if s == "" || len(s) > 80 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
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

func (s *Shell) reply(text bot.Text) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.c.printEphemeral(s.c.channel(s.channel), s.user, s.c.render(text))
}

func (s *Shell) notice(text string) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.c.print(fmt.Sprintf("[%s] (to %s) console: ", s.label(), s.user), text)
}
