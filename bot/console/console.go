// Package console is warroom's local chat workspace on a terminal: the same engine,
// commands and database as Slack and Discord, for trying warroom out, drills and scripted
// tests (README: "A console walk-through").
package console

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
)

// Name is the platform name the console records.
const Name = "console"

// BotName is how the bot's messages are signed.
const BotName = "warroom"

type message struct {
	n       int
	author  string
	text    string
	at      time.Time
	buttons []bot.Button
	files   []upload // what a person uploaded with !upload
}

type channel struct {
	name    string // "general", "inc-1-x", or "@bob" for bob's DMs
	private bool
	msgs    []*message
}

// label is how a channel appears in output: "#general" or "@bob".
func (ch *channel) label() string {
	if strings.HasPrefix(ch.name, "@") {
		return ch.name
	}
	return "#" + ch.name
}

// Console is the workspace and the bot.Platform for it. Channel ids are channel names;
// user ids are names.
type Console struct {
	mu       sync.Mutex
	out      io.Writer
	clock    clockwork.Clock
	loc      *time.Location
	channels map[string]*channel
	// filesDir is where uploaded files are written ("" keeps them in memory only).
	filesDir string
	// colour paints message prefixes with ANSI colours (a terminal without NO_COLOR).
	colour bool
	// people are the users who spoke in this session, for completion.
	people map[string]bool
}

// New returns a workspace printing to out; loc is the configured time zone shown beside UTC.
func New(out io.Writer, clock clockwork.Clock, loc *time.Location) *Console {
	c := &Console{out: out, clock: clock, loc: loc, channels: map[string]*channel{}, people: map[string]bool{}}
	c.channels["general"] = &channel{name: "general"}
	return c
}

// SetOutput replaces where the workspace prints (the line editor's writer, which redraws
// the prompt and the line being typed around what is printed).
func (c *Console) SetOutput(w io.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out = w
}

// SetColour turns ANSI colours on or off (on only for a terminal, and never with NO_COLOR).
func (c *Console) SetColour(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.colour = on
}

// SetFilesDir makes uploads land as files in dir (created 0700, files 0600).
func (c *Console) SetFilesDir(dir string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.filesDir = dir
}

// AddChannel makes a channel known without printing anything: the incident channels a
// previous session created live in the database, not in this process.
func (c *Console) AddChannel(name string, private bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	name = strings.TrimPrefix(name, "#")
	if _, ok := c.channels[name]; !ok && name != "" {
		c.channels[name] = &channel{name: name, private: private}
	}
}

// Name implements bot.Platform.
func (c *Console) Name() string { return Name }

// channel returns (creating) a channel by id; "@bob" is bob's DM channel. Called with mu held.
func (c *Console) channel(id string) *channel {
	id = strings.TrimPrefix(id, "#")
	ch, ok := c.channels[id]
	if !ok {
		ch = &channel{name: id}
		c.channels[id] = ch
	}
	return ch
}

// print writes one message: its first line after prefix, continuation lines indented, and
// its buttons as "  [ack] [snooze]". It is one write, so a terminal redraws the prompt once
// after it rather than after each line. Control characters in the text are shown escaped,
// never sent to the terminal raw.
func (c *Console) print(prefix, text string, buttons ...bot.Button) {
	lines := strings.Split(visible(text), "\n")
	var b strings.Builder
	b.WriteString(c.paint(prefix) + lines[0] + "\n")
	for _, l := range lines[1:] {
		b.WriteString("  " + l + "\n")
	}
	if len(buttons) > 0 {
		var parts []string
		for _, bt := range buttons {
			parts = append(parts, "["+visible(bt.Label)+"]")
		}
		b.WriteString("  " + strings.Join(parts, " ") + "\n")
	}
	_, _ = io.WriteString(c.out, b.String())
}

// add appends a message to a channel and prints it. Called with mu held.
func (c *Console) add(ch *channel, author, text string, buttons []bot.Button) *message {
	m := &message{n: len(ch.msgs) + 1, author: author, text: text, at: c.clock.Now(), buttons: buttons}
	ch.msgs = append(ch.msgs, m)
	if author != BotName {
		c.people[author] = true
	}
	c.print(fmt.Sprintf("[%s %d] %s: ", ch.label(), m.n, author), text, buttons...)
	return m
}

func msgID(ch *channel, n int) string { return ch.name + "/" + strconv.Itoa(n) }

// find resolves a message id "channel/n".
func (c *Console) find(id string) (*channel, *message, error) {
	name, num, ok := strings.Cut(id, "/")
	n, err := strconv.Atoi(num)
	if !ok || err != nil {
		return nil, nil, bot.Permanent(fmt.Errorf("bad message id %q", id))
	}
	ch, ok := c.channels[name]
	if !ok || n < 1 || n > len(ch.msgs) {
		return nil, nil, bot.Permanent(fmt.Errorf("no message %q", id))
	}
	return ch, ch.msgs[n-1], nil
}

