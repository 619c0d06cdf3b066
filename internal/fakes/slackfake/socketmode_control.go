package slackfake

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// enqueue queues an envelope for the next writable socket and returns its id.
func (s *Server) enqueue(typ string, payload json.RawMessage, acceptsResponse bool, retryAttempt int, retryReason string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newIDLocked("env-")
	frame, err := json.Marshal(map[string]any{
		"envelope_id":              id,
		"type":                     typ,
		"payload":                  payload,
		"accepts_response_payload": acceptsResponse,
		"retry_attempt":            retryAttempt,
		"retry_reason":             retryReason,
	})
	if err != nil {
		// Only a caller-built payload that is not JSON can get here.
		panic(fmt.Sprintf("slackfake: envelope payload is not JSON: %v", err))
	}
	e := &envelope{id: id, typ: typ, payload: payload, frame: frame, queuedAt: time.Now()}
	s.sm.envs[id] = e
	s.sm.envOrder = append(s.sm.envOrder, id)
	s.sm.queue = append(s.sm.queue, e)
	s.kickLocked()
	s.bumpLocked()
	return id
}

// Disconnect sends {"type":"disconnect","reason":reason} on every open
// socket, as Slack does before rotating a connection ("refresh_requested",
// "warning", "link_disabled"). slack-go then reconnects through
// apps.connections.open. It returns how many sockets were told.
func (s *Server) Disconnect(reason string) int {
	frame, _ := json.Marshal(map[string]any{
		"type":       "disconnect",
		"reason":     reason,
		"debug_info": map[string]any{"host": "slackfake"},
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.sm.conns {
		c.direct = append(c.direct, frame)
	}
	s.kickLocked()
	return len(s.sm.conns)
}

// DropConnection kills every open socket with a TCP RST and no close frame.
// It returns how many were dropped.
func (s *Server) DropConnection() int {
	s.mu.Lock()
	conns := s.sm.liveLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.shut(true)
	}
	return len(conns)
}

// Connections is the number of Socket Mode sockets open right now.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sm.conns)
}

// TotalConnections counts sockets ever accepted; wait for it to grow to see
// a reconnection.
func (s *Server) TotalConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sm.connSeq
}

// Pongs counts PONG frames received in answer to the server's PINGs.
func (s *Server) Pongs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sm.pongs
}

// PendingEnvelopes is how many envelopes wait for a socket.
func (s *Server) PendingEnvelopes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sm.queue)
}

// Envelopes lists every envelope sent so far, in send order.
func (s *Server) Envelopes() []Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Envelope, 0, len(s.sm.envOrder))
	for _, id := range s.sm.envOrder {
		e := s.sm.envs[id]
		out = append(out, Envelope{
			ID: e.id, Type: e.typ, Payload: slices.Clone(e.payload), QueuedAt: e.queuedAt,
			Delivered: e.delivered, DeliveredAt: e.deliveredAt, ConnID: e.connID, Acked: e.acked,
		})
	}
	return out
}

// Acks lists every frame the client wrote back, in arrival order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Ack, len(s.sm.acks))
	for i, a := range s.sm.acks {
		a.Payload, a.Raw = slices.Clone(a.Payload), slices.Clone(a.Raw)
		out[i] = a
	}
	return out
}

// WaitAck waits for the first ack of envelopeID.
func (s *Server) WaitAck(envelopeID string, timeout time.Duration) (Ack, error) {
	var got Ack
	found := s.WaitFor(func() bool {
		for _, a := range s.Acks() {
			if a.EnvelopeID == envelopeID {
				got = a
				return true
			}
		}
		return false
	}, timeout)
	if !found {
		return Ack{}, fmt.Errorf("slackfake: no ack for envelope %s within %v", envelopeID, timeout)
	}
	return got, nil
}
