package slackfake

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
)

// postTargetLocked resolves chat.postMessage's channel argument: a
// conversation id, a user id (Slack opens the app's DM with that user) or a
// channel name with or without '#'.
func (s *Server) postTargetLocked(arg string) (*channel, string) {
	if c, ok := s.channels[arg]; ok {
		if (c.private || c.im || c.mpim) && !c.isMember(s.cfg.botUserID) {
			return nil, "not_in_channel"
		}
		// A public channel the bot has not joined takes posts only with chat:write.public.
		if !c.isMember(s.cfg.botUserID) && !s.canPostPublicLocked() {
			return nil, "not_in_channel"
		}
		if c.archived {
			return nil, "is_archived"
		}
		return c, ""
	}
	if s.userExistsLocked(arg) && arg != s.cfg.botUserID {
		return s.dmWithLocked(arg), ""
	}
	if c := s.channelByNameLocked(strings.TrimPrefix(arg, "#")); c != nil && arg != "" {
		return s.postTargetLocked(c.id)
	}
	return nil, "channel_not_found"
}

func (s *Server) dmWithLocked(u string) *channel {
	for _, id := range s.chanOrder {
		if c := s.channels[id]; c.im && c.imUser == u {
			return c
		}
	}
	c := &channel{
		id: s.newIDLocked("D"), im: true, imUser: u, private: true,
		creator: s.cfg.botUserID, created: s.now().Unix(),
		members: []string{s.cfg.botUserID, u},
	}
	s.addChannelLocked(c)
	return c
}

// jsonArrayParam validates a JSON array form field (blocks, attachments) and
// returns it compacted; ok is false when present but malformed.
func jsonArrayParam(p params, key string, max int) (json.RawMessage, bool) {
	v := p.Get(key)
	if strings.TrimSpace(v) == "" {
		return nil, true
	}
	var items []map[string]any
	if err := json.Unmarshal([]byte(v), &items); err != nil || len(items) > max {
		return nil, false
	}
	if key == "blocks" {
		for _, it := range items {
			if !validBlock(it) {
				return nil, false
			}
		}
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(v)); err != nil {
		return nil, false
	}
	return buf.Bytes(), true
}

// Block Kit limits Slack enforces (an over-long block makes the whole message invalid_blocks):
// a section's text at most 3,000 characters, a header's 150, at most 25 elements in an
// actions block; at most 50 blocks in all (jsonArrayParam's max).
const (
	maxSectionText   = 3000
	maxHeaderText    = 150
	maxActionElems   = 25
	maxButtonTextLen = 75
)

// validBlock checks one block's type and the limits above.
func validBlock(b map[string]any) bool {
	t, _ := b["type"].(string)
	textLen := func() int {
		txt, _ := b["text"].(map[string]any)
		v, _ := txt["text"].(string)
		return utf8.RuneCountInString(v)
	}
	switch t {
	case "":
		return false
	case "section":
		return textLen() <= maxSectionText
	case "header":
		return textLen() <= maxHeaderText
	case "actions":
		els, _ := b["elements"].([]any)
		if len(els) > maxActionElems {
			return false
		}
		for _, e := range els {
			em, _ := e.(map[string]any)
			txt, _ := em["text"].(map[string]any)
			if v, _ := txt["text"].(string); utf8.RuneCountInString(v) > maxButtonTextLen {
				return false
			}
		}
	}
	return true
}

// content is the text/blocks/attachments triple every chat method takes.
type content struct {
	text                string
	blocks, attachments json.RawMessage
}

func contentParams(p params) (content, string) {
	blocks, ok := jsonArrayParam(p, "blocks", 50)
	if !ok {
		return content{}, "invalid_blocks"
	}
	atts, ok := jsonArrayParam(p, "attachments", 100)
	if !ok {
		return content{}, "invalid_attachments"
	}
	c := content{text: p.Get("text"), blocks: blocks, attachments: atts}
	if utf8.RuneCountInString(c.text) > 40000 {
		return content{}, "msg_too_long"
	}
	return c, ""
}

func (c content) empty() bool { return c.text == "" && len(c.blocks) == 0 && len(c.attachments) == 0 }

func (s *Server) chatPostMessage(p params) reply {
	c, code := s.postTargetLocked(p.Get("channel"))
	if code != "" {
		return failure(code)
	}
	body, code := contentParams(p)
	if code != "" {
		return failure(code)
	}
	if body.empty() {
		return failure("no_text")
	}
	meta, code := metadataParam(p)
	if code != "" {
		return failure(code)
	}
	threadTS := p.Get("thread_ts")
	var parent *message
	if threadTS != "" {
		if parent = s.findMessageLocked(c, threadTS); parent == nil {
			return failure("thread_not_found")
		}
		// Replying to a reply threads under the original parent, as in Slack.
		if parent.threadTS != "" && parent.threadTS != parent.ts {
			threadTS = parent.threadTS
			parent = s.findMessageLocked(c, threadTS)
		}
	}
	m := &message{
		ts: s.nextTSLocked(), user: s.cfg.botUserID, botID: s.cfg.botID,
		text: body.text, blocks: body.blocks, attachments: body.attachments, threadTS: threadTS,
		metadata: meta,
	}
	if parent != nil {
		parent.threadTS = parent.ts
	}
	c.messages = append(c.messages, m)
	return reply{"channel": c.id, "ts": m.ts, "message": s.messageJSON(c, m)}
}

