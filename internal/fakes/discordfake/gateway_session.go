package discordfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway intents the fake uses to filter dispatches, as Discord does.
const (
	IntentGuilds                 int64 = 1 << 0
	IntentGuildMessages          int64 = 1 << 9
	IntentGuildMessageReactions  int64 = 1 << 10
	IntentDirectMessages         int64 = 1 << 12
	IntentDirectMessageReactions int64 = 1 << 13
	IntentMessageContent         int64 = 1 << 15
)

// Identify is one op 2 Identify the fake received.
type Identify struct {
	At       time.Time
	Token    string
	Intents  int64
	Raw      json.RawMessage
	Accepted bool
}

type loggedFrame struct {
	seq   int64
	frame []byte
}

// gwSession is a gateway session: its sequence counter and the dispatches a resume may replay.
type gwSession struct {
	id      string
	seq     int64
	log     []loggedFrame
	conn    *gwConn // nil while disconnected; dispatches then only go to log
	intents int64
}

func (ss *gwSession) prune(upTo int64) {
	i := 0
	for i < len(ss.log) && ss.log[i].seq <= upTo {
		i++
	}
	ss.log = ss.log[i:]
}

type pendingEvent struct {
	name string
	data obj
}

// gateway holds the gateway state; guarded by mu. Lock order: Server.mu, then gateway.mu.
type gateway struct {
	s  *Server
	up websocket.Upgrader

	mu               sync.Mutex
	sess             *gwSession
	pending          []pendingEvent // dispatched before any session existed
	conns            map[*gwConn]bool
	identifies       []Identify
	resumes          int
	failedResumes    int
	heartbeats       int
	acks             int
	lastHeartbeatSeq int64
	ignoreHB         bool
	outage           bool
	closed           bool
	sessions         int
}

func newGateway(s *Server) *gateway {
	return &gateway{
		s:     s,
		up:    websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
		conns: map[*gwConn]bool{},
	}
}

// onIdentify starts a new session: READY, one GUILD_CREATE per guild, then anything dispatched
// while no session existed. It takes Server.mu (for the guild snapshot) before gateway.mu.
func (g *gateway) onIdentify(c *gwConn, d json.RawMessage) {
	var p struct {
		Token   string `json:"token"`
		Intents int64  `json:"intents"`
	}
	_ = json.Unmarshal(d, &p)
	s := g.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g.mu.Lock()
	defer g.mu.Unlock()
	rec := Identify{At: time.Now(), Token: p.Token, Intents: p.Intents, Raw: append(json.RawMessage(nil), d...)}
	if p.Token != s.Authorization() {
		g.identifies = append(g.identifies, rec)
		c.closeWith(4004, "Authentication failed.")
		return
	}
	if c.authed {
		g.identifies = append(g.identifies, rec)
		c.closeWith(4005, "Already authenticated.")
		return
	}
	rec.Accepted = true
	g.identifies = append(g.identifies, rec)
	if old := g.sess; old != nil && old.conn != nil && old.conn != c {
		old.conn.kill()
	}
	g.sessions++
	sess := &gwSession{id: fmt.Sprintf("fake-session-%d", g.sessions), intents: p.Intents, conn: c}
	g.sess = sess
	c.authed = true

	st := s.st
	var guilds []obj
	for _, id := range st.guildOrder {
		guilds = append(guilds, obj{"id": id, "unavailable": true})
	}
	me := userJSON(st.users[s.cfg.botID])
	me["verified"], me["mfa_enabled"], me["flags"] = true, false, 0
	g.emit(sess, "READY", obj{
		"v": 9, "user": me, "guilds": guilds, "session_id": sess.id,
		"resume_gateway_url": s.GatewayURL(), "session_type": "normal",
		"application": obj{"id": s.cfg.appID, "flags": 0}, "private_channels": []any{},
		"relationships": []any{}, "presences": []any{}, "guild_join_requests": []any{},
		"user_settings": obj{}, "_trace": []string{"discordfake"},
	})
	for _, id := range st.guildOrder {
		g.emit(sess, "GUILD_CREATE", st.guildJSON(st.guilds[id], true))
	}
	for _, pe := range g.pending {
		g.deliver(sess, pe.name, pe.data)
	}
	g.pending = nil
}

