package slackfake

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Socket Mode server side. apps.connections.open issues a single-use ticket
// URL on this server; the websocket then gets "hello", server PINGs (the
// slack-go client treats a missing PING as a dead link), and envelopes from
// a shared queue. An envelope stays queued until it is written to some
// socket, so envelopes sent while disconnected arrive after reconnection.

type socketState struct {
	tickets  map[string]bool
	conns    map[int]*smConn
	connSeq  int // connections ever accepted
	queue    []*envelope
	envs     map[string]*envelope
	envOrder []string
	acks     []Ack
	pongs    int
}

func (st *socketState) init() {
	st.tickets = map[string]bool{}
	st.conns = map[int]*smConn{}
	st.envs = map[string]*envelope{}
}

func (st *socketState) liveLocked() []*smConn {
	out := make([]*smConn, 0, len(st.conns))
	for _, c := range st.conns {
		out = append(out, c)
	}
	return out
}

type envelope struct {
	id, typ     string
	payload     json.RawMessage
	frame       []byte
	queuedAt    time.Time
	deliveredAt time.Time
	delivered   bool
	connID      int
	acked       bool
}

// Envelope is a snapshot of one envelope the fake sent or still holds.
type Envelope struct {
	ID          string
	Type        string // "slash_commands", "events_api", "interactive"
	Payload     json.RawMessage
	QueuedAt    time.Time
	Delivered   bool
	DeliveredAt time.Time
	ConnID      int
	Acked       bool
}

// Ack is one frame the client wrote back (slack-go only ever writes acks).
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // nil for a bare ack
	Raw        json.RawMessage
	At         time.Time
	ConnID     int
	// Known is false for an ack naming an envelope the fake never sent.
	Known bool
	// Latency runs from the envelope being written to the socket to the ack
	// arriving; Slack expects it under 3 s.
	Latency time.Duration
}

type smConn struct {
	s      *Server
	id     int
	ws     *websocket.Conn
	kick   chan struct{}
	done   chan struct{}
	once   sync.Once
	direct [][]byte // connection-specific frames (disconnect); guarded by s.mu
}

func (s *Server) appsConnectionsOpen(params) reply {
	ticket := s.newIDLocked("tk")
	s.sm.tickets[ticket] = true
	wsURL := "ws" + strings.TrimPrefix(s.base, "http") + "/link/?ticket=" + ticket + "&app_id=" + s.cfg.appID
	return reply{"url": wsURL}
}

var upgrader = websocket.Upgrader{
	// The slack-go client sends Origin https://api.slack.com.
	CheckOrigin: func(*http.Request) bool { return true },
}

func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	refuse := ""
	switch {
	case s.closed, s.faults.outage:
		refuse = "unavailable"
	case !s.sm.tickets[ticket]:
		refuse = "invalid ticket"
	}
	delete(s.sm.tickets, ticket)
	s.mu.Unlock()
	if refuse == "invalid ticket" {
		http.Error(w, refuse, http.StatusUnauthorized)
		return
	}
	if refuse != "" {
		http.Error(w, refuse, http.StatusServiceUnavailable)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &smConn{s: s, ws: ws, kick: make(chan struct{}, 1), done: make(chan struct{})}

	s.mu.Lock()
	// An outage or Close may have begun during the upgrade.
	if s.closed || s.faults.outage {
		s.mu.Unlock()
		_ = ws.NetConn().Close()
		return
	}
	s.sm.connSeq++
	c.id = s.sm.connSeq
	s.sm.conns[c.id] = c
	hello, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": len(s.sm.conns),
		"debug_info":      map[string]any{"host": "slackfake", "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": s.cfg.appID},
	})
	// Adding under the lock, after the closed check, orders every Add
	// before Close's Wait.
	s.wg.Add(3)
	s.bumpLocked()
	s.mu.Unlock()

	go c.writeLoop(hello)
	go c.readLoop()
	go c.pingLoop(s.cfg.pingInterval)
}

// shut closes the connection once. abrupt sends a TCP RST instead of a FIN,
// the closest thing to a cable pull.
func (c *smConn) shut(abrupt bool) {
	c.once.Do(func() {
		close(c.done)
		if tc, ok := c.ws.NetConn().(*net.TCPConn); ok && abrupt {
			_ = tc.SetLinger(0)
		}
		_ = c.ws.NetConn().Close()
		c.s.mu.Lock()
		delete(c.s.sm.conns, c.id)
		c.s.bumpLocked()
		c.s.mu.Unlock()
	})
}

// writeLoop is the connection's only data writer (gorilla allows one).
func (c *smConn) writeLoop(hello []byte) {
	defer c.s.wg.Done()
	defer c.shut(false)
	if c.write(hello) != nil {
		return
	}
	for {
		for {
			frame, env := c.s.nextFrame(c)
			if frame == nil {
				break
			}
			if err := c.write(frame); err != nil {
				c.s.requeue(env)
				return
			}
		}
		select {
		case <-c.done:
			return
		case <-c.kick:
		}
	}
}

func (c *smConn) write(frame []byte) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, frame)
}

func (c *smConn) readLoop() {
	defer c.s.wg.Done()
	defer c.shut(false)
	c.ws.SetPongHandler(func(string) error {
		c.s.mu.Lock()
		c.s.sm.pongs++
		c.s.bumpLocked()
		c.s.mu.Unlock()
		return nil
	})
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		c.s.recordAck(c.id, data)
	}
}

func (c *smConn) pingLoop(every time.Duration) {
	defer c.s.wg.Done()
	if every < 0 {
		<-c.done
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			// WriteControl may run concurrently with writeLoop's writes.
			if err := c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)); err != nil {
				c.shut(false)
				return
			}
		}
	}
}

// nextFrame pops the connection's next frame: its own frames first, then
// the shared envelope queue. A popped envelope counts as delivered.
func (s *Server) nextFrame(c *smConn) ([]byte, *envelope) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-c.done:
		return nil, nil
	default:
	}
	if len(c.direct) > 0 {
		f := c.direct[0]
		c.direct = c.direct[1:]
		return f, nil
	}
	if len(s.sm.queue) == 0 {
		return nil, nil
	}
	e := s.sm.queue[0]
	s.sm.queue = s.sm.queue[1:]
	e.delivered, e.deliveredAt, e.connID = true, time.Now(), c.id
	s.bumpLocked()
	return e.frame, e
}

// requeue puts back an envelope whose write failed, at the front so order holds.
func (s *Server) requeue(e *envelope) {
	if e == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e.delivered, e.deliveredAt, e.connID = false, time.Time{}, 0
	s.sm.queue = append([]*envelope{e}, s.sm.queue...)
	s.kickLocked()
	s.bumpLocked()
}

func (s *Server) kickLocked() {
	for _, c := range s.sm.conns {
		select {
		case c.kick <- struct{}{}:
		default:
		}
	}
}

func (s *Server) recordAck(connID int, data []byte) {
	var a struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	_ = json.Unmarshal(data, &a)
	now := time.Now()
	ack := Ack{EnvelopeID: a.EnvelopeID, Payload: nullToNil(a.Payload), Raw: append(json.RawMessage(nil), data...), At: now, ConnID: connID}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.sm.envs[a.EnvelopeID]; ok {
		e.acked, ack.Known = true, true
		if e.delivered {
			ack.Latency = now.Sub(e.deliveredAt)
		}
	}
	s.sm.acks = append(s.sm.acks, ack)
	s.bumpLocked()
}