// metadataParam validates chat.postMessage's metadata argument as Slack does: a JSON object
// with a string event_type and an object event_payload.
func metadataParam(p params) (json.RawMessage, string) {
	v := strings.TrimSpace(p.Get("metadata"))
	if v == "" {
		return nil, ""
	}
	var m struct {
		EventType    *string         `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	}
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return nil, "invalid_metadata_format"
	}
	var payload map[string]any
	if m.EventType == nil || *m.EventType == "" || json.Unmarshal(m.EventPayload, &payload) != nil || payload == nil {
		return nil, "invalid_metadata_schema"
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(v)); err != nil {
		return nil, "invalid_metadata_format"
	}
	return buf.Bytes(), ""
}

func (s *Server) chatUpdate(p params) reply {
	c, code := s.lookupChannelLocked(p.Get("channel"))
	if code != "" {
		return failure(code)
	}
	m := s.findMessageLocked(c, p.Get("ts"))
	if m == nil {
		return failure("message_not_found")
	}
	if m.botID != s.cfg.botID {
		return failure("cant_update_message")
	}
	body, code := contentParams(p)
	if code != "" {
		return failure(code)
	}
	// Omitted fields keep their previous value (Slack documents this for
	// blocks; an explicit "[]" clears them).
	next := content{text: m.text, blocks: m.blocks, attachments: m.attachments}
	if p.has("text") {
		next.text = body.text
	}
	if p.has("blocks") {
		next.blocks = body.blocks
	}
	if p.has("attachments") {
		next.attachments = body.attachments
	}
	if next.empty() {
		return failure("no_text")
	}
	m.text, m.blocks, m.attachments = next.text, next.blocks, next.attachments
	m.edited, m.editedTS = true, s.nextTSLocked()
	return reply{"channel": c.id, "ts": m.ts, "text": m.text, "message": s.messageJSON(c, m)}
}

func (s *Server) chatPostEphemeral(p params) reply {
	c, code := s.postTargetLocked(p.Get("channel"))
	if code != "" {
		return failure(code)
	}
	u := p.Get("user")
	switch {
	case !s.userExistsLocked(u):
		return failure("user_not_found")
	case !c.isMember(u):
		return failure("user_not_in_channel")
	}
	body, code := contentParams(p)
	if code != "" {
		return failure(code)
	}
	if body.empty() {
		return failure("no_text")
	}
	e := Ephemeral{
		Channel: c.id, User: u, TS: s.nextTSLocked(), Text: body.text,
		Blocks: body.blocks, ThreadTS: p.Get("thread_ts"),
	}
	s.ephems = append(s.ephems, e)
	return reply{"message_ts": e.TS}
}

func (s *Server) chatGetPermalink(p params) reply {
	c, code := s.lookupChannelLocked(p.Get("channel"))
	if code != "" {
		return failure(code)
	}
	m := s.findMessageLocked(c, p.Get("message_ts"))
	if m == nil {
		return failure("message_not_found")
	}
	return reply{"channel": c.id, "permalink": permalink(c.id, m)}
}

func permalink(ch string, m *message) string {
	link := "https://fake.slack.com/archives/" + ch + "/p" + strings.Replace(m.ts, ".", "", 1)
	if m.threadTS != "" && m.threadTS != m.ts {
		link += "?thread_ts=" + m.threadTS + "&cid=" + ch
	}
	return link
}

func (s *Server) pinsAdd(p params) reply {
	c, code := s.lookupChannelLocked(p.Get("channel"))
	if code != "" {
		return failure(code)
	}
	ts := p.Get("timestamp")
	switch {
	case ts == "":
		return failure("no_item_specified")
	case !c.isMember(s.cfg.botUserID):
		return failure("not_in_channel")
	case s.findMessageLocked(c, ts) == nil:
		return failure("message_not_found")
	case slices.Contains(c.pins, ts):
		return failure("already_pinned")
	}
	c.pins = append(c.pins, ts)
	return reply{}
}

func (s *Server) reactionsAdd(p params) reply {
	name := strings.Trim(p.Get("name"), ":")
	if name == "" {
		return failure("invalid_name")
	}
	if p.Get("channel") == "" || p.Get("timestamp") == "" {
		return failure("no_item_specified")
	}
	c, code := s.lookupChannelLocked(p.Get("channel"))
	if code != "" {
		return failure(code)
	}
	m := s.findMessageLocked(c, p.Get("timestamp"))
	if m == nil {
		return failure("message_not_found")
	}
	for i, r := range m.reactions {
		if r.Name == name {
			if slices.Contains(r.Users, s.cfg.botUserID) {
				return failure("already_reacted")
			}
			m.reactions[i].Users = append(m.reactions[i].Users, s.cfg.botUserID)
			return reply{}
		}
	}
	m.reactions = append(m.reactions, Reaction{Name: name, Users: []string{s.cfg.botUserID}})
	return reply{}
}
