package slackfake

import "slices"

// Seeding helpers set up the workspace a test starts from. They run on the
// test goroutine and report mistakes with tb.Fatalf.

// AddUser adds a human user. Adding an existing id renames it.
func (s *Server) AddUser(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUserLocked(&user{id: id, name: name, realName: name, email: name + "@example.com"})
}

func (s *Server) addUserLocked(u *user) {
	if _, ok := s.users[u.id]; !ok {
		s.userOrder = append(s.userOrder, u.id)
	}
	s.users[u.id] = u
	s.bumpLocked()
}

// AddChannel creates a channel directly (no API call, no request recorded)
// and returns its id. The first member is recorded as creator. Include
// BotUserID() in members for the bot to see a private channel.
func (s *Server) AddChannel(name string, private bool, members ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code := validateChannelName(name); code != "" {
		s.fatalf("AddChannel(%q): %s", name, code)
		return ""
	}
	if s.channelByNameLocked(name) != nil {
		s.fatalf("AddChannel(%q): name_taken", name)
		return ""
	}
	for _, m := range members {
		if _, ok := s.users[m]; !ok {
			s.fatalf("AddChannel(%q): unknown member %q (AddUser it first)", name, m)
			return ""
		}
	}
	creator := s.cfg.botUserID
	if len(members) > 0 {
		creator = members[0]
	}
	c := &channel{
		id: s.newIDLocked("C"), name: name, private: private, creator: creator,
		created: s.now().Unix(), members: slices.Compact(slices.Clone(members)),
	}
	s.addChannelLocked(c)
	s.bumpLocked()
	return c.id
}

// PostAsUser stores a message from a human user and returns its ts, e.g. the
// message a test then sends a reaction_added event for.
func (s *Server) PostAsUser(channel, user, text string) string {
	return s.ReplyAsUser(channel, "", user, text)
}

// ReplyAsUser is PostAsUser inside the thread rooted at threadTS.
func (s *Server) ReplyAsUser(channel, threadTS, user, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channel]
	if !ok {
		s.fatalf("PostAsUser: unknown channel %q", channel)
		return ""
	}
	if _, ok := s.users[user]; !ok {
		s.fatalf("PostAsUser: unknown user %q", user)
		return ""
	}
	if threadTS != "" {
		parent := s.findMessageLocked(c, threadTS)
		if parent == nil {
			s.fatalf("ReplyAsUser: no message %s in %s", threadTS, channel)
			return ""
		}
		parent.threadTS = parent.ts
	}
	m := &message{ts: s.nextTSLocked(), user: user, text: text, threadTS: threadTS}
	c.messages = append(c.messages, m)
	s.bumpLocked()
	return m.ts
}

// SetMember adds user to a channel or takes them out (no event, no request recorded), e.g.
// a bot removed from a channel after it read a message there.
func (s *Server) SetMember(channel, user string, in bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channel]
	if !ok {
		s.fatalf("SetMember: unknown channel %q", channel)
		return
	}
	c.members = slices.DeleteFunc(c.members, func(m string) bool { return m == user })
	if in {
		c.members = append(c.members, user)
	}
	s.bumpLocked()
}
