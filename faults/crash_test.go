//go:build faults

package faults

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

const (
	crashKills   = 20
	crashClients = 64
)

// TestCrash: SIGKILL the bot 20 times, at moments drawn from a seeded RNG, while 64
// clients send signed `/incident note` commands. A command is acknowledged when its HTTP
// answer is 200 with "Noted". After every restart each acknowledged note is in the
// database, `PRAGMA integrity_check` is ok and `warroom verify --all` passes. Clients
// retry on connection errors with the same trigger_id, so a command that committed but
// whose answer died with the process is recognised as a redelivery and recorded once.
func TestCrash(t *testing.T) {
	seed := faultsSeed(t)
	figure("crash seed=%d (FAULTS_SEED=%d draws the same kill delays again)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))

	w := newWorkspace(t)
	b := newBot(t, w, filepath.Join(t.TempDir(), "warroom.db"))
	b.mustStart()
	ch := w.declare(t, b, uAlice, "Crash test sev2")

	l := &crashLoad{w: w, b: b, ch: ch, stop: make(chan struct{}), deadline: time.Now().Add(crashMaxLoad), acked: map[string]bool{},
		redelivered: map[string]bool{}, late: map[string]lateAnswer{}, abandoned: map[string]bool{}, retried: map[string]bool{}}
	for i := range crashClients {
		l.wg.Add(1)
		go l.client(i)
	}
	stopLoad := sync.OnceFunc(func() { close(l.stop); l.wg.Wait() })
	defer stopLoad()

	var readyTimes []time.Duration
	var checkTimes []time.Duration
	killedAtAcks := make([]int64, 0, crashKills)
	for k := 1; k <= crashKills; k++ {
		// A random moment: between 50 ms and 1.5 s into this run, and never before the
		// load is flowing again (at least one acknowledgement since the restart).
		base := l.ackCount.Load()
		deadline := time.Now().Add(time.Duration(50+rng.IntN(1450)) * time.Millisecond)
		limit := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) || l.ackCount.Load() == base {
			if time.Now().After(limit) {
				t.Fatalf("kill %d: no command acknowledged in 20 s since the restart\n%s", k, b.logTail(30))
			}
			pause(5 * time.Millisecond)
		}
		b.kill()
		l.killed(time.Now())
		killedAtAcks = append(killedAtAcks, l.ackCount.Load())
		b.start()
		d, err := b.waitReady(20 * time.Second)
		if err != nil {
			t.Fatalf("restart %d: %v", k, err)
		}
		readyTimes = append(readyTimes, d)
		start := time.Now()
		missing, dups, integrity := l.check(t)
		checkTimes = append(checkTimes, time.Since(start))
		if len(missing) > 0 || len(dups) > 0 || integrity != "ok" {
			t.Fatalf("after restart %d: %d acknowledged notes missing %v, duplicated %v, integrity_check %q",
				k, len(missing), firstFew(missing), firstFew(dups), integrity)
		}
	}
	stopLoad()
	code := b.stop(60 * time.Second)
	if code != 0 {
		t.Errorf("warroom exited %d after SIGTERM", code)
	}
	missing, dups, integrity := l.check(t)
	if len(missing) > 0 || len(dups) > 0 || integrity != "ok" {
		t.Fatalf("at the end: %d acknowledged notes missing %v, duplicated %v, integrity_check %q", len(missing), firstFew(missing), firstFew(dups), integrity)
	}
	final := readDB(t, b.db)
	l.mu.Lock()
	defer l.mu.Unlock()
	unackedInDB := l.explain(t, final)
	lateAnswered := l.checkLate(t, w, final)
	slices.Sort(readyTimes)
	slices.Sort(checkTimes)
	figure("crash restarts=%d clients=%d sent=%d acked=%d (noted=%d redelivered=%d late=%d late_followed_up=%d) lost=0 duplicated=0 unacked_in_db=%d abandoned_at_stop=%d conn_errors=%d",
		crashKills, crashClients, l.sent.Load(), len(l.acked), l.ackCount.Load(), len(l.redelivered), len(l.late), lateAnswered,
		unackedInDB, len(l.abandoned), l.connErrs.Load())
	figure("crash restart_to_ready_ms p50=%d max=%d check_ms p50=%d max=%d acks_at_each_kill=%v",
		readyTimes[len(readyTimes)/2].Milliseconds(), readyTimes[len(readyTimes)-1].Milliseconds(),
		checkTimes[len(checkTimes)/2].Milliseconds(), checkTimes[len(checkTimes)-1].Milliseconds(), killedAtAcks)
}

