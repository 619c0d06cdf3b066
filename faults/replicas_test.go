//go:build faults

package faults

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

const (
	replicaCount   = 3
	replicaKills   = 10
	replicaClients = 64
	// The nudges each round's incident must get exactly once: the no-commander reminder
	// (replicaNoCommander after the declaration) and its overdue task's (replicaTaskDue).
	replicaNoCommander = 3 * time.Second
	replicaTaskDue     = 5 * time.Second
	// How long a due reminder may take to reach the fake: a message the killed leader had
	// claimed waits out its claim's lease (30 s) before the new leader delivers it, and the
	// messages behind it in its lane wait with it.
	replicaPatience = 60 * time.Second
)

// replicaConfig is every replica's configuration: the workspace's roster, and a
// no-commander reminder early enough to fall due around a kill (quiet hours off: the
// default 20:00-08:00 UTC moves a sev3 incident's reminders to the morning).
var replicaConfig = fmt.Sprintf("leads: [alice]\nroster:\n  - {name: alice, slack: %s}\n  - {name: bob, slack: %s}\nnudges: {no_commander: %ds, quiet_hours: \"off\"}\n",
	uAlice, uBob, int(replicaNoCommander.Seconds()))

// TestReplicas: replicaCount `warroom run` processes on one PostgreSQL database, 64 clients
// sending signed `/incident note` commands spread over them (a client whose replica is down
// sends to the next, as a load balancer would, with the same trigger_id), and the leader
// killed with SIGKILL ten times at seeded moments, then started again. Each round first
// declares an incident whose two reminders fall due around the kill. After every kill:
// every acknowledged note is in the database once, `warroom verify --all` passes, each
// round's reminders came exactly once (channel and direct message), and no outbox row's
// message reached the fake Slack twice.
func TestReplicas(t *testing.T) {
	seed := faultsSeed(t)
	figure("replicas seed=%d replicas=%d (FAULTS_SEED=%d draws the same kill moments again)", seed, replicaCount, seed)
	rng := rand.New(rand.NewPCG(seed, 0x7e91))

	w := newWorkspace(t)
	rs := newReplicaSet(t, w, replicaCount, replicaConfig)
	rs.startAll()
	if _, err := rs.leader(20 * time.Second); err != nil {
		t.Fatalf("%v\n%s", err, rs.logTails(20))
	}
	ch := w.declare(t, rs.bots[0], uAlice, "Replica load sev2") // INC-1: the notes go here

	l := &crashLoad{w: w, ch: ch, stop: make(chan struct{}), deadline: time.Now().Add(crashMaxLoad), acked: map[string]bool{},
		redelivered: map[string]bool{}, late: map[string]lateAnswer{}, abandoned: map[string]bool{}, retried: map[string]bool{}}
	senders := make([]*slackfake.HTTPSender, len(rs.bots))
	for i, b := range rs.bots {
		senders[i] = w.sender(b)
	}
	var switched atomic.Int64
	for i := range replicaClients {
		l.wg.Add(1)
		go replicaClient(l, senders, i, &switched)
	}
	stopLoad := sync.OnceFunc(func() { close(l.stop); l.wg.Wait() })
	defer stopLoad()

	var rounds []replicaRound
	var failovers, checks []time.Duration
	for k := 1; k <= replicaKills; k++ {
		rounds = append(rounds, rs.declareRound(t, w, rng, k))
		leader, err := rs.leader(5 * time.Second)
		if err != nil {
			t.Fatalf("round %d: %v\n%s", k, err, rs.logTails(30))
		}
		// A random moment up to 4.5 s after the declaration — before, between or after its
		// reminders fall due — and never before notes are being acknowledged.
		base := l.ackCount.Load()
		at := time.Now().Add(time.Duration(200+rng.IntN(4300)) * time.Millisecond)
		limit := time.Now().Add(20 * time.Second)
		for time.Now().Before(at) || l.ackCount.Load() == base {
			if time.Now().After(limit) {
				t.Fatalf("round %d: no note acknowledged in 20 s\n%s", k, rs.logTails(30))
			}
			pause(5 * time.Millisecond)
		}
		rs.bots[leader].kill()
		killed := time.Now()
		l.killed(killed)
		if len(rs.bots) == 1 {
			rs.bots[leader].start() // alone, it must come back to lead again
		}
		// Another replica takes over (the contract: within 15 s; 30 s before this fails),
		// then the killed one is started again, as its service manager would.
		next, err := rs.leader(30 * time.Second)
		if err != nil {
			t.Fatalf("after kill %d: %v\n%s", k, err, rs.logTails(30))
		}
		failovers = append(failovers, time.Since(killed))
		if len(rs.bots) > 1 {
			if next == leader {
				t.Fatalf("after kill %d: the killed replica %d still leads", k, leader)
			}
			rs.bots[leader].start()
		}
		if _, err := rs.bots[leader].waitReady(20 * time.Second); err != nil {
			t.Fatalf("restart %d: %v", k, err)
		}
		start := time.Now()
		rs.checkRound(t, w, l, rounds)
		checks = append(checks, time.Since(start))
		if t.Failed() {
			t.Fatalf("after kill %d (replica %d led, then %d)\n%s", k, leader, next, rs.logTails(40))
		}
	}
	stopLoad()
	for i, b := range rs.bots {
		if code := b.stop(60 * time.Second); code != 0 {
			t.Errorf("replica %d exited %d after SIGTERM", i, code)
		}
	}
	rs.checkRound(t, w, l, rounds)
	final := readPG(t, rs.url)
	l.mu.Lock()
	defer l.mu.Unlock()
	unackedInDB := l.explain(t, final)
	lateAnswered := l.checkLate(t, w, final)
	dups, tagged := w.postedTwice()
	slices.Sort(failovers)
	slices.Sort(checks)
	figure("replicas kills=%d clients=%d sent=%d acked=%d (noted=%d redelivered=%d late=%d late_followed_up=%d) lost=0 duplicated=0 conn_errors=%d switched_replica=%d unacked_in_db=%d messages_tagged=%d posted_twice=%d",
		replicaKills, replicaClients, l.sent.Load(), len(l.acked), l.ackCount.Load(), len(l.redelivered), len(l.late), lateAnswered,
		l.connErrs.Load(), switched.Load(), unackedInDB, tagged, len(dups))
	figure("replicas kill_to_leader_ms p50=%d max=%d check_ms p50=%d max=%d",
		failovers[len(failovers)/2].Milliseconds(), failovers[len(failovers)-1].Milliseconds(),
		checks[len(checks)/2].Milliseconds(), checks[len(checks)-1].Milliseconds())
}

