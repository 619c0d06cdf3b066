package discordfake

import "time"

// changed wakes every WaitFor. Called after each REST request and gateway event.
func (s *Server) changed() {
	s.notifyMu.Lock()
	close(s.notify)
	s.notify = make(chan struct{})
	s.notifyMu.Unlock()
}

func (s *Server) changes() <-chan struct{} {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	return s.notify
}

// WaitFor blocks until cond returns true or timeout passes, and reports whether cond held. It
// re-evaluates cond whenever the fake's state changes, and also every few milliseconds so that
// conditions on client-side state (a handler's counter) work too. Use it instead of sleeps.
func (s *Server) WaitFor(cond func() bool, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		ch := s.changes() // fetch before evaluating so a change in between is not missed
		if cond() {
			return true
		}
		select {
		case <-ch:
		case <-tick.C:
		case <-deadline.C:
			return cond()
		}
	}
}

// WaitFor is the server-less form for conditions that do not involve a fake: it polls cond every
// few milliseconds until it holds or timeout passes.
func WaitFor(cond func() bool, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			return cond()
		}
		<-tick.C
	}
	return true
}
