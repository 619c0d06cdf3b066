package storage

import (
	"testing"
	"time"
)

// A leader that stops cleanly (SIGTERM, after its drain) gives the lock up and says so, and a
// follower takes over at once instead of at its next try. Here the followers' tries are ten
// minutes apart: before, the follower led only after them (the wait below gives up long
// before); a killed leader's successor still waits for its next try (LeaderRetry, 2 s),
// which PostgreSQL makes possible at once by dropping a dead session's lock.
func TestPostgresAStoppedLeaderHandsOverAtOnce(t *testing.T) {
	postgresOnly(t)
	was := leaderRetry
	leaderRetry = 10 * time.Minute
	t.Cleanup(func() { leaderRetry = was })
	_, els, stops := candidates(t, 3)
	first, _ := leaderOf(t, els, -1, 15*time.Second)
	// Let every follower make its first try (they start at once); one still to try would
	// take over without waiting for anything.
	time.Sleep(time.Second)
	stops[first]()
	els[first].Wait()
	second, took := leaderOf(t, els, first, 30*time.Second)
	t.Logf("leader %d stopped: %d leads after %v", first, second, took)
	stops[second]()
	els[second].Wait()
	third, took := leaderOf(t, els, second, 30*time.Second)
	if third == first {
		t.Fatalf("the stopped candidate %d leads again", first)
	}
	t.Logf("leader %d stopped: %d leads after %v", second, third, took)
}
