package web

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/web/webauth"
)

// Sign-in is by a one-time link (webauth): opening it shows a button, and only the POST
// it sends uses the link — a chat client or mail scanner that fetches links to preview
// them does not burn it. The session is a random token in a cookie (HttpOnly,
// SameSite=Strict, Secure over https), stored hashed, revocable with `warroom web-logout`.

// session is the signed-in person of a request.
type session struct {
	bot.WebSession
	hash string
}

// session finds the request's live session; nil when it has none (no cookie, a cookie
// warroom never issued, an expired or revoked session).
func (s *Server) session(r *http.Request) (*session, error) {
	c, err := r.Cookie(s.cookie)
	if err != nil || !webauth.WellFormed(c.Value) {
		return nil, nil
	}
	hash := webauth.Hash(c.Value)
	var ws bot.WebSession
	err = s.o.Store.View(r.Context(), func(rd Reader) (err error) {
		ws, err = rd.WebSession(hash, s.o.Clock.Now())
		return err
	})
	if errors.Is(err, bot.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &session{WebSession: ws, hash: hash}, nil
}

// authed runs h for a signed-in person and sends everyone else to /login.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.session(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if sess == nil {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		h(w, r, sess)
	}
}

// loginPage explains how to get a link, or — opened from one — offers to sign in.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if token != "" && !s.allowSignIn(w, r) {
		return
	}
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := map[string]any{"Token": token, "Valid": webauth.WellFormed(token)}
	if sess != nil {
		data["Person"] = sess.Person
	}
	s.render(w, r, http.StatusOK, "login", "Sign in", nil, data)
}

// signIn uses the link and starts a session.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	if !s.allowSignIn(w, r) || !s.sameOrigin(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		s.refuse(w, r, http.StatusBadRequest, "The sign-in form could not be read.")
		return
	}
	token := r.PostForm.Get("token")
	if !webauth.WellFormed(token) {
		s.refuse(w, r, http.StatusBadRequest, "This is not a warroom sign-in link. Ask for a new one with /incident web in chat.")
		return
	}
	now := s.o.Clock.Now().UTC()
	person, err := s.o.Store.RedeemLink(r.Context(), webauth.Hash(token), now)
	switch {
	case errors.Is(err, bot.ErrNotFound):
		s.refuse(w, r, http.StatusBadRequest, "This sign-in link is not valid. Ask for a new one with /incident web in chat.")
		return
	case errors.Is(err, webauth.ErrUsed):
		s.refuse(w, r, http.StatusBadRequest, "This sign-in link was already used: each link works once. Ask for a new one with /incident web in chat.")
		return
	case errors.Is(err, webauth.ErrExpired):
		s.refuse(w, r, http.StatusBadRequest, "This sign-in link has expired (links last 10 minutes). Ask for a new one with /incident web in chat.")
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	cookie, hash := webauth.NewToken()
	if _, err := s.o.Store.StartSession(r.Context(), hash, person, now, now.Add(webauth.SessionTTL)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.o.Log.Info("web sign-in", "person", person)
	http.SetCookie(w, s.sessionCookie(cookie, int(webauth.SessionTTL/time.Second)))
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// signOut ends the session.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(w, r) {
		return
	}
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if sess != nil {
		if err := s.o.Store.EndSession(r.Context(), sess.hash, s.o.Clock.Now().UTC()); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, s.sessionCookie("", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) sessionCookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: s.cookie, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode}
}

// sameOrigin refuses a form posted from another site. SameSite=Strict already keeps the
// session cookie off such a request; this also stops a page elsewhere from signing a
// visitor in with the page author's own link.
func (s *Server) sameOrigin(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" && r.Header.Get("Sec-Fetch-Site") == "same-origin" {
		return true
	}
	if base, err := url.Parse(s.o.BaseURL); err == nil && origin == base.Scheme+"://"+base.Host {
		return true
	}
	scheme := "http"
	if r.TLS != nil || s.secure {
		scheme = "https"
	}
	if origin == scheme+"://"+r.Host {
		return true
	}
	s.refuse(w, r, http.StatusForbidden, "This form was sent from another site.")
	return false
}

// allowSignIn applies the sign-in rate limit per client address.
func (s *Server) allowSignIn(w http.ResponseWriter, r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	wait, ok := s.limit.allow(host)
	if ok {
		return true
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
	s.refuse(w, r, http.StatusTooManyRequests, "Too many sign-in attempts from your address; wait a minute and try again.")
	return false
}
