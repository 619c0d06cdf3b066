package discordfake

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway opcodes.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opPresence       = 3
	opVoiceState     = 4
	opResume         = 6
	opReconnect      = 7
	opRequestMembers = 8
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatAck   = 11
)

// gwConn is one websocket connection. Frames go through a buffered channel to a single writer
// goroutine so that gateway state can be updated under a lock without blocking on the network,
// and so that frame order on the wire equals sequence order.
type gwConn struct {
	ws     *websocket.Conn
	out    chan []byte
	done   chan struct{}
	once   sync.Once
	authed bool // guarded by gateway.mu: identified or resumed on this connection
}

func (c *gwConn) send(frame []byte) {
	select {
	case <-c.done:
		return
	default:
	}
	select {
	case c.out <- frame:
	default:
		c.kill() // a client this far behind is dead; Discord would drop it too
	}
}

// kill closes the TCP connection abruptly, without a close frame, like a network failure.
func (c *gwConn) kill() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.NetConn().Close()
	})
}

// closeWith sends a close frame with a Discord close code (e.g. 4004 auth failed) then drops.
func (c *gwConn) closeWith(code int, reason string) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	c.kill()
}

func (c *gwConn) writeLoop(done func()) {
	defer done()
	for {
		select {
		case f := <-c.out:
			_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if err := c.ws.WriteMessage(websocket.TextMessage, f); err != nil {
				c.kill()
				return
			}
		case <-c.done:
			return
		}
	}
}

// serveWS upgrades /gateway. During a gateway outage the upgrade is refused with 503, which
// discordgo reports as "websocket: bad handshake" and answers with its reconnect backoff.
func (g *gateway) serveWS(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	refused := g.outage || g.closed
	g.mu.Unlock()
	if refused {
		http.Error(w, "gateway unavailable", http.StatusServiceUnavailable)
		return
	}
	if enc := r.URL.Query().Get("encoding"); enc != "" && enc != "json" {
		http.Error(w, "discordfake speaks encoding=json only", http.StatusBadRequest)
		return
	}
	ws, err := g.up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws, out: make(chan []byte, 4096), done: make(chan struct{})}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		_ = ws.Close()
		return
	}
	g.conns[c] = true
	g.s.wg.Add(2) // under g.mu with closed checked, so never after Close's Wait began
	g.mu.Unlock()
	go c.writeLoop(g.s.wg.Done)
	c.send(mustJSON(obj{"op": opHello, "d": obj{"heartbeat_interval": g.s.cfg.heartbeat.Milliseconds()}}))
	g.readLoop(c) // the hijacked handler goroutine becomes the reader
}

type inboundFrame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
}

func (g *gateway) readLoop(c *gwConn) {
	defer g.s.wg.Done()
	for {
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			code := 0
			if ce, isClose := err.(*websocket.CloseError); isClose {
				code = ce.Code
			}
			g.connClosed(c, code)
			return
		}
		var f inboundFrame
		if json.Unmarshal(msg, &f) != nil {
			c.closeWith(4002, "Error while decoding payload.")
			g.connClosed(c, 0)
			return
		}
		switch f.Op {
		case opHeartbeat:
			g.onHeartbeat(c, f.D)
		case opIdentify:
			g.onIdentify(c, f.D)
		case opResume:
			g.onResume(c, f.D)
		case opPresence, opVoiceState, opRequestMembers:
			// Accepted and ignored: the bot may set a status, the fake has nothing to do with it.
		default:
			c.closeWith(4001, "Unknown opcode.")
			g.connClosed(c, 0)
			return
		}
		g.s.changed()
	}
}

// connClosed detaches a finished connection. A client close with 1000/1001 ends the session on
// Discord (the next resume gets op 9), any other ending keeps it resumable.
func (g *gateway) connClosed(c *gwConn, code int) {
	g.mu.Lock()
	delete(g.conns, c)
	if g.sess != nil && g.sess.conn == c {
		g.sess.conn = nil
		if code == websocket.CloseNormalClosure || code == websocket.CloseGoingAway {
			g.sess = nil
		}
	}
	g.mu.Unlock()
	c.kill()
	g.s.changed()
}

func (g *gateway) onHeartbeat(c *gwConn, d json.RawMessage) {
	var seq int64
	_ = json.Unmarshal(d, &seq) // d is null before the first dispatch
	g.mu.Lock()
	defer g.mu.Unlock()
	g.heartbeats++
	if g.sess != nil && g.sess.conn == c {
		g.lastHeartbeatSeq = seq
		g.sess.prune(seq) // the client has processed everything up to seq; never replayed again
	}
	if !g.ignoreHB {
		g.acks++
		c.send([]byte(`{"op":11,"d":null}`))
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