// CreateChannel implements bot.Platform: a taken name gets a numeric suffix.
func (c *Console) CreateChannel(ctx context.Context, name string, private bool, topic string) (bot.Channel, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	final := name
	for i := 2; ; i++ {
		if _, taken := c.channels[final]; !taken {
			break
		}
		final = name + "-" + strconv.Itoa(i)
	}
	ch := &channel{name: final, private: private}
	c.channels[final] = ch
	kind := "public"
	if private {
		kind = "private"
	}
	c.print(fmt.Sprintf("[%s] * ", ch.label()), fmt.Sprintf("%s channel created · topic: %s", kind, topic))
	return bot.Channel{ID: final, Name: final}, nil
}

// Invite implements bot.Platform.
func (c *Console) Invite(ctx context.Context, channelID string, users []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.channel(channelID)
	c.print(fmt.Sprintf("[%s] * ", ch.label()), strings.Join(users, ", ")+" added to the channel")
	return nil
}

// Remove implements bot.Platform.
func (c *Console) Remove(ctx context.Context, channelID, user string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.channel(channelID)
	c.print(fmt.Sprintf("[%s] * ", ch.label()), user+" removed from the channel")
	return nil
}

// Post implements bot.Platform.
func (c *Console) Post(ctx context.Context, channelID string, m bot.Message) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.channel(channelID)
	msg := c.add(ch, BotName, c.render(m.Text), m.Buttons)
	return msgID(ch, msg.n), nil
}

// Update implements bot.Platform: the edited message is printed again.
func (c *Console) Update(ctx context.Context, channelID, messageID string, m bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, msg, err := c.find(messageID)
	if err != nil {
		return err
	}
	msg.text, msg.buttons = c.render(m.Text), m.Buttons
	c.print(fmt.Sprintf("[%s %d] (edited) %s: ", ch.label(), msg.n, msg.author), msg.text, m.Buttons...)
	return nil
}

// Ephemeral implements bot.Platform.
func (c *Console) Ephemeral(ctx context.Context, channelID, user string, m bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.printEphemeral(c.channel(channelID), user, c.render(m.Text))
	return nil
}

func (c *Console) printEphemeral(ch *channel, user, text string) {
	if text == "" {
		return
	}
	c.print(fmt.Sprintf("[%s] (to %s) %s: ", ch.label(), user, BotName), text)
}

// DM implements bot.Platform: a direct message lands in the "@user" channel.
func (c *Console) DM(ctx context.Context, user string, m bot.Message) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.channel("@" + user)
	msg := c.add(ch, BotName, c.render(m.Text), m.Buttons)
	return msgID(ch, msg.n), nil
}

// SetTopic implements bot.Platform.
func (c *Console) SetTopic(ctx context.Context, channelID, topic string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.channel(channelID)
	c.print(fmt.Sprintf("[%s] * ", ch.label()), "topic: "+topic)
	return nil
}

// Pin implements bot.Platform.
func (c *Console) Pin(ctx context.Context, channelID, messageID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, msg, err := c.find(messageID)
	if err != nil {
		return err
	}
	c.print(fmt.Sprintf("[%s %d] * ", ch.label(), msg.n), "pinned")
	return nil
}

// Upload implements bot.Platform: the file is shown as a message with its name and size.
func (c *Console) Upload(ctx context.Context, channelID string, f bot.File) error {
	if err := bot.BeforeVisible(ctx); err != nil {
		return err // a redaction rewrote it since its bytes were read: nothing is written
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.channel(channelID)
	text := fmt.Sprintf("(file: %s, %d bytes)", f.Name, len(f.Data))
	if c.filesDir != "" {
		path, err := saveFile(c.filesDir, f.Name, f.Data)
		if err != nil {
			return err
		}
		text += " saved to " + path
	}
	if !f.Comment.Empty() {
		text = c.render(f.Comment) + "\n" + text
	}
	c.add(ch, BotName, text, nil)
	return nil
}

// Archive implements bot.Archiver.
func (c *Console) Archive(ctx context.Context, channelID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.channel(channelID)
	c.print(fmt.Sprintf("[%s] * ", ch.label()), "channel archived")
	return nil
}

// latestBy finds the latest message in ch written by a person (not the bot).
func latestBy(ch *channel) *message {
	for i := len(ch.msgs) - 1; i >= 0; i-- {
		if ch.msgs[i].author != BotName {
			return ch.msgs[i]
		}
	}
	return nil
}

// channelNames lists the known channels (for help and completion).
func (c *Console) channelNames() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, ch := range c.channels {
		out = append(out, ch.label())
	}
	slices.Sort(out)
	return out
}

// peopleSeen lists who spoke in this session (for completion).
func (c *Console) peopleSeen() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for p := range c.people {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// exists reports whether a channel is known; when it is not, similar channel names are
// suggested (those it is the start of, or that contain it).
func (c *Console) exists(name string) (bool, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.channels[name]; ok {
		return true, nil
	}
	var starts, contains []string
	for n, ch := range c.channels {
		switch {
		case strings.HasPrefix(n, "@"):
		case strings.HasPrefix(n, name):
			starts = append(starts, ch.label())
		case strings.Contains(n, name):
			contains = append(contains, ch.label())
		}
	}
	slices.Sort(starts)
	slices.Sort(contains)
	out := append(starts, contains...)
	return false, out[:min(len(out), 3)]
}
