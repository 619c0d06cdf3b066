package discordfake

import (
	"strings"
	"time"
)

// CommandOption is one option of a dispatched application command. Build it with the helpers
// below; sub-command groups and sub-commands nest their options.
type CommandOption struct {
	Name    string
	Type    int // 1 sub-command, 2 group, 3 string, 4 integer, 5 boolean, 6 user, 7 channel, 8 role, 10 number
	Value   any
	Options []CommandOption
}

func SubCommandGroup(name string, opts ...CommandOption) CommandOption {
	return CommandOption{Name: name, Type: 2, Options: opts}
}
func SubCommand(name string, opts ...CommandOption) CommandOption {
	return CommandOption{Name: name, Type: 1, Options: opts}
}
func StringOption(name, v string) CommandOption { return CommandOption{Name: name, Type: 3, Value: v} }
func IntegerOption(name string, v int64) CommandOption {
	return CommandOption{Name: name, Type: 4, Value: v}
}
func BoolOption(name string, v bool) CommandOption {
	return CommandOption{Name: name, Type: 5, Value: v}
}

// UserOption's user is resolved (data.resolved.users, and .members in a guild) from seeded users.
func UserOption(name, userID string) CommandOption {
	return CommandOption{Name: name, Type: 6, Value: userID}
}
func ChannelOption(name, channelID string) CommandOption {
	return CommandOption{Name: name, Type: 7, Value: channelID}
}
func RoleOption(name, roleID string) CommandOption {
	return CommandOption{Name: name, Type: 8, Value: roleID}
}
func NumberOption(name string, v float64) CommandOption {
	return CommandOption{Name: name, Type: 10, Value: v}
}

// InteractionSpec describes an INTERACTION_CREATE to dispatch. Set Command for an application
// command (type 2) or CustomID for a message component (type 3). GuildID "" means a DM: the
// payload then carries "user" instead of "member".
type InteractionSpec struct {
	GuildID   string
	ChannelID string
	UserID    string

	Command   string
	CommandID string // default: the registered command's id, else a fresh one
	Options   []CommandOption

	CustomID      string
	ComponentType int      // default 2 (button); 3 string select
	Values        []string // select menu values
	MessageID     string   // the message the component is attached to
}

// InteractionRef identifies a dispatched interaction for the callback and follow-up routes.
type InteractionRef struct {
	ID    string
	Token string
	Seq   int64 // gateway sequence, 0 if queued until the bot identifies
}

// interaction is the fake's record of a dispatched interaction.
type interaction struct {
	id, token    string
	typ          int
	guildID      string
	channelID    string
	userID       string
	messageID    string
	dispatchedAt time.Time
	acked        bool
	ackType      int
	originalID   string // message behind @original, once acknowledged
}

// DispatchInteraction builds an INTERACTION_CREATE like Discord's and dispatches it. The
// response deadline (3 s by default) runs from this call.
func (s *Server) DispatchInteraction(spec InteractionSpec) InteractionRef {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	u := st.users[spec.UserID]
	if u == nil {
		panic("discordfake: DispatchInteraction by unknown user " + spec.UserID)
	}
	in := &interaction{id: st.nextID(), guildID: spec.GuildID, channelID: spec.ChannelID,
		userID: spec.UserID, messageID: spec.MessageID}
	in.token = "fake-itoken-" + in.id
	payload := obj{
		"id": in.id, "application_id": s.cfg.appID, "token": in.token, "version": 1,
		"channel_id": spec.ChannelID, "locale": "en-US", "entitlements": []any{},
		"app_permissions": permString(s.appPermissions(spec.ChannelID)),
	}
	if c := st.channels[spec.ChannelID]; c != nil {
		payload["channel"] = st.channelJSON(c)
	}
	if spec.GuildID != "" {
		m := st.member(spec.GuildID, spec.UserID)
		if m == nil {
			panic("discordfake: DispatchInteraction by non-member " + spec.UserID + " of guild " + spec.GuildID)
		}
		mj := memberJSON(m)
		mj["permissions"] = permString(s.userPermissions(spec.ChannelID, spec.UserID))
		payload["guild_id"], payload["member"], payload["guild_locale"], payload["context"] = spec.GuildID, mj, "en-US", 0
	} else {
		payload["user"], payload["context"] = userJSON(u), 1
	}
	switch {
	case spec.Command != "":
		in.typ = 2
		payload["data"] = s.commandData(spec)
	case spec.CustomID != "":
		in.typ = 3
		ct := spec.ComponentType
		if ct == 0 {
			ct = 2
		}
		data := obj{"custom_id": spec.CustomID, "component_type": ct}
		if spec.Values != nil {
			data["values"] = spec.Values
		}
		payload["data"] = data
		if m := st.messages[spec.MessageID]; m != nil {
			payload["message"] = st.messageJSON(m)
		} else if spec.MessageID != "" {
			payload["message"] = obj{"id": spec.MessageID, "channel_id": spec.ChannelID, "content": "", "type": 0}
		}
	default:
		panic("discordfake: InteractionSpec needs Command or CustomID")
	}
	payload["type"] = in.typ
	in.dispatchedAt = time.Now()
	st.interacts[in.id] = in
	st.byToken[in.token] = in
	seq := s.gw.dispatch("INTERACTION_CREATE", payload)
	defer s.changed()
	return InteractionRef{ID: in.id, Token: in.token, Seq: seq}
}

