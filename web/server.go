// Package web is warroom's web view: the incidents, their timelines and reports in a
// browser, for the people outside chat (managers, auditors, the next shift). It is
// read-only: sign-in, sign-out and the read-in log are the only things it writes.
//
// Pages are rendered on the server with html/template from assets embedded in the
// binary; the only script is an embedded static file (live updates and copy buttons), and
// every page works without it. Who may see what is commands.MaySee, the chat's rule.
package web

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/templates"
)

// Options configure the web view.
type Options struct {
	Store  Store
	Config *config.Config
	// Templates are the report's layouts (the --templates overrides apply to downloads).
	Templates *templates.Set
	// BaseURL is the address people use (--web-url); https makes the cookie Secure.
	BaseURL   string
	Clock     clockwork.Clock
	Log       *slog.Logger
	Generator string // names the program in reports ("warroom v1.2.0")
	// PublicKey checks the timeline's signed checkpoints (docs/chain.md); nil shows them
	// unchecked.
	PublicKey ed25519.PublicKey
	// Recheck is how often an open live stream re-checks its session and access (default
	// 15 s): a revoked session or a removed member stops receiving within it.
	Recheck time.Duration
	// FullCheck is how often the timelines the page keeps between views are checked again
	// from scratch (default 1 min): a row altered behind warroom's back after it was
	// checked shows as tampered within it (verified.go).
	FullCheck time.Duration
}

// Server is the web view. Handler serves it; Run feeds its live updates.
type Server struct {
	o      Options
	secure bool
	cookie string
	pages  *pageSet
	limit  *limiter
	hub    *hub
	cache  *reportCache
	kept   *timelineKeeper
	reads  seenReads
}

// New checks the options and builds the server.
func New(o Options) (*Server, error) {
	if o.Config == nil {
		o.Config = config.DefaultConfig()
	}
	if o.Templates == nil {
		o.Templates = templates.Default()
	}
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	if o.Recheck <= 0 {
		o.Recheck = 15 * time.Second
	}
	if o.FullCheck <= 0 {
		o.FullCheck = time.Minute
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil {
		return nil, err
	}
	pages, err := loadPages()
	if err != nil {
		return nil, err
	}
	s := &Server{o: o, secure: u.Scheme == "https", pages: pages, limit: newLimiter(o.Clock, signInBurst, signInEvery)}
	// A Secure cookie may carry the __Host- prefix: the browser then refuses it from any
	// other host or path, and over plain HTTP.
	s.cookie = "warroom_session"
	if s.secure {
		s.cookie = "__Host-warroom_session"
	}
	s.hub = newHub(s)
	s.cache = newReportCache(o.Clock)
	s.kept = newTimelineKeeper(s)
	return s, nil
}

// Run feeds the live updates and checks the kept timelines again until ctx ends.
func (s *Server) Run(ctx context.Context) {
	go s.kept.run(ctx)
	s.hub.run(ctx)
}

// Changed tells the live updates that something was committed (the engine's hook): the
// watched incidents are re-read at once instead of at the next poll.
func (s *Server) Changed() { s.hub.wake() }

// Handler is the whole web view, every response with the security headers.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.signIn)
	mux.HandleFunc("POST /logout", s.signOut)
	mux.Handle("GET /static/", staticFiles())
	mux.HandleFunc("GET /{$}", s.authed(s.listPage))
	mux.HandleFunc("GET /stats", s.authed(s.statsPage))
	mux.HandleFunc("GET /incidents/{id}", s.authed(s.incidentPage))
	mux.HandleFunc("GET /incidents/{id}/events", s.authed(s.events))
	mux.HandleFunc("GET /incidents/{id}/{file}", s.authed(s.download))
	mux.HandleFunc("/", s.authed(func(w http.ResponseWriter, r *http.Request, _ *session) { s.notFound(w, r) }))
	return headers(s.secure, mux)
}

// csp allows nothing from elsewhere and no inline script or style: every script and
// stylesheet is one of the embedded static files.
const csp = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

// headers sets the security headers on every response, before the handler runs, so
// redirects, errors and static files carry them too.
func headers(secure bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			// Incident data: never kept by the browser's or a proxy's cache.
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}
