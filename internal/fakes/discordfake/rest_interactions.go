package discordfake

import (
	"encoding/json"
	"net/http"
	"time"
)

// FlagLoading (128) marks a deferred "Bot is thinking..." response until @original is edited.
const FlagLoading = 128

// followupWindow is how long an interaction token can be used for follow-ups on Discord.
const followupWindow = 15 * time.Minute

// InteractionResponse is an accepted POST /interactions/{id}/{token}/callback.
type InteractionResponse struct {
	InteractionID string
	Type          int // 4 message, 5 deferred, 6 deferred update, 7 update, 9 modal...
	Content       string
	Flags         int
	Ephemeral     bool
	Embeds        json.RawMessage
	Components    json.RawMessage
	Attachments   []Attachment
	Raw           json.RawMessage // the JSON body (payload_json when multipart)
	Elapsed       time.Duration   // from DispatchInteraction to the fake handling the callback
	MessageID     string          // message created (4, 5) or updated (7), if any
}

// Followup is an accepted follow-up webhook call for an interaction token.
type Followup struct {
	Token       string
	Op          string // "create", "edit" or "delete"
	MessageID   string // the created/edited message; @original is resolved to its id
	Original    bool   // the call targeted @original
	Content     string
	Flags       int
	Ephemeral   bool
	Embeds      json.RawMessage
	Components  json.RawMessage
	Attachments []Attachment
	Raw         json.RawMessage
	Elapsed     time.Duration // since DispatchInteraction
}

func unknownInteraction() response {
	return errResp(http.StatusNotFound, CodeUnknownInteraction, "Unknown interaction")
}

// interactionChannel is the channel an interaction response is posted in; interactions may come
// from channels the fake was not seeded with, so a stand-in is used then.
func (st *state) interactionChannel(in *interaction) *Channel {
	if c := st.channels[in.channelID]; c != nil {
		return c
	}
	return &Channel{ID: in.channelID, GuildID: in.guildID}
}

// hInteractionCallback enforces what Discord does: a known id+token, a single acknowledgement
// (40060 on the second), the response deadline (10062 Unknown interaction when late), and
// response types that fit the interaction. No bot permissions are needed: interaction replies
// work even in channels the bot cannot see.
func (s *Server) hInteractionCallback(rq *request) response {
	st := s.st
	in := st.interacts[rq.params["interaction_id"]]
	if in == nil || in.token != rq.params["interaction_token"] {
		return unknownInteraction()
	}
	now := time.Now()
	elapsed := now.Sub(in.dispatchedAt)
	if in.acked {
		return errResp(http.StatusBadRequest, CodeAlreadyAcknowledged, "Interaction has already been acknowledged.")
	}
	if elapsed > s.cfg.interactionWindow {
		return unknownInteraction()
	}
	raw, files, err := readPayload(rq)
	if err != nil {
		return badJSON()
	}
	var body struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if !decodeJSON(raw, &body) {
		return badJSON()
	}
	switch body.Type {
	case 4, 5, 9:
	case 6, 7:
		if in.typ != 3 {
			return formErr("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Interaction response type is invalid for this interaction")
		}
	default:
		return formErr("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Interaction response type is invalid for this interaction")
	}
	mc, r, valid := parseMessage(body.Data, files)
	if !valid {
		return r
	}
	if body.Type == 4 && mc.empty() {
		return emptyMessage()
	}
	rec := InteractionResponse{InteractionID: in.id, Type: body.Type, Raw: append(json.RawMessage(nil), raw...),
		Elapsed: elapsed, Embeds: mc.embeds, Components: mc.components, Attachments: cloneAttachments(files)}
	if mc.content != nil {
		rec.Content = *mc.content
	}
	if mc.flags != nil {
		rec.Flags = *mc.flags
		rec.Ephemeral = rec.Flags&FlagEphemeral != 0
	}
	switch body.Type {
	case 4, 5:
		m := st.newMessage(st.interactionChannel(in), st.cfg.botID, mc)
		if body.Type == 5 {
			m.Flags |= FlagLoading
		}
		m.Timestamp, m.WebhookID, m.InteractionID = now.UTC(), s.cfg.appID, in.id
		st.addMessage(m)
		in.originalID, rec.MessageID = m.ID, m.ID
	case 6:
		in.originalID = in.messageID
	case 7:
		in.originalID = in.messageID
		if m := st.messages[in.messageID]; m != nil {
			st.applyEdit(m, mc)
			m.EditedTimestamp = now.UTC()
			m.EditCount++
			rec.MessageID = m.ID
		}
	}
	in.acked, in.ackType = true, body.Type
	st.responses[in.id] = append(st.responses[in.id], rec)
	return noContent()
}

// webhookInteraction resolves /webhooks/{application_id}/{interaction_token}. Discord answers
// 10015 Unknown Webhook for a wrong application, an unknown or expired token, and for
// follow-ups sent before the interaction was acknowledged.
func (s *Server) webhookInteraction(rq *request) (*interaction, response, bool) {
	if rq.params["application_id"] != s.cfg.appID {
		return nil, notFound(CodeUnknownWebhook, "Webhook"), false
	}
	in := s.st.byToken[rq.params["interaction_token"]]
	if in == nil || !in.acked || time.Since(in.dispatchedAt) > followupWindow {
		return nil, notFound(CodeUnknownWebhook, "Webhook"), false
	}
	return in, response{}, true
}

