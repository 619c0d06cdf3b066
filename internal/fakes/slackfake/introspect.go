package slackfake

import (
	"maps"
	"slices"
)

// Introspection: everything returns copies taken under the lock, so tests
// can compare and keep them while the bot keeps calling the fake.

// Channels lists every conversation (including DMs) in creation order.
func (s *Server) Channels() []Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Channel, 0, len(s.chanOrder))
	for _, id := range s.chanOrder {
		out = append(out, s.channels[id].snapshot())
	}
	return out
}

// Channel returns one conversation by id.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[id]
	if !ok {
		return Channel{}, false
	}
	return c.snapshot(), true
}

// ChannelByName returns the (non-DM) channel called name.
func (s *Server) ChannelByName(name string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channelByNameLocked(name)
	if c == nil {
		return Channel{}, false
	}
	return c.snapshot(), true
}

// Members lists a conversation's members in join order.
func (s *Server) Members(ch string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[ch]; ok {
		return slices.Clone(c.members)
	}
	return nil
}

// Topic is a conversation's current topic.
func (s *Server) Topic(ch string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[ch]; ok {
		return c.topic
	}
	return ""
}

// Messages lists every message in a conversation, thread replies included,
// oldest first.
func (s *Server) Messages(ch string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[ch]
	if !ok {
		return nil
	}
	out := make([]Message, len(c.messages))
	for i, m := range c.messages {
		out[i] = m.snapshot(ch)
	}
	return out
}

// Message returns one message by ts.
func (s *Server) Message(ch, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[ch]; ok {
		if m := s.findMessageLocked(c, ts); m != nil {
			return m.snapshot(ch), true
		}
	}
	return Message{}, false
}

// Pins lists the ts of pinned messages in pin order.
func (s *Server) Pins(ch string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[ch]; ok {
		return slices.Clone(c.pins)
	}
	return nil
}

// Files lists files shared into a conversation, in share order.
func (s *Server) Files(ch string) []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[ch]
	if !ok {
		return nil
	}
	out := make([]File, 0, len(c.files))
	for _, id := range c.files {
		out = append(out, s.files[id].snapshot())
	}
	return out
}

// Ephemerals lists chat.postEphemeral messages in order.
func (s *Server) Ephemerals() []Ephemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Ephemeral, len(s.ephems))
	for i, e := range s.ephems {
		e.Blocks = slices.Clone(e.Blocks)
		out[i] = e
	}
	return out
}

// ResponseURLPosts lists what the bot posted to response_urls, in order.
func (s *Server) ResponseURLPosts() []ResponseURLPost {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ResponseURLPost, len(s.respPosts))
	for i, p := range s.respPosts {
		p.Blocks, p.Raw = slices.Clone(p.Blocks), slices.Clone(p.Raw)
		out[i] = p
	}
	return out
}

// Requests is the log of every request, faulted ones included.
func (s *Server) Requests() []RequestRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Calls counts requests for method, whatever their outcome.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[method]
}

// CallCounts is Calls for every method seen.
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts)
}

// SuccessfulCalls counts requests for method that took effect and were answered.
func (s *Server) SuccessfulCalls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Method == method && r.OK() {
			n++
		}
	}
	return n
}

// EphemeralsFrom lists the chat.postEphemeral messages from the i-th on (0 is the first),
// so a waiter that reads them as they come copies each once rather than all of them on
// every change.
func (s *Server) EphemeralsFrom(i int) []Ephemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i >= len(s.ephems) {
		return nil
	}
	out := make([]Ephemeral, 0, len(s.ephems)-i)
	for _, e := range s.ephems[i:] {
		e.Blocks = slices.Clone(e.Blocks)
		out = append(out, e)
	}
	return out
}