// explain checks the answers against the final database (called with l.mu held): no
// unexpected answer; a bare 200 only to a retry; and a note in the database that was never
// answered "Noted" is exactly one whose answer died with a killed process and whose retry
// was recognised (a bare 200), or one late ("Working on it"), or one whose client was
// stopped while retrying at the end of the load (its fate unknown to the client). It
// returns how many such unacknowledged notes the database holds.
func (l *crashLoad) explain(t *testing.T, final dbState) (unackedInDB int) {
	t.Helper()
	if len(l.unexpected) > 0 {
		t.Errorf("%d unexpected answers, e.g. %v", len(l.unexpected), firstFew(l.unexpected))
	}
	var unexplained []string
	for text := range final.notes {
		if !strings.HasPrefix(text, "crash-c") || l.acked[text] {
			continue
		}
		unackedInDB++
		_, late := l.late[text]
		if !l.redelivered[text] && !late && !l.abandoned[text] {
			unexplained = append(unexplained, text)
		}
	}
	if len(unexplained) > 0 {
		slices.Sort(unexplained)
		t.Errorf("%d notes in the database were neither acknowledged nor redeliveries: %v", len(unexplained), firstFew(unexplained))
	}
	for id := range l.redelivered {
		if !l.retried[id] {
			t.Errorf("%s: a bare 200 on its first attempt (the command was never seen before)", id)
		}
	}
	return unackedInDB
}

// checkLate: a "Working on it" promises the answer through response_url; it must come,
// unless a process was killed before it could, and the note must then be on the timeline
// once (called with l.mu held). It returns how many follow-ups came.
func (l *crashLoad) checkLate(t *testing.T, w *workspace, final dbState) (lateAnswered int) {
	t.Helper()
	followups := map[string]string{}
	for _, p := range w.fake.ResponseURLPosts() {
		followups[p.URL] += p.Text
	}
	var lateMissing []string
	for id, la := range l.late {
		switch {
		case strings.Contains(followups[la.url], "Noted on INC-1"):
			lateAnswered++
		case l.killedAfter(la.at):
			continue // the process may have died before the answer (or the commit)
		default:
			t.Errorf("%s answered \"Working on it\" but its follow-up never came (response_url got %q)", id, followups[la.url])
		}
		if final.notes[id] != 1 {
			lateMissing = append(lateMissing, id)
		}
	}
	if len(lateMissing) > 0 {
		t.Errorf("%d \"Working on it\" notes answered (or never cut short) but not on the timeline once: %v", len(lateMissing), firstFew(lateMissing))
	}
	return lateAnswered
}

// crashLoad is the 64 clients and what they saw.
type crashLoad struct {
	w        *workspace
	b        *botProc
	ch       string
	stop     chan struct{}
	deadline time.Time // clients stop by then whatever happens
	wg       sync.WaitGroup

	sent, connErrs atomic.Int64
	ackCount       atomic.Int64 // "Noted" answers

	mu sync.Mutex
	// acked is every note the bot acknowledged as done: "Noted", or a bare 200 to a retry
	// (already done). A "Working on it" joins them at the end, once its follow-up came or
	// no kill could have cut it short.
	acked       map[string]bool
	redelivered map[string]bool       // answered with a bare 200
	late        map[string]lateAnswer // answered "Working on it"
	retried     map[string]bool       // sent again after a failed attempt
	abandoned   map[string]bool       // the client stopped while still retrying it
	kills       []time.Time
	unexpected  []string
}

// lateAnswer is a "Working on it": when, and where the real answer is to go.
type lateAnswer struct {
	at  time.Time
	url string
}

func (l *crashLoad) killed(at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.kills = append(l.kills, at)
}

