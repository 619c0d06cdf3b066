package web_test

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// ?verify=full checks every entry from scratch on demand. Asked for at once on several
// incidents (any member may ask), those checks must not wait on each other for the
// database's few read connections: each request must be answered.
func TestFullChecksOnDemandTogetherAreAnswered(t *testing.T) {
	s := newSite(t, "")
	const incidents = 24
	alice := s.signIn("alice")
	for i := 1; i <= incidents; i++ {
		ch := s.declare("alice", fmt.Sprintf("Incident number %d", i))
		s.cmd("alice", ch, "note first look")
		if r := s.get(alice, fmt.Sprintf("/incidents/INC-%d", i)); r.StatusCode != http.StatusOK {
			t.Fatalf("INC-%d: %d", i, r.StatusCode)
		}
	}
	quick := &http.Client{Jar: alice.Jar, Timeout: 20 * time.Second} // a deadlock never answers; a loaded machine is slow
	for round := 0; round < 6; round++ {
		s.clock.Advance(time.Minute / 2) // past the coalescing of on-demand checks
		var wg sync.WaitGroup
		errs := make(chan error, 4*incidents)
		for k := 0; k < 4*incidents; k++ {
			i, query := k%incidents+1, "?verify=full"
			if k >= incidents {
				query = "" // plain views at the same time: the read connections are contended
			}
			wg.Go(func() {
				resp, err := quick.Get(fmt.Sprintf("%s/incidents/INC-%d%s", s.http.URL, i, query))
				if err != nil {
					errs <- fmt.Errorf("INC-%d: %v", i, err)
					return
				}
				defer resp.Body.Close()
				_, _ = io.Copy(io.Discard, resp.Body)
				if resp.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("INC-%d: HTTP %d", i, resp.StatusCode)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("round %d: %v", round, err)
		}
		if t.Failed() {
			return
		}
	}
}