// onResume replays what the client missed (seq > its last seq), then RESUMED. A resume that
// cannot be honoured gets op 9 with d=false, after which discordgo identifies afresh.
func (g *gateway) onResume(c *gwConn, d json.RawMessage) {
	var p struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	_ = json.Unmarshal(d, &p)
	auth := g.s.Authorization()
	g.mu.Lock()
	defer g.mu.Unlock()
	if p.Token != auth {
		c.closeWith(4004, "Authentication failed.")
		return
	}
	sess := g.sess
	if sess == nil || sess.id != p.SessionID || p.Seq > sess.seq ||
		(len(sess.log) > 0 && p.Seq < sess.log[0].seq-1) {
		g.failedResumes++
		c.send([]byte(`{"op":9,"d":false}`))
		return
	}
	if sess.conn != nil && sess.conn != c {
		sess.conn.kill() // the zombie connection the client gave up on
	}
	sess.conn = c
	c.authed = true
	g.resumes++
	for _, f := range sess.log {
		if f.seq > p.Seq {
			c.send(f.frame)
		}
	}
	// RESUMED takes a sequence number (discordgo stores "s" of every dispatch; a missing one
	// would reset its counter to 0) but is not logged, so it is never replayed.
	sess.seq++
	c.send(mustJSON(obj{"op": opDispatch, "s": sess.seq, "t": "RESUMED", "d": obj{"_trace": []string{"discordfake"}}}))
}

// emit assigns the next sequence number, logs the frame for replay and sends it if connected.
func (g *gateway) emit(sess *gwSession, name string, data obj) int64 {
	sess.seq++
	frame := mustJSON(obj{"op": opDispatch, "s": sess.seq, "t": name, "d": data})
	sess.log = append(sess.log, loggedFrame{seq: sess.seq, frame: frame})
	if sess.conn != nil {
		sess.conn.send(frame)
	}
	return sess.seq
}

// requiredIntent maps an event to the intent Discord requires to send it (0 = none).
func requiredIntent(name string, data obj) int64 {
	inGuild := data["guild_id"] != nil && data["guild_id"] != ""
	switch name {
	case "GUILD_CREATE", "GUILD_UPDATE", "CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE":
		return IntentGuilds
	case "CHANNEL_PINS_UPDATE":
		if inGuild {
			return IntentGuilds
		}
		return IntentDirectMessages
	case "MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE":
		if inGuild {
			return IntentGuildMessages
		}
		return IntentDirectMessages
	case "MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE":
		if inGuild {
			return IntentGuildMessageReactions
		}
		return IntentDirectMessageReactions
	}
	return 0
}

// deliver applies Discord's intent rules, then emits. Without the privileged MESSAGE_CONTENT
// intent, guild messages arrive with empty content/embeds/attachments/components unless they
// mention the bot or are the bot's own; this is the classic "my bot sees empty messages" bug.
func (g *gateway) deliver(sess *gwSession, name string, data obj) int64 {
	if need := requiredIntent(name, data); need != 0 && sess.intents&need == 0 {
		g.s.logf("%s not delivered: identify intents %d lack %d", name, sess.intents, need)
		return 0
	}
	if (name == "MESSAGE_CREATE" || name == "MESSAGE_UPDATE") && sess.intents&IntentMessageContent == 0 {
		data = g.redactContent(data)
	}
	return g.emit(sess, name, data)
}

func (g *gateway) redactContent(data obj) obj {
	if data["guild_id"] == nil {
		return data
	}
	bot := g.s.cfg.botID
	if a, isObj := data["author"].(obj); isObj && a["id"] == bot {
		return data
	}
	if content, _ := data["content"].(string); strings.Contains(content, "<@"+bot+">") || strings.Contains(content, "<@!"+bot+">") {
		return data
	}
	out := obj{}
	for k, v := range data {
		out[k] = v
	}
	out["content"], out["embeds"], out["attachments"], out["components"] = "", []any{}, []any{}, []any{}
	return out
}

// dispatch sends an event to the current session, or queues it until the first identify when
// no session exists. Returns the sequence number (0 if queued or filtered).
func (g *gateway) dispatch(name string, data obj) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.sess == nil {
		g.pending = append(g.pending, pendingEvent{name: name, data: data})
		return 0
	}
	return g.deliver(g.sess, name, data)
}

func (g *gateway) closeAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	for c := range g.conns {
		c.kill()
	}
}