func (s *Server) recordFollowup(in *interaction, op string, m *Message, original bool, raw json.RawMessage, mc messageContent) {
	f := Followup{Token: in.token, Op: op, Original: original, Raw: append(json.RawMessage(nil), raw...),
		Elapsed: time.Since(in.dispatchedAt), Embeds: mc.embeds, Components: mc.components,
		Attachments: cloneAttachments(mc.files)}
	if m != nil {
		f.MessageID = m.ID
	}
	if mc.content != nil {
		f.Content = *mc.content
	}
	if mc.flags != nil {
		f.Flags = *mc.flags
		f.Ephemeral = f.Flags&FlagEphemeral != 0
	}
	s.st.followups[in.token] = append(s.st.followups[in.token], f)
}

// hFollowup creates a follow-up message. Without ?wait=true Discord answers 204 and discordgo
// returns a nil *Message.
func (s *Server) hFollowup(rq *request) response {
	st := s.st
	in, r, found := s.webhookInteraction(rq)
	if !found {
		return r
	}
	raw, files, err := readPayload(rq)
	if err != nil {
		return badJSON()
	}
	mc, r, valid := parseMessage(raw, files)
	if !valid {
		return r
	}
	if mc.empty() {
		return emptyMessage()
	}
	m := st.newMessage(st.interactionChannel(in), st.cfg.botID, mc)
	m.Timestamp, m.WebhookID, m.InteractionID = time.Now().UTC(), s.cfg.appID, in.id
	st.addMessage(m)
	s.recordFollowup(in, "create", m, false, raw, mc)
	if rq.query.Get("wait") == "true" {
		return ok(st.messageJSON(m))
	}
	return noContent()
}

// webhookMessage resolves {message_id} ("@original" or a follow-up id) for an interaction.
func (s *Server) webhookMessage(in *interaction, id string) (*Message, bool) {
	if id == "@original" {
		id = in.originalID
	}
	m := s.st.messages[id]
	if m == nil || (m.InteractionID != in.id && id != in.originalID) {
		return nil, false
	}
	return m, true
}

func (s *Server) hGetWebhookMessage(rq *request) response {
	in, r, found := s.webhookInteraction(rq)
	if !found {
		return r
	}
	m, found := s.webhookMessage(in, rq.params["message_id"])
	if !found {
		return notFound(CodeUnknownMessage, "Message")
	}
	return ok(s.st.messageJSON(m))
}

// hEditWebhookMessage edits @original (completing a deferred response: the loading flag is
// cleared) or a follow-up.
func (s *Server) hEditWebhookMessage(rq *request) response {
	st := s.st
	in, r, found := s.webhookInteraction(rq)
	if !found {
		return r
	}
	m, found := s.webhookMessage(in, rq.params["message_id"])
	if !found {
		return notFound(CodeUnknownMessage, "Message")
	}
	raw, files, err := readPayload(rq)
	if err != nil {
		return badJSON()
	}
	mc, r, valid := parseMessage(raw, files)
	if !valid {
		return r
	}
	next := m.clone()
	st.applyEdit(&next, mc)
	if next.Flags&FlagLoading != 0 {
		next.Flags &^= FlagLoading // the deferred "thinking" message becomes the real answer
	} else {
		next.EditedTimestamp = time.Now().UTC()
		next.EditCount++
	}
	next.Ephemeral = m.Ephemeral // ephemerality is fixed when the message is created
	*m = next
	s.recordFollowup(in, "edit", m, rq.params["message_id"] == "@original", raw, mc)
	return ok(st.messageJSON(m))
}

func (s *Server) hDeleteWebhookMessage(rq *request) response {
	st := s.st
	in, r, found := s.webhookInteraction(rq)
	if !found {
		return r
	}
	m, found := s.webhookMessage(in, rq.params["message_id"])
	if !found {
		return notFound(CodeUnknownMessage, "Message")
	}
	delete(st.messages, m.ID)
	ids := st.channelMsgs[m.ChannelID]
	for i, id := range ids {
		if id == m.ID {
			st.channelMsgs[m.ChannelID] = append(ids[:i:i], ids[i+1:]...)
			break
		}
	}
	s.recordFollowup(in, "delete", m, rq.params["message_id"] == "@original", nil, messageContent{})
	return noContent()
}

// InteractionResponses returns the accepted callbacks for an interaction (at most one on
// success; rejected attempts appear only in RequestLog).
func (s *Server) InteractionResponses(interactionID string) []InteractionResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []InteractionResponse
	for _, r := range s.st.responses[interactionID] {
		r.Raw = append(json.RawMessage(nil), r.Raw...)
		r.Embeds = append(json.RawMessage(nil), r.Embeds...)
		r.Components = append(json.RawMessage(nil), r.Components...)
		r.Attachments = cloneAttachments(r.Attachments)
		out = append(out, r)
	}
	return out
}

// Followups returns the accepted follow-up calls (create/edit/delete) for an interaction token.
func (s *Server) Followups(token string) []Followup {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Followup
	for _, f := range s.st.followups[token] {
		f.Raw = append(json.RawMessage(nil), f.Raw...)
		f.Embeds = append(json.RawMessage(nil), f.Embeds...)
		f.Components = append(json.RawMessage(nil), f.Components...)
		f.Attachments = cloneAttachments(f.Attachments)
		out = append(out, f)
	}
	return out
}
