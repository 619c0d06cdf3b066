package slackfake

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// OutageMode is how Web API calls fail while an Outage is on.
type OutageMode int

const (
	// OutageAlternate answers HTTP 500 and hijack-and-close in turn, so a
	// client sees both a server error and a transport error.
	OutageAlternate OutageMode = iota
	// Outage500 answers every call with HTTP 500 and an HTML body, as
	// Slack's edge does.
	Outage500
	// OutageHijack closes the TCP connection without any answer.
	OutageHijack
)

type faultKind int

const (
	faultNone faultKind = iota
	faultRateLimited
	faultOutage500
	faultOutageHijack
	faultInjected
	faultClientGone
	faultLost500    // applied, then answered 500
	faultLostHijack // applied, then the connection dropped
)

type rateRule struct {
	method     string
	left       int
	retryAfter int
}

type injectRule struct {
	method, code string
	left         int
}

type faultState struct {
	outage  bool
	mode    OutageMode
	outageN int
	rate    []*rateRule
	inject  []*injectRule
	slow    map[string]time.Duration
	lose    []*loseRule
	lostN   int
}

type verdict struct {
	kind       faultKind
	retryAfter int
	code       string
}

// matches reports whether a fault registered for pattern applies to method.
// "*" covers Web API methods only; the "(upload)" and "(response_url)"
// pseudo-methods must be named explicitly since Slack serves them elsewhere.
func matches(pattern, method string) bool {
	if pattern == "*" {
		return !strings.HasPrefix(method, "(")
	}
	return pattern == method
}

// RateLimit makes the next n calls matching method ("*" for any Web API
// method) fail with HTTP 429 and "Retry-After: retryAfterSeconds", which
// slack-go turns into *slack.RateLimitedError. Rules stack: each call is
// charged to the first rule with budget left.
func (s *Server) RateLimit(method string, n, retryAfterSeconds int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.rate = append(s.faults.rate, &rateRule{method: method, left: n, retryAfter: retryAfterSeconds})
}

// InjectError makes the next n calls matching method answer
// HTTP 200 {"ok":false,"error":code} without effect, e.g. "internal_error".
func (s *Server) InjectError(method, code string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.inject = append(s.faults.inject, &injectRule{method: method, code: code, left: n})
}

// Outage switches a full outage on or off. While on, every Web API call,
// upload and response_url post fails (see OutageMode) before touching state,
// open Socket Mode connections are dropped, and new ones are refused.
func (s *Server) Outage(on bool) {
	s.mu.Lock()
	s.faults.outage = on
	var drop []*smConn
	if on {
		drop = s.sm.liveLocked()
	}
	s.bumpLocked()
	s.mu.Unlock()
	for _, c := range drop {
		c.shut(true)
	}
}

// SetOutageMode changes how calls fail during an outage.
func (s *Server) SetOutageMode(m OutageMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.mode = m
	s.faults.outageN = 0
}

// InOutage reports whether Outage(true) is in force.
func (s *Server) InOutage() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.outage
}

// Slow delays answers to method ("*" for any Web API method) by d; d <= 0
// removes the delay. The delay happens before the call is applied, and a call
// whose client gave up meanwhile is dropped without effect.
func (s *Server) Slow(method string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.slow == nil {
		s.faults.slow = map[string]time.Duration{}
	}
	if d <= 0 {
		delete(s.faults.slow, method)
		return
	}
	s.faults.slow[method] = d
}

// ClearFaults removes every rate limit, injected error, delay and lost-answer rule and ends
// any outage.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	mode := s.faults.mode
	s.faults = faultState{mode: mode}
	s.bumpLocked()
}

// faultVerdictLocked decides, and charges, the fault for one call. The
// outage check comes first so no rate-limit budget is spent during one.
func (s *Server) faultVerdictLocked(method string) verdict {
	f := &s.faults
	if f.outage {
		switch f.mode {
		case Outage500:
			return verdict{kind: faultOutage500}
		case OutageHijack:
			return verdict{kind: faultOutageHijack}
		}
		f.outageN++
		if f.outageN%2 == 1 {
			return verdict{kind: faultOutage500}
		}
		return verdict{kind: faultOutageHijack}
	}
	for _, r := range f.rate {
		if r.left > 0 && matches(r.method, method) {
			r.left--
			return verdict{kind: faultRateLimited, retryAfter: r.retryAfter}
		}
	}
	for _, r := range f.inject {
		if r.left > 0 && matches(r.method, method) {
			r.left--
			return verdict{kind: faultInjected, code: r.code}
		}
	}
	return verdict{}
}

func (s *Server) slowFor(method string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.faults.slow[method]; ok {
		return d
	}
	if strings.HasPrefix(method, "(") {
		return 0
	}
	return s.faults.slow["*"]
}

// waitSlow applies a Slow delay. It returns false when the request must not
// proceed (client gone or fake closing); the request is then recorded.
func (s *Server) waitSlow(r *http.Request, method string) bool {
	d := s.slowFor(method)
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	s.mu.Lock()
	s.recordLocked(method, 0, "client_gone")
	s.bumpLocked()
	s.mu.Unlock()
	return false
}

func (v verdict) status() int {
	switch v.kind {
	case faultRateLimited:
		return http.StatusTooManyRequests
	case faultOutage500, faultLost500:
		return http.StatusInternalServerError
	case faultInjected:
		return http.StatusOK
	}
	return 0 // hijacked or nobody listening: nothing was written
}

func (v verdict) errCode() string {
	switch v.kind {
	case faultRateLimited:
		return "ratelimited"
	case faultOutage500, faultOutageHijack:
		return "outage"
	case faultInjected:
		return v.code
	case faultClientGone:
		return "client_gone"
	case faultLost500, faultLostHijack:
		return errAnswerLost
	}
	return ""
}

func (v verdict) write(w http.ResponseWriter) {
	switch v.kind {
	case faultRateLimited:
		w.Header().Set("Retry-After", strconv.Itoa(v.retryAfter))
		writeJSON(w, http.StatusTooManyRequests, failure("ratelimited"))
	case faultOutage500, faultLost500:
		// Slack's edge answers 5xx with HTML; slack-go never parses it.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("<html><body><h1>500 Internal Server Error</h1></body></html>\n"))
	case faultInjected:
		writeJSON(w, http.StatusOK, failure(v.code))
	case faultOutageHijack, faultLostHijack:
		hijackClose(w)
	case faultClientGone:
		// Nobody is listening; write nothing.
	}
}

// hijackClose drops the connection with a TCP RST and no HTTP answer, the
// way a dying load balancer does.
func hijackClose(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("slackfake: ResponseWriter cannot hijack")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
