package slackfake

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The in-memory workspace. Every field here is guarded by Server.mu; the
// exported snapshot types further down are what callers get back, always as
// copies so tests can hold them without racing the handlers.

type user struct {
	id, name, realName, email string
	isBot, deleted            bool
}

type channel struct {
	id, name   string
	private    bool
	im, mpim   bool
	imUser     string // the other party of a DM
	creator    string
	created    int64
	archived   bool
	members    []string // ordered by join time, as conversations.members lists them
	topic      string
	topicBy    string
	topicSet   int64
	purpose    string
	purposeBy  string
	purposeSet int64
	messages   []*message // in ts order (ts is strictly increasing)
	pins       []string   // message ts values, in pin order
	files      []string   // file ids shared into this channel, in share order
}

func (c *channel) isMember(u string) bool { return slices.Contains(c.members, u) }

type message struct {
	ts, user, botID, text string
	threadTS              string
	blocks                json.RawMessage
	attachments           json.RawMessage
	edited                bool
	editedTS              string
	reactions             []Reaction
	// metadata is the message metadata it was posted with ({"event_type", "event_payload"}),
	// nil when none; history returns it only with include_all_metadata.
	metadata json.RawMessage
	files    []string // ids of the files the message shares (PostFilesAsUser)
	// at is ts parsed, filled on first use (under the server's lock): history scans every
	// message of a channel, and parsing each ts on every call made the fake, not the
	// client under test, the slow part of a benchmark reading thousands of messages back.
	at tsMicros
}

// time is the message's ts as a number.
func (m *message) time() tsMicros {
	if m.at == 0 {
		m.at, _ = parseTS(m.ts)
	}
	return m.at
}

type file struct {
	id, filename, title string
	length              int // declared in files.getUploadURLExternal
	data                []byte
	uploaded, completed bool
	channels            []string // shared into, in completeUploadExternal order
	initialComment      string
	threadTS            string
	// Files a person shared (PostFilesAsUser): who, when, the size the API lists, and
	// zeros > 0 to serve that many zero bytes instead of data.
	user          string
	created       int64
	listed, zeros int64
}

// Channel is a snapshot of a conversation.
type Channel struct {
	ID        string
	Name      string
	IsPrivate bool
	IsIM      bool
	IsMpIM    bool
	User      string // DM counterpart for IMs
	Creator   string
	Archived  bool
	Members   []string
	Topic     string
	Purpose   string
	Created   time.Time
}

// Message is a snapshot of one channel message (thread replies included).
type Message struct {
	Channel     string
	TS          string
	User        string
	BotID       string // non-empty when the bot posted it
	Text        string
	Blocks      json.RawMessage // exactly as the client sent them (compacted); nil when none
	Attachments json.RawMessage
	ThreadTS    string
	Edited      bool
	Reactions   []Reaction
	Metadata    json.RawMessage // message metadata as posted (compacted); nil when none
}

// Reaction is one emoji on a message and who added it.
type Reaction struct {
	Name  string
	Users []string
}

// File is a snapshot of a file uploaded with the files v2 flow.
type File struct {
	ID             string
	Filename       string
	Title          string
	Length         int // as declared by files.getUploadURLExternal
	Bytes          []byte
	Channels       []string // conversations it was shared into
	InitialComment string
	ThreadTS       string
}

// Ephemeral is a recorded chat.postEphemeral call.
type Ephemeral struct {
	Channel  string
	User     string
	TS       string
	Text     string
	Blocks   json.RawMessage
	ThreadTS string
}

// RequestRecord is one HTTP request the fake received on its Web API (and on
// the upload and response_url endpoints, named "(upload)" and "(response_url)").
type RequestRecord struct {
	Method string
	Time   time.Time
	// Status is the HTTP status written, or 0 when the connection was hijacked
	// and closed without an answer.
	Status int
	// Err is the Slack error code for ok:false answers, or the fault that
	// rejected the request ("ratelimited", "outage", "client_gone").
	Err string
}

// OK reports whether the request took effect and its answer was written.
func (r RequestRecord) OK() bool { return r.Status == 200 && r.Err == "" }

func (c *channel) snapshot() Channel {
	return Channel{
		ID: c.id, Name: c.name, IsPrivate: c.private, IsIM: c.im, IsMpIM: c.mpim,
		User: c.imUser, Creator: c.creator, Archived: c.archived,
		Members: slices.Clone(c.members), Topic: c.topic, Purpose: c.purpose, Created: time.Unix(c.created, 0),
	}
}

func (m *message) snapshot(ch string) Message {
	rs := make([]Reaction, len(m.reactions))
	for i, r := range m.reactions {
		rs[i] = Reaction{Name: r.Name, Users: slices.Clone(r.Users)}
	}
	return Message{
		Channel: ch, TS: m.ts, User: m.user, BotID: m.botID, Text: m.text,
		Blocks: slices.Clone(m.blocks), Attachments: slices.Clone(m.attachments),
		ThreadTS: m.threadTS, Edited: m.edited, Reactions: rs, Metadata: slices.Clone(m.metadata),
	}
}

func (f *file) snapshot() File {
	return File{
		ID: f.id, Filename: f.filename, Title: f.title, Length: f.length,
		Bytes: slices.Clone(f.data), Channels: slices.Clone(f.channels),
		InitialComment: f.initialComment, ThreadTS: f.threadTS,
	}
}

// tsMicros is a message timestamp as microseconds since the epoch. Slack ts
// values are "seconds.micros" strings; comparing them as numbers avoids
// lexical surprises with differing lengths.
type tsMicros int64

func formatTS(t tsMicros) string {
	return fmt.Sprintf("%d.%06d", int64(t)/1e6, int64(t)%1e6)
}

// parseTS accepts "1700000000.000100", "1700000000.0001" and "1700000000".
func parseTS(s string) (tsMicros, bool) {
	if s == "" {
		return 0, false
	}
	sec, frac, _ := strings.Cut(s, ".")
	secs, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0, false
	}
	var micros int64
	if frac != "" {
		if len(frac) > 6 {
			frac = frac[:6]
		}
		frac += strings.Repeat("0", 6-len(frac))
		if micros, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, false
		}
	}
	return tsMicros(secs*1e6 + micros), true
}

// nextTSLocked hands out strictly increasing, realistic message timestamps:
// wall-clock microseconds, bumped by one when two messages land in the same
// microsecond, so two posts never collide the way slacktest's do.
func (s *Server) nextTSLocked() string {
	now := tsMicros(s.now().UnixMicro())
	if now <= s.lastTS {
		now = s.lastTS + 1
	}
	s.lastTS = now
	return formatTS(now)
}

// newIDLocked returns prefix + a zero-padded counter, shaped like Slack ids
// ("C00000001", "D00000002", "F00000003").
func (s *Server) newIDLocked(prefix string) string {
	s.idSeq++
	return fmt.Sprintf("%s%08d", prefix, s.idSeq)
}

// findMessageLocked is the message whose ts is exactly ts (as a string, the way Slack
// matches it), found by binary search: a channel's messages are in strictly increasing ts
// order.
func (s *Server) findMessageLocked(ch *channel, ts string) *message {
	t, ok := parseTS(ts)
	if !ok {
		return nil
	}
	i := sort.Search(len(ch.messages), func(i int) bool { return ch.messages[i].time() >= t })
	if i < len(ch.messages) && ch.messages[i].ts == ts {
		return ch.messages[i]
	}
	return nil
}
