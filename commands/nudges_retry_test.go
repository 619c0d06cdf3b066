package commands

import (
	"strings"
	"testing"
	"time"
)

// A nudge whose firing transaction fails (here its first outbox write; a disk error, a lost
// connection) rolls back and leaves its timer pending: the scheduler fires it again after a
// backoff and the nudge goes out once. Before, the scheduler dropped the timer after the
// failed call, and with no other commit to refresh the timers the nudge was never sent.
func TestNudgeWhoseFireFailedIsSentOnceAfterARetry(t *testing.T) {
	for _, store := range []struct {
		name string
		opts []harnessOption
	}{{"sqlite", nil}, {"postgres", []harnessOption{onPostgres()}}} {
		t.Run(store.name, func(t *testing.T) {
			fs := &failingStore{}
			r := newNgRig(t, append(store.opts, withStore(func(s Store) Store { fs.Store = s; return fs }))...)
			ch := r.h.declare("alice", "Phishing wave sev2")
			r.at(5*time.Minute - time.Second)
			r.h.flush()
			fs.arm("Enqueue", 1, errInjected)
			r.h.clock.Advance(time.Second)
			deadline := time.Now().Add(30 * time.Second)
			for fs.count("Enqueue") == 0 || r.busy() {
				if time.Now().After(deadline) {
					t.Fatal("the no-commander nudge was never fired")
				}
				time.Sleep(5 * time.Millisecond)
			}
			if _, ok := r.timer(timerKey(kindNoCommander, 1)); !ok {
				t.Fatal("the failed fire did not leave its timer pending")
			}
			fs.disarm()
			// The first retry comes within a second (backoff from 1 s, jittered in its
			// upper half); idle then waits until nothing is due.
			r.h.clock.Advance(time.Second)
			r.idle()
			out := r.h.flush()
			if n := strings.Count(channelLines(out, ch), "has no incident commander"); n != 1 {
				t.Fatalf("the nudge was posted %d times after the retry:\n%s", n, out)
			}
			if out := r.at(3 * time.Hour); strings.Contains(out, "no incident commander") {
				t.Fatalf("the nudge repeated:\n%s", out)
			}
		})
	}
}
