package slackfake

import "time"

// bumpLocked wakes every WaitFor. Called with s.mu held after any change a
// test might be waiting for (state, request log, socket traffic).
func (s *Server) bumpLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitFor blocks until cond returns true or timeout elapses, and reports
// whether cond became true. cond is re-evaluated after every change inside
// the fake rather than on a polling sleep, so waits end as soon as they can.
// cond runs without the fake's lock held and may call any introspection
// method (Messages, Acks, Connections, ...).
func (s *Server) WaitFor(cond func() bool, timeout time.Duration) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		// Taking the channel before evaluating cond means a change that lands
		// while cond runs still wakes us.
		if cond() {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			return cond()
		}
	}
}
