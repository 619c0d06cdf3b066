package discordfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CodeDMAction is Discord's "Cannot execute action on a DM channel".
const CodeDMAction = 50003

// channelPayload is the create/edit body. Pointer and raw fields distinguish "absent" from
// "explicit null" (parent_id: null moves a channel out of its category).
type channelPayload struct {
	Name                 *string             `json:"name"`
	Type                 *int                `json:"type"`
	Topic                json.RawMessage     `json:"topic"`
	Position             *int                `json:"position"`
	NSFW                 *bool               `json:"nsfw"`
	RateLimitPerUser     *int                `json:"rate_limit_per_user"`
	ParentID             json.RawMessage     `json:"parent_id"`
	PermissionOverwrites *[]overwritePayload `json:"permission_overwrites"`
}

// rawString decodes a JSON string-or-null field; set reports whether the key was present.
func rawString(r json.RawMessage) (val string, set bool, okay bool) {
	if len(r) == 0 {
		return "", false, true
	}
	if string(r) == "null" {
		return "", true, true
	}
	err := json.Unmarshal(r, &val)
	return val, true, err == nil
}

// normalizeChannelName mimics Discord for text/announcement channels: lower case, whitespace to
// "-", most ASCII punctuation dropped. It is an approximation of Discord's rules, enough to catch
// a bot that expects the name it sent back verbatim.
func normalizeChannelName(name string, typ int) string {
	if typ != ChannelText && typ != ChannelAnnouncement {
		return name
	}
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case unicode.IsSpace(r):
			b.WriteRune('-')
		case r < 128 && unicode.IsPunct(r) && r != '-' && r != '_':
		case r < 128 && unicode.IsSymbol(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (s *Server) hListChannels(rq *request) response {
	gid := rq.params["guild_id"]
	if s.st.guilds[gid] == nil {
		return notFound(CodeUnknownGuild, "Guild")
	}
	out := []obj{}
	for _, c := range s.st.channelsOf(gid) {
		out = append(out, s.st.channelJSON(c))
	}
	return ok(out)
}

func (s *Server) hGetChannel(rq *request) response {
	c := s.st.channels[rq.params["channel_id"]]
	if c == nil {
		return notFound(CodeUnknownChannel, "Channel")
	}
	if r, allowed := s.st.botCan(c, PermViewChannel); !allowed {
		return r
	}
	return ok(s.st.channelJSON(c))
}

// checkParent validates a parent category and the 50-per-category limit (Discord reports the
// latter as 50035 CHANNEL_PARENT_MAX_CHANNELS on parent_id, not as a 300xx code).
func (st *state) checkParent(guildID, parentID, movingID string, typ int) (response, bool) {
	if parentID == "" {
		return response{}, true
	}
	if typ == ChannelCategory {
		return formErr("parent_id", "CHANNEL_PARENT_INVALID_TYPE", "Categories cannot have subcategories"), false
	}
	p := st.channels[parentID]
	if p == nil || p.GuildID != guildID || p.Type != ChannelCategory {
		return formErr("parent_id", "CHANNEL_PARENT_INVALID_TYPE", "Not a category"), false
	}
	n := 0
	for _, c := range st.channelsOf(guildID) {
		if c.ParentID == parentID && c.ID != movingID {
			n++
		}
	}
	if n >= st.cfg.categoryLimit {
		return formErr("parent_id", "CHANNEL_PARENT_MAX_CHANNELS",
			fmt.Sprintf("Maximum number of channels in category reached (%d)", st.cfg.categoryLimit)), false
	}
	return response{}, true
}

func (s *Server) hCreateChannel(rq *request) response {
	st := s.st
	gid := rq.params["guild_id"]
	if st.guilds[gid] == nil {
		return notFound(CodeUnknownGuild, "Guild")
	}
	if st.basePermissions(gid, st.cfg.botID)&PermManageChannels == 0 {
		return missingPermissions()
	}
	var p channelPayload
	if !decodeJSON(rq.body, &p) {
		return badJSON()
	}
	if p.Name == nil || utf8.RuneCountInString(*p.Name) < 1 || utf8.RuneCountInString(*p.Name) > 100 {
		return formErr("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
	}
	typ := ChannelText
	if p.Type != nil {
		typ = *p.Type
	}
	switch typ {
	case ChannelText, ChannelVoice, ChannelCategory, ChannelAnnouncement, 13, 15, 16:
	default:
		return formErr("type", "BASE_TYPE_CHOICES", fmt.Sprintf("Value must be one of {0, 2, 4, 5, 13, 15, 16}. Got %d", typ))
	}
	topic, _, good := rawString(p.Topic)
	if !good {
		return badJSON()
	}
	if utf8.RuneCountInString(topic) > 1024 {
		return formErr("topic", "BASE_TYPE_MAX_LENGTH", "Must be 1024 or fewer in length.")
	}
	parentID, _, good := rawString(p.ParentID)
	if !good {
		return badJSON()
	}
	if r, fine := st.checkParent(gid, parentID, "", typ); !fine {
		return r
	}
	if len(st.channelsOf(gid)) >= st.cfg.guildLimit {
		return errResp(http.StatusBadRequest, CodeMaxGuildChannels,
			fmt.Sprintf("Maximum number of guild channels reached (%d)", st.cfg.guildLimit))
	}
	var ows []Overwrite
	if p.PermissionOverwrites != nil {
		for i, op := range *p.PermissionOverwrites {
			o, good := op.toOverwrite("")
			if !good {
				return formErr(fmt.Sprintf("permission_overwrites.%d", i), "BASE_TYPE_REQUIRED", "Invalid overwrite")
			}
			ows = append(ows, o)
		}
		if st.basePermissions(gid, st.cfg.botID)&PermManageRoles == 0 {
			return missingPermissions()
		}
		if r, fine := st.checkOverwriteBits(gid, ows); !fine {
			return r
		}
	} else if parentID != "" {
		// Discord syncs a new channel to its category when no overwrites are given.
		ows = append([]Overwrite(nil), st.channels[parentID].Overwrites...)
	}
	c := &Channel{
		ID: st.nextID(), GuildID: gid, Name: normalizeChannelName(*p.Name, typ), Type: typ,
		Topic: topic, ParentID: parentID, Overwrites: ows, Position: len(st.channelsOf(gid)),
	}
	if p.NSFW != nil {
		c.NSFW = *p.NSFW
	}
	if p.RateLimitPerUser != nil {
		c.RateLimitPerUser = *p.RateLimitPerUser
	}
	if p.Position != nil {
		c.Position = *p.Position
	}
	st.channels[c.ID] = c
	st.channelOrder = append(st.channelOrder, c.ID)
	s.echo("CHANNEL_CREATE", st.channelJSON(c))
	return response{status: http.StatusCreated, body: st.channelJSON(c)}
}

func (s *Server) hEditChannel(rq *request) response {
	st := s.st
	c := st.channels[rq.params["channel_id"]]
	if c == nil {
		return notFound(CodeUnknownChannel, "Channel")
	}
	if c.Type == ChannelDM {
		return errResp(http.StatusForbidden, CodeDMAction, "Cannot execute action on a DM channel")
	}
	if r, allowed := st.botCan(c, PermManageChannels); !allowed {
		return r
	}
	var p channelPayload
	if !decodeJSON(rq.body, &p) {
		return badJSON()
	}
	// Validate everything first so a rejected edit changes nothing.
	next := c.clone()
	if p.Name != nil {
		if n := utf8.RuneCountInString(*p.Name); n < 1 || n > 100 {
			return formErr("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
		next.Name = normalizeChannelName(*p.Name, c.Type)
	}
	if topic, set, good := rawString(p.Topic); !good {
		return badJSON()
	} else if set {
		if utf8.RuneCountInString(topic) > 1024 {
			return formErr("topic", "BASE_TYPE_MAX_LENGTH", "Must be 1024 or fewer in length.")
		}
		next.Topic = topic
	}
	if parentID, set, good := rawString(p.ParentID); !good {
		return badJSON()
	} else if set && parentID != c.ParentID {
		if r, fine := st.checkParent(c.GuildID, parentID, c.ID, c.Type); !fine {
			return r
		}
		next.ParentID = parentID
	}
	if p.PermissionOverwrites != nil {
		next.Overwrites = nil
		for i, op := range *p.PermissionOverwrites {
			o, good := op.toOverwrite("")
			if !good {
				return formErr(fmt.Sprintf("permission_overwrites.%d", i), "BASE_TYPE_REQUIRED", "Invalid overwrite")
			}
			next.Overwrites = append(next.Overwrites, o)
		}
		if r, allowed := st.botCan(c, PermManageRoles); !allowed {
			return r
		}
		if r, fine := st.checkOverwriteBits(c.GuildID, next.Overwrites); !fine {
			return r
		}
	}
	if p.Position != nil {
		next.Position = *p.Position
	}
	if p.NSFW != nil {
		next.NSFW = *p.NSFW
	}
	if p.RateLimitPerUser != nil {
		next.RateLimitPerUser = *p.RateLimitPerUser
	}
	*c = next
	s.echo("CHANNEL_UPDATE", st.channelJSON(c))
	return ok(st.channelJSON(c))
}

// hDeleteChannel deletes a channel (or closes a DM). Children of a deleted category become
// uncategorized, as on Discord.
func (s *Server) hDeleteChannel(rq *request) response {
	st := s.st
	c := st.channels[rq.params["channel_id"]]
	if c == nil {
		return notFound(CodeUnknownChannel, "Channel")
	}
	if c.Type != ChannelDM {
		if r, allowed := st.botCan(c, PermManageChannels); !allowed {
			return r
		}
	}
	body := st.channelJSON(c)
	if c.Type == ChannelDM {
		return ok(body) // closing a DM keeps it; reopening returns the same channel
	}
	if c.Type == ChannelCategory {
		for _, child := range st.channelsOf(c.GuildID) {
			if child.ParentID == c.ID {
				child.ParentID = ""
			}
		}
	}
	delete(st.channels, c.ID)
	st.deleted = append(st.deleted, c)
	s.echo("CHANNEL_DELETE", body)
	return ok(body)
}