// appPermissions and userPermissions give channel permissions, or the guild-level ones when
// the channel is not seeded.
func (s *Server) appPermissions(channelID string) int64 {
	return s.userPermissions(channelID, s.cfg.botID)
}

func (s *Server) userPermissions(channelID, userID string) int64 {
	if c := s.st.channels[channelID]; c != nil {
		return s.st.channelPermissions(c, userID)
	}
	return 0
}

// commandData builds interaction.data for an application command, resolving user, channel and
// role options the way Discord does (data.resolved).
func (s *Server) commandData(spec InteractionSpec) obj {
	st := s.st
	id := spec.CommandID
	var guildCmd bool
	if id == "" {
		for _, scope := range []string{spec.GuildID, ""} {
			for _, c := range st.commands[scope] {
				if c.Name == spec.Command && c.Type == 1 && id == "" {
					id, guildCmd = c.ID, scope != ""
				}
			}
		}
	}
	if id == "" {
		id = st.nextID()
	}
	resolved := obj{}
	add := func(kind, key string, v any) {
		m, _ := resolved[kind].(obj)
		if m == nil {
			m = obj{}
			resolved[kind] = m
		}
		m[key] = v
	}
	var build func([]CommandOption) []obj
	build = func(opts []CommandOption) []obj {
		out := []obj{}
		for _, o := range opts {
			oj := obj{"name": o.Name, "type": o.Type}
			if o.Type == 1 || o.Type == 2 {
				oj["options"] = build(o.Options)
				out = append(out, oj)
				continue
			}
			oj["value"] = o.Value
			ref, _ := o.Value.(string)
			switch o.Type {
			case 6:
				add("users", ref, st.userJSONByID(ref))
				if m := st.member(spec.GuildID, ref); m != nil {
					mj := memberJSON(m)
					delete(mj, "user") // resolved members are partial: no user, plus permissions
					mj["permissions"] = permString(s.userPermissions(spec.ChannelID, ref))
					add("members", ref, mj)
				}
			case 7:
				if c := st.channels[ref]; c != nil {
					add("channels", ref, obj{"id": c.ID, "name": c.Name, "type": c.Type,
						"parent_id": nullable(c.ParentID), "permissions": permString(s.appPermissions(ref))})
				}
			case 8:
				if g := st.guilds[spec.GuildID]; g != nil {
					for i, r := range g.roles {
						if r.ID == ref {
							add("roles", ref, roleJSON(r, i, i == 1))
						}
					}
				}
			}
			out = append(out, oj)
		}
		return out
	}
	data := obj{"id": id, "name": spec.Command, "type": 1, "options": build(spec.Options)}
	if len(resolved) > 0 {
		data["resolved"] = resolved
	}
	if guildCmd {
		data["guild_id"] = spec.GuildID
	}
	return data
}

// DispatchReactionAdd dispatches MESSAGE_REACTION_ADD and records the reaction on the stored
// message (if the fake has it). emoji is a unicode emoji or "name:id" for a custom one.
func (s *Server) DispatchReactionAdd(guildID, channelID, messageID, userID, emoji string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	name, id, _ := strings.Cut(emoji, ":")
	data := obj{
		"user_id": userID, "channel_id": channelID, "message_id": messageID,
		"emoji": obj{"id": nullable(id), "name": name}, "burst": false, "type": 0,
	}
	if guildID != "" {
		data["guild_id"] = guildID
		if m := st.member(guildID, userID); m != nil {
			data["member"] = memberJSON(m)
		}
	}
	if m := st.messages[messageID]; m != nil {
		st.addReaction(m, emoji, userID)
		data["message_author_id"] = m.AuthorID
	}
	seq := s.gw.dispatch("MESSAGE_REACTION_ADD", data)
	defer s.changed()
	return seq
}

// DispatchMessageCreate stores a message from userID in channelID and dispatches
// MESSAGE_CREATE. Returns the new message id.
func (s *Server) DispatchMessageCreate(channelID, userID, content string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	c := st.channels[channelID]
	if c == nil {
		panic("discordfake: DispatchMessageCreate to unknown channel " + channelID)
	}
	m := &Message{ID: st.nextID(), ChannelID: channelID, GuildID: c.GuildID, AuthorID: userID,
		Content: content, Timestamp: time.Now().UTC()}
	st.addMessage(m)
	s.gw.dispatch("MESSAGE_CREATE", st.messageEventJSON(m))
	defer s.changed()
	return m.ID
}
