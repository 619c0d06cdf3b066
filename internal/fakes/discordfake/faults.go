package discordfake

import (
	"crypto/sha1"
	"encoding/hex"
	"math"
	"net/http"
	"strconv"
	"time"
)

type rateRule struct {
	pattern    string
	n          int
	retryAfter float64
	global     bool
}

type failRule struct {
	pattern string
	n       int
	resp    response
}

type slowRule struct {
	pattern string
	d       time.Duration
}

// faults is guarded by Server.mu.
type faults struct {
	rate         []*rateRule
	fail         []*failRule
	slow         []slowRule
	restOutage   bool
	outageStatus int
	lose         []*loseRule
	lostN        int
}

func newFaults() faults { return faults{outageStatus: http.StatusBadGateway} }

// RateLimit makes the next n requests matching pattern fail with HTTP 429 before any state
// changes. retryAfter is in seconds (Discord sends floats such as 0.05); keep it small because
// discordgo really sleeps for it before retrying on its own. A per-route 429 carries the
// X-RateLimit-* bucket headers (so discordgo also parks the bucket until Reset-After); a global
// one carries X-RateLimit-Global and Retry-After only, as Discord does.
func (s *Server) RateLimit(pattern string, n int, retryAfter float64, global bool) {
	mustValidPattern(pattern)
	s.mu.Lock()
	s.faults.rate = append(s.faults.rate, &rateRule{pattern: pattern, n: n, retryAfter: retryAfter, global: global})
	s.mu.Unlock()
}

// FailNext makes the next n requests matching pattern fail with status and a Discord JSON error
// {code, message}, before any state changes; e.g. FailNext(RouteCreateMessage, 1, 403,
// CodeMissingPermissions, "Missing Permissions").
func (s *Server) FailNext(pattern string, n int, status, code int, message string) {
	mustValidPattern(pattern)
	s.mu.Lock()
	s.faults.fail = append(s.faults.fail, &failRule{pattern: pattern, n: n, resp: errResp(status, code, message)})
	s.mu.Unlock()
}

// Slow delays requests matching pattern by d before they are handled; d <= 0 removes the rule.
// If the client gives up during the delay the request is dropped unhandled (StatusAbandoned).
func (s *Server) Slow(pattern string, d time.Duration) {
	mustValidPattern(pattern)
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.faults.slow[:0]
	for _, r := range s.faults.slow {
		if r.pattern != pattern {
			kept = append(kept, r)
		}
	}
	s.faults.slow = kept
	if d > 0 {
		s.faults.slow = append(s.faults.slow, slowRule{pattern: pattern, d: d})
	}
}

// Outage switches both the REST API and the gateway down (or back up).
func (s *Server) Outage(on bool) {
	s.OutageREST(on)
	s.OutageGateway(on)
}

// OutageREST makes every REST request fail with the outage status (default 502) before any
// state changes. Note discordgo silently retries a 502 MaxRestRetries (3) times, so one call
// shows up as 4 requests and ends in "Exceeded Max retries HTTP 502 Bad Gateway" (not a
// *RESTError); SetOutageStatus(500) gives a single *RESTError instead.
func (s *Server) OutageREST(on bool) {
	s.mu.Lock()
	s.faults.restOutage = on
	s.mu.Unlock()
	s.changed()
}

// SetOutageStatus chooses the HTTP status used during a REST outage (500, 502, 503...).
func (s *Server) SetOutageStatus(status int) {
	s.mu.Lock()
	s.faults.outageStatus = status
	s.mu.Unlock()
}

// ClearFaults removes every REST fault (rate limits, failures, slowness, outage) and the gateway
// outage and heartbeat suppression.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = newFaults()
	s.mu.Unlock()
	s.OutageGateway(false)
	s.IgnoreHeartbeats(false)
}

func (f *faults) outageResponse() response {
	if f.outageStatus == http.StatusBadGateway {
		// Discord's edge answers outages with an HTML page, not JSON.
		return response{status: f.outageStatus, text: "<html><body><h1>502 Bad Gateway</h1></body></html>"}
	}
	return response{status: f.outageStatus, body: apiError{Message: strconv.Itoa(f.outageStatus) + ": " + http.StatusText(f.outageStatus)}}
}

func (f *faults) takeFailure(key string) (response, bool) {
	for _, r := range f.fail {
		if r.n > 0 && patternMatches(r.pattern, key) {
			r.n--
			return r.resp, true
		}
	}
	return response{}, false
}

func (f *faults) takeRateLimit(key string) (response, bool) {
	for _, r := range f.rate {
		if r.n > 0 && patternMatches(r.pattern, key) {
			r.n--
			return rateLimitResponse(key, r.retryAfter, r.global), true
		}
	}
	return response{}, false
}

func (f *faults) slowFor(key string) time.Duration {
	var d time.Duration
	for _, r := range f.slow {
		if patternMatches(r.pattern, key) && r.d > d {
			d = r.d
		}
	}
	return d
}

// rateLimitResponse builds a 429 the way Discord does. discordgo's ratelimit.go reads
// X-RateLimit-Remaining, X-RateLimit-Reset-After (preferred) / X-RateLimit-Reset + Date, and
// X-RateLimit-Global; the body's retry_after (float seconds) is what it sleeps before retrying.
func rateLimitResponse(key string, retryAfter float64, global bool) response {
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(retryAfter))))
	ra := strconv.FormatFloat(retryAfter, 'f', -1, 64)
	if global {
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Scope", "global")
	} else {
		sum := sha1.Sum([]byte(key))
		reset := float64(time.Now().UnixMilli())/1000 + retryAfter
		h.Set("X-RateLimit-Limit", "5")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 3, 64))
		h.Set("X-RateLimit-Reset-After", ra)
		h.Set("X-RateLimit-Bucket", hex.EncodeToString(sum[:8]))
		h.Set("X-RateLimit-Scope", "user")
	}
	return response{
		status: http.StatusTooManyRequests,
		header: h,
		body: map[string]any{
			"message":     "You are being rate limited.",
			"retry_after": retryAfter,
			"global":      global,
		},
	}
}
