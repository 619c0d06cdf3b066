package discordfake

import (
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"
)

// messageChannel resolves the channel of a message route and checks the bot may use it with
// the given permissions (guild channels) or that the DM recipient accepts DMs.
func (s *Server) messageChannel(rq *request, need int64) (*Channel, response, bool) {
	c := s.st.channels[rq.params["channel_id"]]
	if c == nil {
		return nil, notFound(CodeUnknownChannel, "Channel"), false
	}
	if c.Type == ChannelDM {
		return c, response{}, true
	}
	if r, allowed := s.st.botCan(c, need); !allowed {
		return nil, r, false
	}
	return c, response{}, true
}

// channelMessage finds a non-ephemeral message in a channel.
func (st *state) channelMessage(c *Channel, id string) *Message {
	m := st.messages[id]
	if m == nil || m.ChannelID != c.ID || m.Ephemeral {
		return nil
	}
	return m
}

func (s *Server) hCreateMessage(rq *request) response {
	st := s.st
	raw, files, err := readPayload(rq)
	if err != nil {
		return badJSON()
	}
	need := PermViewChannel | PermSendMessages
	if len(files) > 0 {
		need |= PermAttachFiles
	}
	c, r, allowed := s.messageChannel(rq, need)
	if !allowed {
		return r
	}
	if c.Type == ChannelCategory || c.Type == ChannelVoice {
		return errResp(http.StatusBadRequest, CodeNonTextChannel, "Cannot send messages in a non-text channel")
	}
	if c.Type == ChannelDM && len(c.RecipientIDs) > 0 && st.blockedDMs[c.RecipientIDs[0]] {
		return errResp(http.StatusForbidden, CodeCannotDMUser, "Cannot send messages to this user")
	}
	nonce, enforce, fine := nonceOf(raw)
	if !fine {
		return formErr("nonce", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	key := nonceKey{author: st.cfg.botID, channel: c.ID, nonce: nonce}
	if enforce && nonce != "" {
		if prev := st.enforcedMessage(key, rq.at); prev != nil {
			return ok(withNonce(st.messageJSON(prev), nonce))
		}
	}
	mc, r, valid := parseMessage(raw, files)
	if !valid {
		return r
	}
	if mc.empty() {
		return emptyMessage()
	}
	m := st.newMessage(c, st.cfg.botID, mc)
	m.Ephemeral = false // only interaction responses can be ephemeral
	m.Timestamp = rq.at.UTC()
	m.Nonce = nonce
	st.addMessage(m)
	if enforce && nonce != "" {
		st.rememberNonce(key, m, rq.at)
	}
	s.echo("MESSAGE_CREATE", withNonce(st.messageEventJSON(m), nonce))
	return ok(withNonce(st.messageJSON(m), nonce))
}

// withNonce adds the request's nonce to a create answer or event (only those carry it).
func withNonce(o obj, nonce string) obj {
	if nonce != "" {
		o["nonce"] = nonce
	}
	return o
}

func (s *Server) hEditMessage(rq *request) response {
	st := s.st
	raw, files, err := readPayload(rq)
	if err != nil {
		return badJSON()
	}
	c, r, allowed := s.messageChannel(rq, PermViewChannel)
	if !allowed {
		return r
	}
	m := st.channelMessage(c, rq.params["message_id"])
	if m == nil {
		return notFound(CodeUnknownMessage, "Message")
	}
	if m.AuthorID != st.cfg.botID {
		return errResp(http.StatusForbidden, CodeCannotEditOthers, "Cannot edit a message authored by another user")
	}
	mc, r, valid := parseMessage(raw, files)
	if !valid {
		return r
	}
	next := m.clone()
	st.applyEdit(&next, mc)
	if next.Content == "" && next.Embeds == nil && next.Components == nil && len(next.Attachments) == 0 {
		return emptyMessage()
	}
	next.EditedTimestamp = rq.at.UTC()
	next.EditCount++
	*m = next
	s.echo("MESSAGE_UPDATE", st.messageEventJSON(m))
	return ok(st.messageJSON(m))
}

// hGetMessage serves GET /channels/{c}/messages/{m}, used to read the message a reaction points
// at; it needs VIEW_CHANNEL and READ_MESSAGE_HISTORY like on Discord.
func (s *Server) hGetMessage(rq *request) response {
	c, r, allowed := s.messageChannel(rq, PermViewChannel|PermReadMessageHistory)
	if !allowed {
		return r
	}
	m := s.st.channelMessage(c, rq.params["message_id"])
	if m == nil {
		return notFound(CodeUnknownMessage, "Message")
	}
	return ok(s.st.messageJSON(m))
}

// hListMessages returns newest first, honouring limit (default 50, max 100), before and after.
func (s *Server) hListMessages(rq *request) response {
	c, r, allowed := s.messageChannel(rq, PermViewChannel|PermReadMessageHistory)
	if !allowed {
		return r
	}
	limit := 50
	if v := rq.query.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return formErr("limit", "NUMBER_TYPE_MAX", "int value should be between 1 and 100.")
		}
		limit = n
	}
	before, after := snowflake(rq.query.Get("before")), snowflake(rq.query.Get("after"))
	ids := s.st.channelMsgs[c.ID]
	out := []obj{}
	for i := len(ids) - 1; i >= 0 && len(out) < limit; i-- {
		m := s.st.channelMessage(c, ids[i])
		if m == nil {
			continue
		}
		id := snowflake(m.ID)
		if (before != 0 && id >= before) || (after != 0 && id <= after) {
			continue
		}
		out = append(out, s.st.messageJSON(m))
	}
	return ok(out)
}

