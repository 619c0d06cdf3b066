package discordfake

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Raw websocket tests pin down protocol details (close codes, replay, filtering) precisely and
// cheaply: no discordgo Close sleeps.

type frame struct {
	Op int             `json:"op"`
	S  int64           `json:"s"`
	T  string          `json:"t"`
	D  json.RawMessage `json:"d"`
}

type rawConn struct {
	t  *testing.T
	ws *websocket.Conn
}

func dialRaw(t *testing.T, f *Server) *rawConn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(f.GatewayURL()+"/?v=9&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	c := &rawConn{t: t, ws: ws}
	if h := c.read(); h.Op != opHello || string(h.D) != `{"heartbeat_interval":41250}` {
		t.Fatalf("hello = %+v %s", h, h.D)
	}
	return c
}

func (c *rawConn) read() frame {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(waitLong))
	var f frame
	if err := c.ws.ReadJSON(&f); err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return f
}

func (c *rawConn) send(op int, d any) {
	c.t.Helper()
	if err := c.ws.WriteJSON(map[string]any{"op": op, "d": d}); err != nil {
		c.t.Fatal(err)
	}
}

func (c *rawConn) identify(token string, intents int64) {
	c.send(opIdentify, map[string]any{"token": token, "intents": intents, "properties": map[string]string{"os": "linux"}})
}

// expectClose reads until the connection ends and returns the close code (0 if none).
func (c *rawConn) expectClose() int {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(waitLong))
	for {
		if _, _, err := c.ws.ReadMessage(); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code
			}
			return 0
		}
	}
}

const allIntents = IntentGuilds | IntentGuildMessages | IntentGuildMessageReactions | IntentDirectMessages | IntentMessageContent

func TestGatewayAuthAndQueueing(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	ch := f.AddChannel(guildID, "general", ChannelText, "")

	bad := dialRaw(t, f)
	bad.identify("Bot nope", allIntents)
	if code := bad.expectClose(); code != 4004 {
		t.Fatalf("close code = %d, want 4004", code)
	}

	// Dispatched before any session: held for the first identify, after READY and GUILD_CREATE.
	early := f.DispatchMessageCreate(ch, alice, "early <@"+f.BotUserID()+">")
	c := dialRaw(t, f)
	c.identify(f.Authorization(), allIntents)
	for i, want := range []string{"READY", "GUILD_CREATE", "MESSAGE_CREATE"} {
		fr := c.read()
		if fr.T != want || fr.S != int64(i+1) {
			t.Fatalf("frame %d = %s/%d, want %s/%d", i, fr.T, fr.S, want, i+1)
		}
		if want == "MESSAGE_CREATE" {
			var m discordgo.Message
			_ = json.Unmarshal(fr.D, &m)
			if m.ID != early || m.GuildID != guildID || m.Member == nil {
				t.Fatalf("message event = %s", fr.D)
			}
		}
	}
	c.send(opHeartbeat, 3)
	if fr := c.read(); fr.Op != opHeartbeatAck {
		t.Fatalf("want op 11, got %+v", fr)
	}
	c.identify(f.Authorization(), allIntents)
	if code := c.expectClose(); code != 4005 {
		t.Fatalf("second identify close = %d, want 4005", code)
	}
}

func TestGatewayResumeReplayAndFilters(t *testing.T) {
	t.Parallel()
	f := newFake(t, WithEchoEvents(true))
	s := restSession(t, f)
	ch := f.AddChannel(guildID, "general", ChannelText, "")

	c := dialRaw(t, f)
	c.identify(f.Authorization(), IntentGuilds|IntentGuildMessages) // no reactions, no content
	c.read()                                                        // READY
	c.read()                                                        // GUILD_CREATE (seq 2)
	sessID := f.SessionID()

	// Echo: REST mutations come back as events.
	if _, err := s.GuildChannelCreate(guildID, "inc-7", discordgo.ChannelTypeGuildText); err != nil {
		t.Fatal(err)
	}
	if fr := c.read(); fr.T != "CHANNEL_CREATE" || fr.S != 3 {
		t.Fatalf("echo = %+v", fr)
	}
	// Filtered by intents: not sequenced, never sent.
	if seq := f.DispatchReactionAdd(guildID, ch, "1", alice, "👍"); seq != 0 {
		t.Fatalf("reaction without intent got seq %d", seq)
	}

	// Heartbeat not acked while IgnoreHeartbeats is on: the next frame is the marker.
	f.IgnoreHeartbeats(true)
	c.send(opHeartbeat, 3)
	f.WaitFor(func() bool { return f.HeartbeatCount() == 1 }, waitLong)
	f.DispatchMessageCreate(ch, alice, "marker")
	if fr := c.read(); fr.T != "MESSAGE_CREATE" || fr.S != 4 {
		t.Fatalf("want marker, got %+v", fr)
	}
	f.IgnoreHeartbeats(false)

	// Gateway outage: upgrades refused, session kept; resume replays what was missed.
	f.OutageGateway(true)
	c.expectClose()
	missed := f.DispatchMessageCreate(ch, bob, "missed")
	if _, resp, err := websocket.DefaultDialer.Dial(f.GatewayURL()+"/?v=9&encoding=json", nil); err == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial during outage: %v", err)
	}
	f.OutageGateway(false)
	c2 := dialRaw(t, f)
	c2.send(opResume, map[string]any{"token": f.Authorization(), "session_id": sessID, "seq": 4})
	fr := c2.read()
	var m discordgo.Message
	_ = json.Unmarshal(fr.D, &m)
	if fr.T != "MESSAGE_CREATE" || fr.S != 5 || m.ID != missed || m.Content != "" {
		t.Fatalf("replay = %+v %s (content must be redacted without MESSAGE_CONTENT)", fr, fr.D)
	}
	if fr := c2.read(); fr.T != "RESUMED" || fr.S != 6 {
		t.Fatalf("want RESUMED/6, got %+v", fr)
	}

	// A clean close (1000) ends the session: the next resume gets op 9 d=false.
	_ = c2.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	c2.expectClose()
	f.WaitFor(func() bool { return f.SessionID() == "" }, waitLong)
	c3 := dialRaw(t, f)
	c3.send(opResume, map[string]any{"token": f.Authorization(), "session_id": sessID, "seq": 6})
	if fr := c3.read(); fr.Op != opInvalidSession || string(fr.D) != "false" {
		t.Fatalf("want op 9 false, got %+v %s", fr, fr.D)
	}
	if f.ResumeCount() != 1 || f.FailedResumeCount() != 1 {
		t.Fatalf("resumes %d failed %d", f.ResumeCount(), f.FailedResumeCount())
	}
}

func TestWaitFor(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	if f.WaitFor(func() bool { return false }, 20*time.Millisecond) {
		t.Fatal("false condition reported true")
	}
	ch := f.AddChannel(guildID, "general", ChannelText, "")
	go f.DispatchMessageCreate(ch, alice, "hi")
	if !f.WaitFor(func() bool { return len(f.Messages(ch)) == 1 }, waitLong) {
		t.Fatal("WaitFor missed the change")
	}
	if !WaitFor(func() bool { return true }, time.Millisecond) {
		t.Fatal("package WaitFor")
	}
}
