package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// slowReportStore wraps the real store (writes and snapshot reads) so that, once armed,
// the first read of incident 1's whole timeline (what the report is built from) waits
// until the test lets it go: a report build that takes as long as the test likes.
type slowReportStore struct {
	Store
	heldOnce
	failView bool // every snapshot read fails (the process "dies" before the report is queued)
}

// heldOnce holds, once armed, the first pass through it until the test lets it go: a step
// that takes as long as the test likes. entered is closed when that pass arrives.
type heldOnce struct {
	mu      sync.Mutex
	armed   bool
	entered chan struct{}
	release chan struct{}
}

func (g *heldOnce) arm(t *testing.T) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.armed, g.entered, g.release = true, make(chan struct{}), make(chan struct{})
	t.Cleanup(g.letGo) // a failed test must not leave the step (and maybe the writer) held
}

func (g *heldOnce) letGo() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.release:
	default:
		close(g.release)
	}
}

// pass waits there when armed and this is the pass to hold; the hold is used up.
func (g *heldOnce) pass(this bool) {
	g.mu.Lock()
	hold := g.armed && this
	if hold {
		g.armed = false
	}
	g.mu.Unlock()
	if hold {
		close(g.entered)
		<-g.release
	}
}

func (s *slowReportStore) wrap(tx Tx) Tx { return slowReportTx{Tx: tx, s: s} }

func (s *slowReportStore) Update(ctx context.Context, fn func(Tx) error) error {
	return s.Store.Update(ctx, func(tx Tx) error { return fn(s.wrap(tx)) })
}

func (s *slowReportStore) View(ctx context.Context, fn func(Tx) error) error {
	if s.failView {
		return errors.New("injected: no snapshot")
	}
	return s.Store.(Viewer).View(ctx, func(tx Tx) error { return fn(s.wrap(tx)) })
}

type slowReportTx struct {
	Tx
	s *slowReportStore
}

func (t slowReportTx) EachEntry(n int64, fn func(bot.Entry) error) error {
	t.s.pass(n == 1)
	return t.Tx.EachEntry(n, fn)
}

// closeWhileHeld declares INC-1 and INC-2 and closes INC-1 with part of the close held
// (arm sets the hold, entered is closed once the close reaches it, letGo ends it): bob's
// note in INC-2 must be answered meanwhile, INC-1 be closed already, and after the hold
// the close be answered and its report uploaded once.
func closeWhileHeld(t *testing.T, h *harness, arm func(*testing.T), entered func() <-chan struct{}, what string, letGo func()) {
	t.Helper()
	ch1 := h.declare("alice", "Phishing wave")
	ch2 := h.declare("bob", "Malware outbreak")
	h.mustSay("alice", ch1, "note proxy logs show 203.0.113.7", "Noted")
	h.flush()

	arm(t)
	closed := make(chan string, 1)
	go func() { closed <- h.send("console", "alice", ch1, "/incident close true-positive contained") }()
	within(t, entered(), what)

	noted := make(chan string, 1)
	go func() { noted <- h.send("console", "bob", ch2, "/incident note EDR quarantined the dropper") }()
	if r := within(t, noted, "bob's note while INC-1's close is held ("+what+")"); !strings.Contains(r, "Noted on INC-2") {
		t.Fatalf("bob's note: %s", r)
	}
	if inc := h.incident(1); inc.Status != bot.StatusClosed {
		t.Fatalf("INC-1 is %s while its report is built; the close should be committed", inc.Status)
	}

	letGo()
	if r := within(t, closed, "the close's reply"); !strings.Contains(r, "INC-1 is closed (true-positive).") {
		t.Fatalf("close: %s", r)
	}
	out := h.flush()
	wantContains(t, "after the close", out, "Lessons-learned report", "report-INC-1.md")
	if n := strings.Count(out, "report-INC-1.md"); n != 1 {
		t.Fatalf("the report was uploaded %d times:\n%s", n, out)
	}
}

// within waits for a result; the deadline only ends a failed test, nothing is timed.
func within[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("%s never happened: the writer was held", what)
		var zero T
		return zero
	}
}

// Closing builds the report of the whole timeline. While that build is under way (held
// here for as long as the test likes), another command in another incident still writes
// and is answered: the report is built from a snapshot after the close committed, not
// inside the write transaction, where it held the single writer (and every command) for
// the length of the build (about a second at 100,000 entries).
func TestCloseReportDoesNotHoldTheWriter(t *testing.T) {
	slow := &slowReportStore{}
	h, rec := repHarness(t, withStore(func(s Store) Store { slow.Store = s; return slow }))
	closeWhileHeld(t, h, slow.arm, func() <-chan struct{} { return slow.entered }, "the close's report build", slow.letGo)
	// The report holds what the close committed: its own close entry.
	f := rec.last(t)
	inc := h.incident(1)
	wantContains(t, "the report", string(f.Data), "closed as true-positive from identification: contained",
		"- Timeline entries: "+fmt.Sprint(inc.HeadSeq), "- Verification: passed")
	h.view(func(tx *storage.Tx) error {
		if tm, err := tx.Timer(closeReportKey(inc)); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("the close's promise timer is still pending after the report was queued: %+v, %v", tm, err)
		}
		return nil
	})
}

// When the process dies between the close's commit and queueing its report (the snapshot
// read fails, or writing the report's file apart does, close_report_file_test.go), the
// report is not lost: the close's timer delivers it when it comes due, once, and never
// twice.
func TestCloseReportSurvivesADeathBeforeItIsQueued(t *testing.T) {
	for name, wrap := range map[string]func(Store) Store{
		"snapshot read":    func(s Store) Store { return &slowReportStore{Store: s, failView: true} },
		"writing its file": func(s Store) Store { return &heldFileStore{Store: s, fail: true} },
	} {
		t.Run(name, func(t *testing.T) { reportSurvivesADeath(t, wrap) })
	}
}

func reportSurvivesADeath(t *testing.T, wrap func(Store) Store) {
	h := newHarness(t, withStore(wrap))
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "close benign scanner noise", "INC-1 is closed (benign).")
	if out := h.flush(); strings.Contains(out, "report-INC-1.md") {
		t.Fatalf("a report went out although its build or writing failed:\n%s", out)
	}
	var tm bot.Timer
	h.view(func(tx *storage.Tx) (err error) { tm, err = tx.Timer(closeReportKey(h.incident(1))); return err })
	h.clock.Advance(closeReportGrace)
	h.eng.FireTimer(h.ctx, tm.ID)
	h.eng.FireTimer(h.ctx, tm.ID) // a second firing finds it claimed
	out := h.flush()
	if n := strings.Count(out, "report-INC-1.md"); n != 1 {
		t.Fatalf("the timer delivered the report %d times, want once:\n%s", n, out)
	}
}
