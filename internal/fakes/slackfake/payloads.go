package slackfake

import (
	"encoding/json"
	"net/url"
	"strings"
)

// Payload builders shared by the Socket Mode senders and the HTTP-mode
// helpers, so both transports carry identical bodies. Empty fields are
// filled from the workspace so callers only state what their test is about.

// verificationToken is the deprecated per-app token Slack still puts in
// payloads; slack-go ignores it when told OptionNoVerifyToken.
const verificationToken = "fake-verification-token"

// SlashCommandFields describes one slash command invocation.
type SlashCommandFields struct {
	Command     string // "/incident"
	Text        string
	ChannelID   string
	ChannelName string // defaults to the channel's name
	UserID      string
	UserName    string // defaults to the user's name
	TriggerID   string // generated when empty
	ResponseURL string // a fresh response_url on this fake when empty
	TeamID      string
	TeamDomain  string
	APIAppID    string
}

// PrepareSlashCommand returns cmd with every empty field defaulted, e.g. to
// learn the response_url before sending.
func (s *Server) PrepareSlashCommand(cmd SlashCommandFields) SlashCommandFields {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cmd.ChannelName == "" {
		if c, ok := s.channels[cmd.ChannelID]; ok {
			cmd.ChannelName = c.name
			if c.im {
				cmd.ChannelName = "directmessage"
			}
		}
	}
	if cmd.UserName == "" {
		if u, ok := s.users[cmd.UserID]; ok {
			cmd.UserName = u.name
		}
	}
	if cmd.TriggerID == "" {
		cmd.TriggerID = s.triggerIDLocked()
	}
	if cmd.ResponseURL == "" {
		cmd.ResponseURL = s.newResponseURLLocked(cmd.ChannelID)
	}
	cmd.TeamID = or(cmd.TeamID, s.cfg.teamID)
	cmd.TeamDomain = or(cmd.TeamDomain, "fake")
	cmd.APIAppID = or(cmd.APIAppID, s.cfg.appID)
	return cmd
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func (s *Server) triggerIDLocked() string {
	return s.newIDLocked("1337.") + ".fake"
}

// fields lists the wire names; the form and JSON shapes use the same keys.
func (f SlashCommandFields) fields() map[string]string {
	return map[string]string{
		"token": verificationToken, "team_id": f.TeamID, "team_domain": f.TeamDomain,
		"channel_id": f.ChannelID, "channel_name": f.ChannelName, "user_id": f.UserID,
		"user_name": f.UserName, "command": f.Command, "text": f.Text,
		"response_url": f.ResponseURL, "trigger_id": f.TriggerID, "api_app_id": f.APIAppID,
		"is_enterprise_install": "false",
	}
}

// Form is the url-encoded body Slack POSTs in HTTP mode.
func (f SlashCommandFields) Form() url.Values {
	v := url.Values{}
	for k, x := range f.fields() {
		v.Set(k, x)
	}
	return v
}

// JSON is the Socket Mode payload (slack.SlashCommand's JSON shape).
func (f SlashCommandFields) JSON() json.RawMessage {
	b, _ := json.Marshal(f.fields())
	return b
}

// EventCallback wraps an inner event in the Events API outer envelope. An
// empty eventID gets a fresh one; reuse the returned id to model a retry.
func (s *Server) EventCallback(inner any, eventID string) (json.RawMessage, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.eventCallbackLocked(inner, eventID, "")
}

// eventCallbackLocked builds the outer body; an empty teamID is this workspace.
func (s *Server) eventCallbackLocked(inner any, eventID, teamID string) (json.RawMessage, string) {
	if eventID == "" {
		eventID = s.newIDLocked("Ev")
	}
	teamID = or(teamID, s.cfg.teamID)
	b, err := json.Marshal(map[string]any{
		"token":                 verificationToken,
		"team_id":               teamID,
		"api_app_id":            s.cfg.appID,
		"event":                 inner,
		"type":                  "event_callback",
		"event_id":              eventID,
		"event_time":            s.now().Unix(),
		"event_context":         "4-fake-" + eventID,
		"is_ext_shared_channel": false,
		"authorizations": []map[string]any{{
			"team_id": teamID, "user_id": s.cfg.botUserID, "is_bot": true, "is_enterprise_install": false,
		}},
	})
	if err != nil {
		panic("slackfake: inner event is not JSON-marshalable: " + err.Error())
	}
	return b, eventID
}

// ReactionAdded describes a reaction_added event.
type ReactionAdded struct {
	User     string // who reacted
	Reaction string // emoji name without colons, e.g. "rotating_light"
	Channel  string
	TS       string // the reacted message
	ItemUser string // defaults to the message's author when the fake knows it
	EventID  string // fresh when empty; reuse to model Slack retrying the same event
	// RetryAttempt and RetryReason mark a redelivery (Socket Mode envelope
	// fields; the HTTP helpers send them as X-Slack-Retry-* headers).
	RetryAttempt int
	RetryReason  string
	// TeamID overrides the workspace the event claims to come from, to model
	// an app installed in several workspaces.
	TeamID string
}

// ReactionAddedEvent builds the full event_callback body for r.
func (s *Server) ReactionAddedEvent(r ReactionAdded) (json.RawMessage, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.ItemUser == "" {
		if c, ok := s.channels[r.Channel]; ok {
			if m := s.findMessageLocked(c, r.TS); m != nil {
				r.ItemUser = m.user
			}
		}
	}
	inner := map[string]any{
		"type":      "reaction_added",
		"user":      r.User,
		"reaction":  strings.Trim(r.Reaction, ":"),
		"item_user": r.ItemUser,
		"item":      map[string]any{"type": "message", "channel": r.Channel, "ts": r.TS},
		"event_ts":  s.nextTSLocked(),
	}
	return s.eventCallbackLocked(inner, r.EventID, r.TeamID)
}

// BlockAction describes a click on an interactive element in a message.
type BlockAction struct {
	UserID     string
	ChannelID  string
	MessageTS  string // the message holding the element
	ActionID   string
	BlockID    string // defaults to "block-"+ActionID; slack-go needs a string block_id
	Value      string
	ActionType string // defaults to "button"
	// ResponseURL defaults to a fresh response_url; TriggerID to a fresh id.
	ResponseURL string
	TriggerID   string
	// TeamID overrides the workspace the click claims to come from.
	TeamID string
}

// BlockActionsPayload builds the interactive payload (the JSON that Slack
// puts in the "payload" form field, or in the Socket Mode envelope).
func (s *Server) BlockActionsPayload(a BlockAction) json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	a.BlockID = or(a.BlockID, "block-"+a.ActionID)
	a.ActionType = or(a.ActionType, "button")
	if a.ResponseURL == "" {
		a.ResponseURL = s.newResponseURLLocked(a.ChannelID)
	}
	if a.TriggerID == "" {
		a.TriggerID = s.triggerIDLocked()
	}
	userName, chName := "", ""
	if u, ok := s.users[a.UserID]; ok {
		userName = u.name
	}
	actionTS := s.nextTSLocked()
	p := map[string]any{
		"type":         "block_actions",
		"token":        verificationToken,
		"api_app_id":   s.cfg.appID,
		"trigger_id":   a.TriggerID,
		"response_url": a.ResponseURL,
		"team":         map[string]any{"id": or(a.TeamID, s.cfg.teamID), "domain": "fake"},
		"user":         map[string]any{"id": a.UserID, "username": userName, "name": userName, "team_id": or(a.TeamID, s.cfg.teamID)},
		"container": map[string]any{
			"type": "message", "message_ts": a.MessageTS, "channel_id": a.ChannelID, "is_ephemeral": false,
		},
		"actions": []map[string]any{{
			"type": a.ActionType, "action_id": a.ActionID, "block_id": a.BlockID,
			"value": a.Value, "action_ts": actionTS,
			"text": map[string]any{"type": "plain_text", "text": a.Value},
		}},
		"state": map[string]any{"values": map[string]any{}},
	}
	if c, ok := s.channels[a.ChannelID]; ok {
		chName = c.name
		if m := s.findMessageLocked(c, a.MessageTS); m != nil {
			p["message"] = s.messageJSON(c, m)
		}
	}
	p["channel"] = map[string]any{"id": a.ChannelID, "name": chName}
	b, _ := json.Marshal(p)
	return b
}

