package timers

import (
	"context"
	"math/rand/v2"
	"time"
)

// maxBackoff caps the wait before a fire or a read of the store is tried again.
const maxBackoff = time.Minute

// backoff is the wait before try n+1 of something that failed n+1 times in a row: doubling
// from 1 s up to maxBackoff, with jitter (a random part of the upper half, as the outbox
// does), so the timers held up by one outage are not all tried in the same instant when the
// database comes back.
func backoff(n int) time.Duration {
	wait := min(time.Second<<min(n, 6), maxBackoff)
	half := int64(wait / 2)
	return time.Duration(half + rand.Int64N(half+1))
}

// readFailed owes a re-read of the store after a backoff (s.mu held): a failed read must
// not leave the armed set stale until some later commit happens to ask for a refresh. The
// error is the store's: it names the database without its password (storage never puts
// one in an error), so it is logged as it is.
func (s *Scheduler) readFailed(ctx context.Context, what string, err error) {
	wait := backoff(s.misses)
	s.misses++
	s.reread = s.clock.Now().Add(wait)
	s.poke()
	if ctx.Err() == nil { // a stop cancelled it: nothing went wrong
		s.log.Warn("timers: "+what+" failed; reading again", "attempt", s.misses, "retry_in", wait, "err", err)
	}
}

// settle decides what becomes of arming a once its fire call for timer id has returned
// (s.mu held). fire reports nothing, and the store is the truth, so the timer is read
// again — under s.mu, like reconcile's snapshot, so that the two are applied in the order
// they were read:
//   - no longer pending (claimed, cancelled): done;
//   - pending at another time (moved): armed for it;
//   - still pending at the time it just fired at: the fire did not take. Its transaction
//     failed and rolled back, or it set the timer again for the time it had — a refresh
//     during the call then saw no change and kept this arming, so dropping it here would
//     leave the timer pending and unarmed. It is fired again after a backoff: soon, but
//     not in a tight loop against a database that refuses writes.
func (s *Scheduler) settle(ctx context.Context, id int64, a armedTimer) {
	t, pending, err := s.store.PendingTimer(ctx, id)
	switch {
	case err != nil:
		// Unknown: a whole re-read settles it, and re-arms it if it is still pending.
		delete(s.armed, id)
		s.readFailed(ctx, "reading a fired timer", err)
	case !pending:
		delete(s.armed, id)
	case !t.Due.Equal(a.due):
		s.arm(id, t.Due)
	default:
		wait := backoff(a.tries)
		a.tries++
		a.at = s.clock.Now().Add(wait)
		s.armed[id] = a
		s.log.Warn("timers: a fired timer is still pending at its due time; firing it again", "timer", id, "attempt", a.tries, "retry_in", wait)
	}
}
