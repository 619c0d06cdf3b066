package discordfake

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults mirror Discord's so that tests exercise the same limits production will hit.
const (
	DefaultToken             = "test-token"
	DefaultBotUserID         = "900000000000000001"
	DefaultBotUsername       = "warroom-bot"
	DefaultApplicationID     = "900000000000000002"
	DefaultHeartbeatInterval = 41250 * time.Millisecond // what Discord sends in op 10
	DefaultInteractionWindow = 3 * time.Second          // initial-response deadline
	DefaultCategoryLimit     = 50                       // channels per category
	DefaultGuildChannelLimit = 500                      // channels per guild
	DefaultUploadLimit       = 10 << 20                 // bytes per request for an unboosted guild
)

// Option configures a Server at construction time.
type Option func(*config)

type config struct {
	token             string
	botID, botName    string
	appID             string
	heartbeat         time.Duration
	interactionWindow time.Duration
	categoryLimit     int
	guildLimit        int
	botPermissions    int64
	echoEvents        bool
}

// WithToken sets the bot token (without the "Bot " prefix) the fake accepts.
func WithToken(token string) Option { return func(c *config) { c.token = token } }

// WithBotUser sets the bot's user id and name returned by users/@me and READY.
func WithBotUser(id, username string) Option {
	return func(c *config) { c.botID, c.botName = id, username }
}

// WithApplicationID sets the application id (READY.application.id, command and webhook routes).
func WithApplicationID(id string) Option { return func(c *config) { c.appID = id } }

// WithHeartbeatInterval sets the interval sent in op 10 Hello. discordgo reconnects when no ack
// arrives within 5 intervals, so a small value makes zombie-connection tests fast.
func WithHeartbeatInterval(d time.Duration) Option { return func(c *config) { c.heartbeat = d } }

// WithInteractionWindow changes the 3 s deadline for the initial interaction response.
func WithInteractionWindow(d time.Duration) Option {
	return func(c *config) { c.interactionWindow = d }
}

// WithChannelLimits lowers the per-category and per-guild channel limits (50 and 500 on Discord).
func WithChannelLimits(perCategory, perGuild int) Option {
	return func(c *config) { c.categoryLimit, c.guildLimit = perCategory, perGuild }
}

// WithBotPermissions sets the permissions of the bot's managed role in every guild. Use
// PermAdministrator to switch permission checks off.
func WithBotPermissions(p int64) Option { return func(c *config) { c.botPermissions = p } }

// WithEchoEvents makes REST mutations dispatch the gateway events Discord would send back
// (CHANNEL_CREATE/UPDATE/DELETE, MESSAGE_CREATE/UPDATE). Off by default so that tests which
// count dispatches or sequence numbers see only what they dispatched themselves.
func WithEchoEvents(on bool) Option { return func(c *config) { c.echoEvents = on } }

// Server is a fake Discord: REST API under /api/v{N}/ and a gateway websocket under /gateway.
type Server struct {
	cfg  config
	t    testing.TB
	http *httptest.Server
	rt   *rewriteTransport

	// mu guards st, log and faults. Lock order: mu before gw.mu, never the other way round.
	mu     sync.Mutex
	st     *state
	log    requestLog
	faults faults

	gw *gateway

	notifyMu sync.Mutex
	notify   chan struct{} // closed and replaced on every change; see WaitFor

	closeOnce sync.Once
	closed    chan struct{}
	wg        sync.WaitGroup // gateway goroutines; httptest does not track hijacked conns
}

// New starts a fake Discord on 127.0.0.1 and registers Close with t.Cleanup. Create it before
// any discordgo session so the session's cleanup (registered later) runs first.
func New(t testing.TB, opts ...Option) *Server {
	cfg := config{
		token:             DefaultToken,
		botID:             DefaultBotUserID,
		botName:           DefaultBotUsername,
		appID:             DefaultApplicationID,
		heartbeat:         DefaultHeartbeatInterval,
		interactionWindow: DefaultInteractionWindow,
		categoryLimit:     DefaultCategoryLimit,
		guildLimit:        DefaultGuildChannelLimit,
		botPermissions:    DefaultBotPermissions,
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		cfg:    cfg,
		t:      t,
		notify: make(chan struct{}),
		closed: make(chan struct{}),
	}
	s.st = newState(cfg)
	s.log.inFlight = map[string]int{}
	s.faults = newFaults()
	s.gw = newGateway(s)
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.rt = newRewriteTransport(s.http.URL)
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// Close drops gateway connections, stops the HTTP server and waits for every goroutine the fake
// started. It is idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.gw.closeAll()
		s.http.Close()
		s.rt.base.CloseIdleConnections()
		s.wg.Wait()
	})
}

// URL is the fake's base URL, e.g. http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.http.URL }

// GatewayURL is what GET /api/v9/gateway returns. discordgo appends "/?v=9&encoding=json".
func (s *Server) GatewayURL() string {
	return "ws" + strings.TrimPrefix(s.http.URL, "http") + "/gateway"
}

// Authorization is the full token a client must send: "Bot <token>". Pass it to discordgo.New.
func (s *Server) Authorization() string { return "Bot " + s.cfg.token }

// BotUserID is the bot's user id (READY.user.id, message authors).
func (s *Server) BotUserID() string { return s.cfg.botID }

// ApplicationID is the application id (READY.application.id, interaction.application_id).
func (s *Server) ApplicationID() string { return s.cfg.appID }

func (s *Server) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// logf reports surprising traffic (unknown routes, filtered events) on the test log, but never
// after Close, because testing.T panics on logs after the test has finished.
func (s *Server) logf(format string, args ...any) {
	if s.t == nil || s.isClosed() {
		return
	}
	s.t.Helper()
	s.t.Logf("discordfake: "+format, args...)
}

// serveHTTP splits traffic between the gateway websocket and the REST API.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/gateway" || p == "/gateway/":
		s.gw.serveWS(w, r)
	case strings.HasPrefix(p, "/api/"):
		s.serveREST(w, r)
	case strings.HasPrefix(p, "/attachments/"):
		s.serveCDN(w, r)
	default:
		s.logf("request outside /api/: %s %s", r.Method, p)
		writeJSON(w, http.StatusNotFound, apiError{Message: "404: Not Found", Code: 0})
	}
}