func snowflake(s string) int64 {
	v, _ := strconv.ParseInt(s, 10, 64)
	return v
}

func (s *Server) hDeleteMessage(rq *request) response {
	st := s.st
	c, r, allowed := s.messageChannel(rq, PermViewChannel)
	if !allowed {
		return r
	}
	m := st.channelMessage(c, rq.params["message_id"])
	if m == nil {
		return notFound(CodeUnknownMessage, "Message")
	}
	if m.AuthorID != st.cfg.botID && c.Type != ChannelDM {
		if r, allowed := st.botCan(c, PermManageMessages); !allowed {
			return r
		}
	}
	delete(st.messages, m.ID)
	ids := st.channelMsgs[c.ID]
	for i, id := range ids {
		if id == m.ID {
			st.channelMsgs[c.ID] = append(ids[:i:i], ids[i+1:]...)
			break
		}
	}
	st.unpin(c.ID, m.ID)
	s.echo("MESSAGE_DELETE", obj{"id": m.ID, "channel_id": c.ID, "guild_id": nullable(c.GuildID)})
	return noContent()
}

func (st *state) unpin(channelID, messageID string) {
	pins := st.pins[channelID]
	for i, id := range pins {
		if id == messageID {
			st.pins[channelID] = append(pins[:i:i], pins[i+1:]...)
			return
		}
	}
}

func (s *Server) hListPins(rq *request) response {
	c, r, allowed := s.messageChannel(rq, PermViewChannel|PermReadMessageHistory)
	if !allowed {
		return r
	}
	out := []obj{}
	pins := s.st.pins[c.ID]
	for i := len(pins) - 1; i >= 0; i-- {
		if m := s.st.messages[pins[i]]; m != nil {
			out = append(out, s.st.messageJSON(m))
		}
	}
	return ok(out)
}

// hPin serves PUT /channels/{c}/pins/{m} (the pre-2025 path discordgo v0.29.0 uses). Pinning
// twice is a no-op; the 51st pin fails with 30003.
func (s *Server) hPin(rq *request) response {
	st := s.st
	c, r, allowed := s.messageChannel(rq, PermViewChannel|PermManageMessages)
	if !allowed {
		return r
	}
	m := st.channelMessage(c, rq.params["message_id"])
	if m == nil {
		return notFound(CodeUnknownMessage, "Message")
	}
	if m.Pinned {
		return noContent()
	}
	if len(st.pins[c.ID]) >= 50 {
		return errResp(http.StatusBadRequest, CodeMaxPins, "Maximum number of pins reached (50)")
	}
	m.Pinned = true
	st.pins[c.ID] = append(st.pins[c.ID], m.ID)
	s.echo("CHANNEL_PINS_UPDATE", obj{"channel_id": c.ID, "guild_id": nullable(c.GuildID),
		"last_pin_timestamp": time.Now().UTC().Format(discordTime)})
	return noContent()
}

func (s *Server) hUnpin(rq *request) response {
	st := s.st
	c, r, allowed := s.messageChannel(rq, PermViewChannel|PermManageMessages)
	if !allowed {
		return r
	}
	m := st.channelMessage(c, rq.params["message_id"])
	if m == nil {
		return notFound(CodeUnknownMessage, "Message")
	}
	m.Pinned = false
	st.unpin(c.ID, m.ID)
	return noContent()
}

// validEmoji accepts a unicode emoji or a custom "name:id" one. Plain ASCII words are rejected
// with 10014 Unknown Emoji, as Discord does for e.g. ":rotating_light:" shortcodes.
func validEmoji(e string) bool {
	if e == "" {
		return false
	}
	if name, id, found := cutLast(e, ':'); found {
		return name != "" && snowflake(id) > 0
	}
	for _, r := range e {
		if r >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

func cutLast(s string, sep byte) (string, string, bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func (st *state) addReaction(m *Message, emoji, userID string) bool {
	for i := range m.Reactions {
		if m.Reactions[i].Emoji == emoji {
			for _, u := range m.Reactions[i].UserIDs {
				if u == userID {
					return false
				}
			}
			m.Reactions[i].UserIDs = append(m.Reactions[i].UserIDs, userID)
			return true
		}
	}
	m.Reactions = append(m.Reactions, Reaction{Emoji: emoji, UserIDs: []string{userID}})
	return true
}

func (s *Server) hAddReaction(rq *request) response {
	st := s.st
	c, r, allowed := s.messageChannel(rq, PermViewChannel|PermReadMessageHistory|PermAddReactions)
	if !allowed {
		return r
	}
	m := st.channelMessage(c, rq.params["message_id"])
	if m == nil {
		return notFound(CodeUnknownMessage, "Message")
	}
	emoji := rq.params["emoji"]
	if !validEmoji(emoji) {
		return errResp(http.StatusBadRequest, CodeUnknownEmoji, "Unknown Emoji")
	}
	st.addReaction(m, emoji, st.cfg.botID)
	return noContent()
}
