package discordfake

// Permission bits (Discord's numbering) the fake checks or hands out.
const (
	PermCreateInstantInvite    int64 = 1 << 0
	PermAdministrator          int64 = 1 << 3
	PermManageChannels         int64 = 1 << 4
	PermAddReactions           int64 = 1 << 6
	PermViewChannel            int64 = 1 << 10
	PermSendMessages           int64 = 1 << 11
	PermManageMessages         int64 = 1 << 13
	PermEmbedLinks             int64 = 1 << 14
	PermAttachFiles            int64 = 1 << 15
	PermReadMessageHistory     int64 = 1 << 16
	PermMentionEveryone        int64 = 1 << 17
	PermUseExternalEmojis      int64 = 1 << 18
	PermConnect                int64 = 1 << 20
	PermSpeak                  int64 = 1 << 21
	PermChangeNickname         int64 = 1 << 26
	PermManageRoles            int64 = 1 << 28
	PermUseApplicationCommands int64 = 1 << 31
	PermManageThreads          int64 = 1 << 34
	PermCreatePublicThreads    int64 = 1 << 35
	PermSendMessagesInThreads  int64 = 1 << 38

	// PermAll is every permission bit Discord defines today (bits 0..50).
	PermAll int64 = 1<<51 - 1
)

// DefaultEveryonePermissions approximates a new guild's @everyone role.
const DefaultEveryonePermissions = PermCreateInstantInvite | PermAddReactions | PermViewChannel |
	PermSendMessages | PermEmbedLinks | PermAttachFiles | PermReadMessageHistory |
	PermUseExternalEmojis | PermConnect | PermSpeak | PermChangeNickname |
	PermUseApplicationCommands | PermCreatePublicThreads | PermSendMessagesInThreads

// DefaultBotPermissions is what an incident bot is typically invited with: enough to manage
// channels and overwrites, but not Administrator, so a private channel that forgets to allow
// the bot really locks it out (403 Missing Access), as on Discord.
const DefaultBotPermissions = PermManageChannels | PermManageRoles | PermViewChannel |
	PermSendMessages | PermEmbedLinks | PermAttachFiles | PermReadMessageHistory |
	PermAddReactions | PermManageMessages | PermMentionEveryone | PermUseApplicationCommands |
	PermManageThreads | PermCreatePublicThreads | PermSendMessagesInThreads

// basePermissions is the guild-level permission set (roles only, no channel overwrites).
func (st *state) basePermissions(guildID, userID string) int64 {
	g := st.guilds[guildID]
	if g == nil {
		return 0
	}
	m := g.members[userID]
	if m == nil {
		return 0
	}
	if g.OwnerID == userID {
		return PermAll
	}
	var p int64
	for _, r := range g.roles {
		if r.ID == guildID {
			p |= r.Permissions
		}
	}
	for _, rid := range m.Roles {
		for _, r := range g.roles {
			if r.ID == rid {
				p |= r.Permissions
			}
		}
	}
	if p&PermAdministrator != 0 {
		return PermAll
	}
	return p
}

// channelPermissions follows Discord's documented algorithm: base, then @everyone overwrite,
// then the union of role overwrites, then the member overwrite; no VIEW_CHANNEL means nothing.
func (st *state) channelPermissions(c *Channel, userID string) int64 {
	if c.GuildID == "" {
		return PermAll &^ PermAdministrator // DMs are not permission-gated
	}
	base := st.basePermissions(c.GuildID, userID)
	if base == PermAll {
		return PermAll
	}
	m := st.member(c.GuildID, userID)
	if m == nil {
		return 0
	}
	p := base
	for _, o := range c.Overwrites {
		if o.Type == 0 && o.ID == c.GuildID {
			p = p&^o.Deny | o.Allow
		}
	}
	var allow, deny int64
	for _, o := range c.Overwrites {
		if o.Type != 0 {
			continue
		}
		for _, rid := range m.Roles {
			if o.ID == rid {
				allow |= o.Allow
				deny |= o.Deny
			}
		}
	}
	p = p&^deny | allow
	for _, o := range c.Overwrites {
		if o.Type == 1 && o.ID == userID {
			p = p&^o.Deny | o.Allow
		}
	}
	if p&PermViewChannel == 0 {
		return 0
	}
	return p
}

// botCan checks the bot's permission in a channel and returns the Discord error to send when it
// is missing: 50001 Missing Access without VIEW_CHANNEL, else 50013 Missing Permissions.
func (st *state) botCan(c *Channel, need int64) (response, bool) {
	p := st.channelPermissions(c, st.cfg.botID)
	if p&PermViewChannel == 0 {
		return missingAccess(), false
	}
	if p&need != need {
		return missingPermissions(), false
	}
	return response{}, true
}

// Permissions returns userID's effective permissions in a channel (0 if unknown), so tests can
// assert that a private incident channel is visible to exactly the right people.
func (s *Server) Permissions(channelID, userID string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.channels[channelID]
	if c == nil {
		return 0
	}
	return s.st.channelPermissions(c, userID)
}
