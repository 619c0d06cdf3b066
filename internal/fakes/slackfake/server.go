// Package slackfake is a stateful, in-process fake of the Slack Web API,
// Socket Mode and the HTTP (Events API / slash command / interactivity)
// transports, for driving a bot built on github.com/slack-go/slack in tests.
//
// Point the real client at it:
//
//	fake := slackfake.New(t)
//	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()),
//		slack.OptionAppLevelToken(fake.AppToken()))
//	sm := socketmode.New(api, socketmode.OptionPingInterval(5*time.Second))
//
// All state lives behind one mutex; the introspection methods return copies.
// Faults (RateLimit, Outage, Slow, InjectError) reject a request before it
// touches state; LoseAnswers is the one that applies the call and then loses
// its answer (a 5xx or a dropped connection), the case where only the bot's
// own bookkeeping keeps a message from being posted twice.
package slackfake

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type config struct {
	botToken, appToken string
	teamID, teamName   string
	botUserID, botID   string
	botName, appID     string
	signingSecret      string
	pingInterval       time.Duration
	now                func() time.Time
	outageMode         OutageMode
	scopes             []string // WithScopes
	checkScopes        bool
}

// Option configures a Server.
type Option func(*config)

// WithBotToken sets the xoxb- token every Web API call must carry.
func WithBotToken(tok string) Option { return func(c *config) { c.botToken = tok } }

// WithAppToken sets the xapp- token apps.connections.open must carry.
func WithAppToken(tok string) Option { return func(c *config) { c.appToken = tok } }

// WithTeam sets the workspace id and name reported by auth.test and payloads.
func WithTeam(id, name string) Option {
	return func(c *config) { c.teamID, c.teamName = id, name }
}

// WithBotUser sets the bot's user id, bot id and display name.
func WithBotUser(userID, botID, name string) Option {
	return func(c *config) { c.botUserID, c.botID, c.botName = userID, botID, name }
}

// WithAppID sets the api_app_id placed in payloads and the hello frame.
func WithAppID(id string) Option { return func(c *config) { c.appID = id } }

// WithSigningSecret sets the secret the HTTP-mode helpers sign requests with.
func WithSigningSecret(secret string) Option { return func(c *config) { c.signingSecret = secret } }

// WithPingInterval sets how often the Socket Mode server sends websocket
// PINGs (default 1 s). A negative value disables pings, which lets a test
// exercise the client's ping timeout.
func WithPingInterval(d time.Duration) Option { return func(c *config) { c.pingInterval = d } }

// WithClock replaces the wall clock used for message timestamps and event
// times. Signatures always use the real clock because slack-go verifies them
// against time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithOutageMode chooses how Web API calls fail during an Outage (default
// OutageAlternate).
func WithOutageMode(m OutageMode) Option { return func(c *config) { c.outageMode = m } }

// Server is the fake. Create it with New.
type Server struct {
	cfg  config
	tb   testing.TB
	srv  *httptest.Server
	base string // "http://127.0.0.1:PORT"
	done chan struct{}
	wg   sync.WaitGroup // socket goroutines, so Close leaves nothing running

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every mutation; see WaitFor
	closed  bool

	users     map[string]*user
	userOrder []string
	channels  map[string]*channel
	chanOrder []string
	files     map[string]*file
	ephems    []Ephemeral
	respURLs  map[string]string // response_url id -> channel id it belongs to
	respPosts []ResponseURLPost
	lastTS    tsMicros
	idSeq     int

	requests   []RequestRecord
	counts     map[string]int
	usedScopes map[string]bool // scopes calls needed and had (scopes.go)

	faults faultState
	sm     socketState
	conns  atomic.Int64 // TCP connections accepted
}

// HTTPConnections is how many TCP connections the fake has accepted: a client that keeps
// connections alive makes few.
func (s *Server) HTTPConnections() int { return int(s.conns.Load()) }

// New starts a fake on 127.0.0.1. When tb is non-nil the server is closed in
// tb.Cleanup; pass nil to manage Close yourself.
func New(tb testing.TB, opts ...Option) *Server {
	cfg := config{
		botToken:      "xoxb-fake-bot-token",
		appToken:      "xapp-fake-app-token",
		teamID:        "T0FAKE0001",
		teamName:      "Fake Workspace",
		botUserID:     "U0BOT00001",
		botID:         "B0BOT00001",
		botName:       "warroom",
		appID:         "A0FAKE0001",
		signingSecret: "fake-signing-secret",
		pingInterval:  time.Second,
		now:           time.Now,
		outageMode:    OutageAlternate,
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		cfg:      cfg,
		tb:       tb,
		done:     make(chan struct{}),
		changed:  make(chan struct{}),
		users:    map[string]*user{},
		channels: map[string]*channel{},
		files:    map[string]*file{},
		respURLs: map[string]string{},
		counts:   map[string]int{},
	}
	s.faults.mode = cfg.outageMode
	s.sm.init()
	s.addUserLocked(&user{id: cfg.botUserID, name: cfg.botName, realName: cfg.botName, isBot: true})

	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/link/", s.serveSocket)
	mux.HandleFunc("/upload/", s.serveUpload)
	mux.HandleFunc("/response/", s.serveResponseURL)
	mux.HandleFunc("/files-pri/", s.serveFile)
	mux.HandleFunc("/signin", s.serveSignIn)
	// Anything else is a test wiring mistake: answer loudly rather than 200.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "slackfake: no route for "+r.URL.Path, http.StatusNotFound)
	})
	// httptest binds 127.0.0.1, which matters: slack-go only sends the token
	// to an upload URL on exactly the API URL's host:port.
	s.srv = httptest.NewUnstartedServer(mux)
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.srv.Start()
	s.base = s.srv.URL
	if tb != nil {
		tb.Cleanup(s.Close)
	}
	return s
}

// APIURL is the value for slack.OptionAPIURL: "http://127.0.0.1:PORT/api/".
// It ends in '/' because slack-go builds URLs by concatenation.
func (s *Server) APIURL() string { return s.base + "/api/" }

// BaseURL is "http://127.0.0.1:PORT" with no trailing slash.
func (s *Server) BaseURL() string { return s.base }

// BotToken, AppToken, TeamID, BotUserID, BotID, AppID and SigningSecret
// report the configured identities.
func (s *Server) BotToken() string      { return s.cfg.botToken }
func (s *Server) AppToken() string      { return s.cfg.appToken }
func (s *Server) TeamID() string        { return s.cfg.teamID }
func (s *Server) BotUserID() string     { return s.cfg.botUserID }
func (s *Server) BotID() string         { return s.cfg.botID }
func (s *Server) AppID() string         { return s.cfg.appID }
func (s *Server) SigningSecret() string { return s.cfg.signingSecret }

// Close drops every websocket, stops the HTTP server and waits for the
// fake's own goroutines. It is idempotent.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	conns := s.sm.liveLocked()
	s.bumpLocked()
	s.mu.Unlock()

	for _, c := range conns {
		c.shut(false)
	}
	s.srv.Close()
	s.wg.Wait()
}

func (s *Server) now() time.Time { return s.cfg.now() }

// fatalf reports a seeding mistake. Seeding runs on the test goroutine, so
// tb.Fatalf is legal there; without a tb we can only panic.
func (s *Server) fatalf(format string, args ...any) {
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatalf("slackfake: "+format, args...)
		return
	}
	panic("slackfake: " + fmt.Sprintf(format, args...))
}