// replicaClient is one of the 64 clients: notes to its replica, and to the next one while
// that one is down.
func replicaClient(l *crashLoad, senders []*slackfake.HTTPSender, i int, switched *atomic.Int64) {
	defer l.wg.Done()
	r := i % len(senders)
	for n := range crashMaxPerClient {
		if time.Now().After(l.deadline) {
			return
		}
		id := fmt.Sprintf("crash-c%02d-%05d", i, n)
		fields := l.w.command(l.ch, uAlice, "note "+id)
		l.sent.Add(1)
		done := false
		for attempt := 0; !done && attempt < crashMaxAttempts; attempt++ {
			if attempt > 0 {
				l.mark(l.retried, id)
			}
			res, err := senders[r].SlashCommand(fields)
			if done = l.answered(id, fields.ResponseURL, res, err); done {
				break
			}
			if err != nil && len(senders) > 1 {
				r = (r + 1) % len(senders)
				switched.Add(1)
			}
			select {
			case <-l.stop:
				l.mark(l.abandoned, id)
				return
			case <-time.After(crashRetryPause):
			}
		}
		if !done {
			l.unexpectedAnswer(id, "never answered")
		}
		select {
		case <-l.stop:
			return
		default:
		}
	}
}

// replicaRound is one round's incident and when its reminders fall due.
type replicaRound struct {
	n        int // incident number
	channel  string
	declared time.Time
}