// SendSlashCommand delivers a slash_commands envelope and returns its id.
func (s *Server) SendSlashCommand(cmd SlashCommandFields) string {
	cmd = s.PrepareSlashCommand(cmd)
	return s.enqueue("slash_commands", cmd.JSON(), true, 0, "")
}

// SendEvent delivers an events_api envelope around a full outer
// event_callback body (see EventCallback) and returns the envelope id.
func (s *Server) SendEvent(outer json.RawMessage, retryAttempt int, retryReason string) string {
	return s.enqueue("events_api", outer, false, retryAttempt, retryReason)
}

// SendReactionAdded delivers a reaction_added event; it returns the envelope
// id and the event_id (pass that back in r.EventID to model a retry).
func (s *Server) SendReactionAdded(r ReactionAdded) (envelopeID, eventID string) {
	body, eventID := s.ReactionAddedEvent(r)
	return s.SendEvent(body, r.RetryAttempt, r.RetryReason), eventID
}

// SendInteraction delivers an interactive envelope around payload.
func (s *Server) SendInteraction(payload json.RawMessage) string {
	return s.enqueue("interactive", payload, false, 0, "")
}

// SendBlockAction is SendInteraction(BlockActionsPayload(a)).
func (s *Server) SendBlockAction(a BlockAction) string {
	return s.SendInteraction(s.BlockActionsPayload(a))
}
