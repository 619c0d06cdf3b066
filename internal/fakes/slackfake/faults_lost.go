package slackfake

import "math/rand/v2"

// Applied, answer lost: the hard case of exactly-once delivery. Slack (or a proxy in front of
// it) applies the call and the client never learns: the edge answers 5xx after the backend
// committed, or the connection drops before the answer is written. Every other fault of the
// fake rejects a call before it touches state; this one runs the handler first.

// loseRule loses the answers of matching calls: left of them (left < 0: until ClearFaults),
// each with probability fraction (drawn from rng; 1: every one).
type loseRule struct {
	method   string
	left     int
	fraction float64
	rng      *rand.Rand
}

// LoseAnswers makes the next n calls matching method ("*" for any Web API method; the
// "(upload)" and "(response_url)" endpoints must be named, as for the other faults) take
// effect and then lose their answer: HTTP 500 with Slack's HTML error page and a dropped
// connection in turn (SetOutageMode picks one of the two instead). n < 0 loses answers until
// ClearFaults.
func (s *Server) LoseAnswers(method string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.lose = append(s.faults.lose, &loseRule{method: method, left: n, fraction: 1})
}

// LoseSomeAnswers loses the answer of each matching call with probability fraction, drawn
// from a generator seeded with seed (the same seed loses the same calls of the same
// sequence), until ClearFaults: a flaky network, where some calls get through between the
// lost ones.
func (s *Server) LoseSomeAnswers(method string, fraction float64, seed uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.lose = append(s.faults.lose, &loseRule{method: method, left: -1, fraction: fraction,
		rng: rand.New(rand.NewPCG(seed, 0x1057))})
}

// loseVerdictLocked decides, and charges, whether this call's answer is lost after it is
// applied.
func (s *Server) loseVerdictLocked(method string) verdict {
	f := &s.faults
	for _, r := range f.lose {
		if r.left == 0 || !matches(r.method, method) {
			continue
		}
		if r.rng != nil && r.rng.Float64() >= r.fraction {
			return verdict{}
		}
		if r.left > 0 {
			r.left--
		}
		f.lostN++
		kind := faultLost500
		switch {
		case f.mode == OutageHijack, f.mode == OutageAlternate && f.lostN%2 == 0:
			kind = faultLostHijack
		}
		return verdict{kind: kind}
	}
	return verdict{}
}

// LostAnswers counts the calls that took effect but whose answer the fake lost.
func (s *Server) LostAnswers(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Err == errAnswerLost && (method == "*" || r.Method == method) {
			n++
		}
	}
	return n
}

const errAnswerLost = "answer_lost"