// declareRound declares the round's incident on a random replica and gives it a task due
// in replicaTaskDue; both its reminders are then pending.
func (rs *replicaSet) declareRound(t *testing.T, w *workspace, rng *rand.Rand, k int) replicaRound {
	t.Helper()
	b := rs.bots[rng.IntN(len(rs.bots))]
	declared := time.Now()
	ans := w.say(t, b, w.general, uAlice, fmt.Sprintf("declare Replica round %d sev1", k))
	m := channelNameRE.FindStringSubmatch(ans)
	if !strings.Contains(ans, fmt.Sprintf("Declared INC-%d", k+1)) || m == nil {
		t.Fatalf("declare in round %d answered %q", k, ans)
	}
	// The notes' backlog is in INC-1's lane; the channel's creation is not behind it. The
	// channel works for commands once the bot has recorded it.
	var ch slackfake.Channel
	if !w.fake.WaitFor(func() (ok bool) { ch, ok = w.fake.ChannelByName(m[1]); return ok }, 30*time.Second) {
		t.Fatalf("round %d: channel #%s never created\n%s", k, m[1], rs.logTails(30))
	}
	task := fmt.Sprintf("task add round %d: check the proxy logs due %ds", k, int(replicaTaskDue.Seconds()))
	for deadline := time.Now().Add(30 * time.Second); ; pause(50 * time.Millisecond) {
		if ans = w.say(t, b, ch.ID, uAlice, task); strings.Contains(ans, "Task 1 added") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task add in round %d answered %q", k, ans)
		}
	}
	return replicaRound{n: k + 1, channel: ch.ID, declared: declared}
}

// checkRound checks the database and the fake Slack: every note acknowledged so far is
// there once, verify passes, each round's reminders that are due came exactly once (they
// are waited for, up to replicaPatience past their due time), and no outbox row was posted
// twice.
func (rs *replicaSet) checkRound(t *testing.T, w *workspace, l *crashLoad, rounds []replicaRound) {
	t.Helper()
	l.mu.Lock()
	acked := make([]string, 0, len(l.acked))
	for id := range l.acked {
		acked = append(acked, id)
	}
	l.mu.Unlock()
	s := readPG(t, rs.url)
	if m, d := s.missing(acked), s.duplicated(); len(m) > 0 || len(d) > 0 {
		t.Errorf("%d acknowledged notes missing %v, duplicated %v", len(m), firstFew(m), firstFew(d))
	}
	rs.verify(t)
	for _, r := range rounds {
		for _, nudge := range []struct {
			marker string
			due    time.Duration
		}{
			{fmt.Sprintf("*INC-%d has no incident commander*", r.n), replicaNoCommander},
			{fmt.Sprintf("*Overdue task on INC-%d*", r.n), replicaTaskDue},
		} {
			// Once in the channel and once as alice's direct message (declarer and lead).
			deadline := r.declared.Add(nudge.due + replicaPatience)
			for {
				in, dm := w.countText(r.channel, nudge.marker)
				if in >= 1 && dm >= 1 {
					break
				}
				if time.Now().After(deadline) {
					t.Errorf("%s: in the channel %d times, by direct message %d times, %v after it fell due; its outbox:\n%s",
						nudge.marker, in, dm, replicaPatience, pgOutboxOf(t, rs.url, r.n))
					break
				}
				pause(50 * time.Millisecond)
			}
			if in, dm := w.countText(r.channel, nudge.marker); in > 1 || dm > 1 {
				t.Errorf("%s: in the channel %d times, by direct message %d times (want once each)", nudge.marker, in, dm)
			}
		}
		if st := pgTimers(t, rs.url, "nudge.no-commander", r.n); st["fired"] != 1 || st["pending"] != 0 {
			t.Errorf("INC-%d's no-commander timer: %v, want fired once", r.n, st)
		}
	}
	if dups, tagged := w.postedTwice(); len(dups) > 0 || tagged == 0 {
		t.Errorf("%d outbox rows posted twice (of %d tagged messages): %v", len(dups), tagged, firstFew(dups))
	}
}
