package discordfake

import (
	"fmt"
	"time"
)

// Seed helpers set up the world directly, bypassing permissions, limits and faults. They panic on
// inconsistent input (unknown guild, duplicate id) because that is a bug in the test itself.

// AddGuild creates a guild with its @everyone role (id = guild id), a managed role for the bot
// holding the bot permissions, and the bot as a member. Seed before Open so READY and
// GUILD_CREATE include it.
func (s *Server) AddGuild(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	if st.guilds[id] != nil {
		panic(fmt.Sprintf("discordfake: guild %s already exists", id))
	}
	g := &guildState{Guild: Guild{ID: id, Name: name}, members: map[string]*Member{}}
	g.roles = []*Role{
		{ID: id, Name: "@everyone", Permissions: DefaultEveryonePermissions},
		{ID: st.nextID(), Name: st.cfg.botName, Permissions: st.cfg.botPermissions},
	}
	st.guilds[id] = g
	st.guildOrder = append(st.guildOrder, id)
	s.addMemberLocked(id, st.cfg.botID, st.cfg.botName, g.roles[1].ID)
}

// AddRole adds a role to a guild and returns its id.
func (s *Server) AddRole(guildID, name string, permissions int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	id := s.st.nextID()
	g.roles = append(g.roles, &Role{ID: id, Name: name, Permissions: permissions})
	return id
}

// AddMember adds (or updates) a human member of a guild, creating the user if needed.
func (s *Server) AddMember(guildID, userID, username string, roleIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustGuild(guildID)
	s.addMemberLocked(guildID, userID, username, roleIDs...)
}

func (s *Server) addMemberLocked(guildID, userID, username string, roleIDs ...string) {
	st := s.st
	u := st.users[userID]
	if u == nil {
		u = &User{ID: userID, Username: username}
		st.users[userID] = u
	}
	g := st.guilds[guildID]
	if g.members[userID] == nil {
		g.memberOrder = append(g.memberOrder, userID)
	}
	g.members[userID] = &Member{User: *u, Roles: append([]string(nil), roleIDs...), JoinedAt: time.Now().UTC()}
}

// AddUser registers a user who shares no guild with the bot (e.g. a DM-only responder).
func (s *Server) AddUser(userID, username string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.users[userID] == nil {
		s.st.users[userID] = &User{ID: userID, Username: username}
	}
}

// SetGuildOwner makes userID (who must be a member) the guild owner, who has every permission.
func (s *Server) SetGuildOwner(guildID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustGuild(guildID).OwnerID = userID
}

// AddChannel creates a channel directly (no limits, no permission checks) and returns its id.
// parentID may be "" or a category id.
func (s *Server) AddChannel(guildID, name string, channelType int, parentID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustGuild(guildID)
	c := &Channel{ID: s.st.nextID(), GuildID: guildID, Name: name, Type: channelType, ParentID: parentID}
	c.Position = len(s.st.channelsOf(guildID))
	s.st.channels[c.ID] = c
	s.st.channelOrder = append(s.st.channelOrder, c.ID)
	return c.ID
}

// AddMessage stores a message from authorID in a channel without dispatching MESSAGE_CREATE
// (e.g. the message a reaction test will point at). Returns the message id.
func (s *Server) AddMessage(channelID, authorID, content string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.channels[channelID]
	if c == nil {
		panic("discordfake: AddMessage to unknown channel " + channelID)
	}
	m := &Message{ID: s.st.nextID(), ChannelID: channelID, GuildID: c.GuildID, AuthorID: authorID,
		Content: content, Timestamp: time.Now().UTC()}
	s.st.addMessage(m)
	return m.ID
}

// BlockDMs makes messages to userID's DM channel fail with 403 50007 "Cannot send messages to
// this user", as when a user has DMs from server members turned off.
func (s *Server) BlockDMs(userID string, blocked bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.blockedDMs[userID] = blocked
}

func (s *Server) mustGuild(id string) *guildState {
	g := s.st.guilds[id]
	if g == nil {
		panic("discordfake: unknown guild " + id)
	}
	return g
}