// killedAfter reports whether a kill came after at (called with l.mu held).
func (l *crashLoad) killedAfter(at time.Time) bool {
	for _, k := range l.kills {
		if k.After(at) {
			return true
		}
	}
	return false
}

func (l *crashLoad) mark(set map[string]bool, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	set[id] = true
}

// Bounds on each client: commands in all, attempts per command (a restart window is a
// few hundred milliseconds; 400 × 25 ms is 10 s), and time.
const (
	crashMaxPerClient = 20000
	crashMaxAttempts  = 400
	crashRetryPause   = 25 * time.Millisecond
	crashMaxLoad      = 5 * time.Minute
)

func (l *crashLoad) client(i int) {
	defer l.wg.Done()
	send := l.w.sender(l.b)
	for n := range crashMaxPerClient {
		select {
		case <-l.stop:
			return
		default:
		}
		if time.Now().After(l.deadline) {
			return
		}
		id := fmt.Sprintf("crash-c%02d-%05d", i, n)
		if !l.one(send, id) {
			return
		}
	}
}

// one sends a note until it is answered; false when the load is stopping.
func (l *crashLoad) one(send *slackfake.HTTPSender, id string) bool {
	fields := l.w.command(l.ch, uAlice, "note "+id)
	l.sent.Add(1)
	for attempt := range crashMaxAttempts {
		if attempt > 0 {
			l.mark(l.retried, id)
		}
		res, err := send.SlashCommand(fields) // re-signed with a fresh timestamp each time
		if l.answered(id, fields.ResponseURL, res, err) {
			return true
		}
		select {
		case <-l.stop:
			l.mark(l.abandoned, id)
			return false
		case <-time.After(crashRetryPause):
		}
	}
	l.unexpectedAnswer(id, "never answered")
	return true
}

// answered records one attempt's outcome; false when the command should be sent again.
func (l *crashLoad) answered(id, responseURL string, res slackfake.HTTPResult, err error) bool {
	switch {
	case err != nil:
		// The bot is down (killed, restarting): try again shortly.
		l.connErrs.Add(1)
		return false
	case res.Status == http.StatusUnauthorized:
		// The same signature within one second to the same process (an answer lost to a
		// connection error, retried at once): re-sign a moment later.
		return false
	case res.Status != http.StatusOK:
		l.unexpectedAnswer(id, fmt.Sprintf("HTTP %d %s", res.Status, res.Body))
		return true
	}
	text, err := ackText(res.Body)
	switch {
	case err != nil:
		l.unexpectedAnswer(id, err.Error())
	case strings.Contains(text, "Noted on INC-1"):
		l.mark(l.acked, id)
		l.ackCount.Add(1)
	case text == "":
		// Already done: a delivery whose answer was lost committed before the kill, and
		// its retry was recognised by its trigger_id. Acknowledged all the same.
		l.mu.Lock()
		l.acked[id], l.redelivered[id] = true, true
		l.mu.Unlock()
	case strings.Contains(text, "Working on it"):
		// Over the 2 s budget; the answer goes to response_url instead. The command is
		// acknowledged: it must be in the database and its answer must follow.
		// (A kill before the commit can still lose it; see the final check.)
		l.mu.Lock()
		l.late[id] = lateAnswer{at: time.Now(), url: responseURL}
		l.mu.Unlock()
	case strings.Contains(text, "restarting"):
		return false
	default:
		l.unexpectedAnswer(id, text)
	}
	return true
}

func (l *crashLoad) unexpectedAnswer(id, what string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.unexpected = append(l.unexpected, id+": "+what)
}

// check reads the database (read-only, beside the running bot) and runs `warroom verify
// --all`: every note acknowledged so far must be there, once.
func (l *crashLoad) check(t *testing.T) (missing, dups []string, integrity string) {
	t.Helper()
	l.mu.Lock()
	acked := make([]string, 0, len(l.acked))
	for id := range l.acked {
		acked = append(acked, id)
	}
	l.mu.Unlock()
	s := readDB(t, l.b.db)
	verifyAll(t, l.b.db)
	return s.missing(acked), s.duplicated(), s.integrity
}
