package discordfake

import (
	"net/http"
	"time"
)

// StatusAbandoned is logged for a request whose client gave up during a Slow delay; the fake
// did not act on it and wrote no response.
const StatusAbandoned = 499

// LoggedRequest is one REST request as received (after the /api/vN prefix is stripped).
type LoggedRequest struct {
	At       time.Time
	Method   string
	Path     string // e.g. /channels/123/messages
	Route    string // route key, "" for unknown routes
	Query    string
	Header   http.Header
	Body     []byte
	Status   int
	Response []byte
	// Lost is set when the request took effect but its answer was lost (LoseAnswers); Status
	// is then what the client got: 500, 502 or StatusAnswerLost for a dropped connection.
	Lost bool
}

type requestLog struct {
	entries  []LoggedRequest
	byRoute  map[string]int
	invalid  int
	inFlight map[string]int // accepted by preflight, handler not finished (e.g. held by Slow)
}

// add records an entry. Discord counts 401, 403 and 429 toward its invalid-request ban
// (10,000 per 10 minutes per IP); 400 and 404 are not counted, and neither are the fake's own
// outage 5xx answers.
func (l *requestLog) add(e LoggedRequest) {
	l.entries = append(l.entries, e)
	if l.byRoute == nil {
		l.byRoute = map[string]int{}
	}
	if e.Route != "" {
		l.byRoute[e.Route]++
	}
	switch e.Status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
		l.invalid++
	}
}

// RequestLog returns a copy of every REST request received so far, in arrival-completion order.
func (s *Server) RequestLog() []LoggedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]LoggedRequest, len(s.log.entries))
	for i, e := range s.log.entries {
		e.Header = e.Header.Clone()
		e.Body = append([]byte(nil), e.Body...)
		e.Response = append([]byte(nil), e.Response...)
		out[i] = e
	}
	return out
}

// RouteCount returns how many requests hit the route key (all outcomes, including 429s,
// outage answers and retries).
func (s *Server) RouteCount(routeKey string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.byRoute[routeKey]
}

// RouteCounts returns a copy of the per-route request counters.
func (s *Server) RouteCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.log.byRoute))
	for k, v := range s.log.byRoute {
		out[k] = v
	}
	return out
}

// InvalidRequestCount counts 401, 403 and 429 answers, the ones Discord's Cloudflare ban counts.
func (s *Server) InvalidRequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.invalid
}

// InFlight counts requests on a route that passed auth and faults but are not finished yet,
// typically held by a Slow delay. Tests use it to act "while Discord is slow".
func (s *Server) InFlight(routeKey string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.inFlight[routeKey]
}
