package discordfake

// Read-only views for assertions. Each returns deep copies taken under the lock.

// Guild returns a copy of a guild with its roles and members.
func (s *Server) Guild(id string) (Guild, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.st.guilds[id]
	if g == nil {
		return Guild{}, false
	}
	out := Guild{ID: g.ID, Name: g.Name, OwnerID: g.OwnerID}
	for _, r := range g.roles {
		out.Roles = append(out.Roles, *r)
	}
	for _, uid := range g.memberOrder {
		m := *g.members[uid]
		m.Roles = append([]string(nil), m.Roles...)
		out.Members = append(out.Members, m)
	}
	return out, true
}

// Channels lists a guild's live channels (categories included) in creation order.
func (s *Server) Channels(guildID string) []Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Channel
	for _, c := range s.st.channelsOf(guildID) {
		out = append(out, c.clone())
	}
	return out
}

// Channel returns one live channel (guild or DM) including its overwrites.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.channels[id]
	if c == nil {
		return Channel{}, false
	}
	return c.clone(), true
}

// ChannelByName finds a live guild channel by its (normalized) name.
func (s *Server) ChannelByName(guildID, name string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.st.channelsOf(guildID) {
		if c.Name == name {
			return c.clone(), true
		}
	}
	return Channel{}, false
}

// DMChannel returns the DM channel opened with userID, if the bot opened one.
func (s *Server) DMChannel(userID string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, found := s.st.dms[userID]
	if !found {
		return Channel{}, false
	}
	return s.st.channels[id].clone(), true
}

// DeletedChannels lists channels deleted through the API, in deletion order.
func (s *Server) DeletedChannels() []Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Channel
	for _, c := range s.st.deleted {
		out = append(out, c.clone())
	}
	return out
}

// Messages lists a channel's visible messages oldest first. Ephemeral interaction replies are
// left out (they live in InteractionResponses/Followups), as they are on Discord.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, id := range s.st.channelMsgs[channelID] {
		if m := s.st.messages[id]; m != nil && !m.Ephemeral {
			out = append(out, m.clone())
		}
	}
	return out
}

// Message returns any stored message by id, ephemeral ones included.
func (s *Server) Message(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.st.messages[id]
	if m == nil {
		return Message{}, false
	}
	return m.clone(), true
}

// Pins lists the pinned message ids of a channel in pin order.
func (s *Server) Pins(channelID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.st.pins[channelID]...)
}
