package discordfake

import (
	"encoding/json"
)

// Gateway faults and introspection. All of them take only gateway.mu.

// SendReconnect sends op 7 Reconnect on the live connection. discordgo closes with 1012
// (costing it ~1 s), reconnects to the cached gateway URL and resumes. Reports whether a
// connection was there to receive it.
func (s *Server) SendReconnect() bool {
	g := s.gw
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.sess == nil || g.sess.conn == nil {
		return false
	}
	g.sess.conn.send([]byte(`{"op":7,"d":null}`))
	return true
}

// SendInvalidSession sends op 9 with d=resumable. With resumable=false the session ends at once
// (later dispatches wait for the next identify). discordgo v0.29.0 ignores d and always sends a
// fresh identify on the same connection.
func (s *Server) SendInvalidSession(resumable bool) bool {
	g := s.gw
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.sess == nil || g.sess.conn == nil {
		return false
	}
	c := g.sess.conn
	c.send(mustJSON(obj{"op": opInvalidSession, "d": resumable}))
	c.authed = false // the client may identify again on this connection
	if !resumable {
		g.sess = nil
	}
	return true
}

// DropConnection closes every gateway TCP connection abruptly (no close frame), like a network
// failure. The session stays resumable: events dispatched until the client resumes are
// replayed to it exactly once. discordgo notices on its next read, spends ~1 s in Close, then
// resumes.
func (s *Server) DropConnection() bool {
	g := s.gw
	g.mu.Lock()
	defer g.mu.Unlock()
	dropped := false
	if g.sess != nil && g.sess.conn != nil {
		g.sess.conn = nil // detach now so later dispatches are buffered, not written to a dead socket
	}
	for c := range g.conns {
		c.kill()
		dropped = true
	}
	return dropped
}

// ExpireSession makes the current session unresumable, as when Discord has discarded it. If a
// connection is live it also gets op 9 (d=false) so the client re-identifies.
func (s *Server) ExpireSession() {
	g := s.gw
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.sess == nil {
		return
	}
	if c := g.sess.conn; c != nil {
		c.send([]byte(`{"op":9,"d":false}`))
		c.authed = false
	}
	g.sess = nil
}

// IgnoreHeartbeats stops (or resumes) answering op 1 with op 11. discordgo reconnects after
// 5 heartbeat intervals without an ack (use WithHeartbeatInterval to keep that short).
func (s *Server) IgnoreHeartbeats(on bool) {
	s.gw.mu.Lock()
	s.gw.ignoreHB = on
	s.gw.mu.Unlock()
}

// OutageGateway refuses new gateway connections (HTTP 503 on upgrade) and, when turning on,
// drops the live ones. The session stays resumable across the outage.
func (s *Server) OutageGateway(on bool) {
	g := s.gw
	g.mu.Lock()
	g.outage = on
	if on {
		if g.sess != nil {
			g.sess.conn = nil
		}
		for c := range g.conns {
			c.kill()
		}
	}
	g.mu.Unlock()
	s.changed()
}

// Dispatch sends any event to the bot (or queues it until the first identify). data must
// marshal to a JSON object. Returns the sequence number, 0 if queued or filtered by intents.
func (s *Server) Dispatch(event string, data any) int64 {
	var o obj
	if err := json.Unmarshal(mustJSON(data), &o); err != nil {
		panic("discordfake: Dispatch data must be a JSON object: " + err.Error())
	}
	seq := s.gw.dispatch(event, o)
	s.changed()
	return seq
}

// echo dispatches the event REST mutations cause, when WithEchoEvents is on. Called with
// Server.mu held.
func (s *Server) echo(event string, data obj) {
	if s.cfg.echoEvents {
		s.gw.dispatch(event, data)
	}
}

// IdentifyCount counts accepted op 2 Identify payloads (fresh sessions).
func (s *Server) IdentifyCount() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	n := 0
	for _, i := range s.gw.identifies {
		if i.Accepted {
			n++
		}
	}
	return n
}

// Identifies returns every op 2 received, accepted or not, with intents and the raw payload.
func (s *Server) Identifies() []Identify {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	out := make([]Identify, len(s.gw.identifies))
	for i, id := range s.gw.identifies {
		id.Raw = append(json.RawMessage(nil), id.Raw...)
		out[i] = id
	}
	return out
}

// ResumeCount counts successful op 6 Resumes; FailedResumeCount those answered with op 9.
func (s *Server) ResumeCount() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.resumes
}

// FailedResumeCount counts resumes the fake refused with op 9 (unknown/expired session).
func (s *Server) FailedResumeCount() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.failedResumes
}

// HeartbeatCount counts op 1 heartbeats received; HeartbeatAckCount the op 11 answers sent.
func (s *Server) HeartbeatCount() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.heartbeats
}

// HeartbeatAckCount counts op 11 acks sent.
func (s *Server) HeartbeatAckCount() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.acks
}

// LastHeartbeatSeq is the sequence number the client reported in its latest heartbeat: proof of
// what it has processed.
func (s *Server) LastHeartbeatSeq() int64 {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.lastHeartbeatSeq
}

// SessionID is the current gateway session id ("" if none).
func (s *Server) SessionID() string {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	if s.gw.sess == nil {
		return ""
	}
	return s.gw.sess.id
}

// Connected reports whether a session currently has a live connection.
func (s *Server) Connected() bool {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.sess != nil && s.gw.sess.conn != nil && s.gw.sess.conn.authed
}

// Seq is the last sequence number assigned in the current session (0 if none).
func (s *Server) Seq() int64 {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	if s.gw.sess == nil {
		return 0
	}
	return s.gw.sess.seq
}
