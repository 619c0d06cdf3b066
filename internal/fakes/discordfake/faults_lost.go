package discordfake

import (
	"math/rand/v2"
	"net"
	"net/http"
)

// Applied, answer lost: Discord (or Cloudflare in front of it) applies the request and the
// client never learns — a 500 after the write, a 502 from the edge, a connection that drops
// before the answer. Every other fault of the fake rejects a request before any state
// changes; this one runs the handler first. discordgo retries a 502 by itself, so a lost 502
// also shows what a client-side retry does to a non-idempotent call.

// StatusAnswerLost is logged for a request that took effect but whose connection was dropped
// without an answer.
const StatusAnswerLost = 598

// loseRule loses the answers of matching requests: left of them (left < 0: until
// ClearFaults), each with probability fraction (drawn from rng; 1: every one).
type loseRule struct {
	pattern  string
	left     int
	fraction float64
	rng      *rand.Rand
}

// LoseAnswers makes the next n requests matching pattern take effect and then lose their
// answer: in turn a JSON 500, an HTML 502 (which discordgo retries itself) and a dropped
// connection. n < 0 loses answers until ClearFaults.
func (s *Server) LoseAnswers(pattern string, n int) {
	mustValidPattern(pattern)
	s.mu.Lock()
	s.faults.lose = append(s.faults.lose, &loseRule{pattern: pattern, left: n, fraction: 1})
	s.mu.Unlock()
}

// LoseSomeAnswers loses the answer of each matching request with probability fraction,
// drawn from a generator seeded with seed, until ClearFaults: a flaky network, where some
// requests get through between the lost ones.
func (s *Server) LoseSomeAnswers(pattern string, fraction float64, seed uint64) {
	mustValidPattern(pattern)
	s.mu.Lock()
	s.faults.lose = append(s.faults.lose, &loseRule{pattern: pattern, left: -1, fraction: fraction,
		rng: rand.New(rand.NewPCG(seed, 0x1057))})
	s.mu.Unlock()
}

// lostKind is how one lost answer reaches the client.
type lostKind int

const (
	notLost lostKind = iota
	lost500
	lost502
	lostDrop
)

// takeLose decides, and charges, whether this request's answer is lost. Called with s.mu held.
func (f *faults) takeLose(key string) lostKind {
	for _, r := range f.lose {
		if r.left == 0 || !patternMatches(r.pattern, key) {
			continue
		}
		if r.rng != nil && r.rng.Float64() >= r.fraction {
			return notLost
		}
		if r.left > 0 {
			r.left--
		}
		f.lostN++
		return lostKind(f.lostN%3 + 1)
	}
	return notLost
}

// LostAnswers counts requests on route (a Route* key, its template, or "*") that took effect
// but whose answer was lost.
func (s *Server) LostAnswers(pattern string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.log.entries {
		if e.Lost && patternMatches(pattern, e.Route) {
			n++
		}
	}
	return n
}

// loseAnswer writes what the client sees instead of the real answer.
func (s *Server) loseAnswer(w http.ResponseWriter, entry *LoggedRequest, kind lostKind) {
	entry.Lost = true
	switch kind {
	case lost500:
		s.finish(w, entry, response{status: http.StatusInternalServerError, body: apiError{Message: "500: Internal Server Error"}})
	case lost502:
		s.finish(w, entry, response{status: http.StatusBadGateway, text: "<html><body><h1>502 Bad Gateway</h1></body></html>"})
	default:
		entry.Status = StatusAnswerLost
		s.record(entry)
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic("discordfake: ResponseWriter cannot hijack")
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
}
