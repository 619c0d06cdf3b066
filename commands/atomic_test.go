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
)

// failingStore wraps the real store; when armed, the n-th call of one Tx method (counted
// from arming) fails with err, so tests can break a command at any point of its transaction.
type failingStore struct {
	Store
	mu     sync.Mutex
	method string
	at     int
	calls  map[string]int
	err    error
}

func (s *failingStore) arm(method string, at int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.method, s.at, s.calls, s.err = method, at, map[string]int{}, err
}

func (s *failingStore) disarm() { s.arm("", 0, nil) }

// count reports how often method was called since arming.
func (s *failingStore) count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

func (s *failingStore) hit(method string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[method]++
	if method == s.method && s.calls[method] == s.at {
		return s.err
	}
	return nil
}

func (s *failingStore) Update(ctx context.Context, fn func(Tx) error) error {
	return s.Store.Update(ctx, func(tx Tx) error { return fn(failingTx{Tx: tx, s: s}) })
}

type failingTx struct {
	Tx
	s *failingStore
}

func (t failingTx) Enqueue(o bot.Outbound, at time.Time) error {
	if err := t.s.hit("Enqueue"); err != nil {
		return err
	}
	return t.Tx.Enqueue(o, at)
}

func (t failingTx) Append(n int64, e *bot.Entry, ref string) (bool, error) {
	if err := t.s.hit("Append"); err != nil {
		return false, err
	}
	return t.Tx.Append(n, e, ref)
}

func (t failingTx) SaveIncident(inc *bot.Incident) error {
	if err := t.s.hit("SaveIncident"); err != nil {
		return err
	}
	return t.Tx.SaveIncident(inc)
}

func newFailingHarness(t *testing.T, opts ...harnessOption) (*harness, *failingStore) {
	fs := &failingStore{}
	h := newHarness(t, append(opts, withStore(func(s Store) Store { fs.Store = s; return fs }))...)
	return h, fs
}

var errInjected = errors.New("injected failure")

const nothingChanged = "warroom could not do that: an internal error occurred (logged). Nothing was changed; try again."

// TestDeclareIsAtomic breaks a declare at every outbox write and every timeline append: each
// time, nothing at all is left behind — no incident, no timeline, no outbox rows — and the
// next declare still gets INC-1.
func TestDeclareIsAtomic(t *testing.T) {
	h, fs := newFailingHarness(t)
	// How many writes does a declare make? Count them on a throwaway database.
	probe, pfs := newFailingHarness(t)
	pfs.disarm()
	probe.declare("alice", "Phishing wave")
	methods := []string{"Enqueue", "Append"}
	if pfs.count("Enqueue") < 3 || pfs.count("Append") < 2 {
		t.Fatalf("a declare made only %d outbox writes and %d appends", pfs.count("Enqueue"), pfs.count("Append"))
	}

	for _, method := range methods {
		n := pfs.count(method)
		for k := 1; k <= n; k++ {
			t.Run(fmt.Sprintf("%s %d of %d", method, k, n), func(t *testing.T) {
				h.t = t
				fs.arm(method, k, errInjected)
				src := h.source("console", "alice", "general")
				src.DedupKey = "declare-event"
				r := h.eng.HandleCommand(h.ctx, bot.Command{Source: src, Name: "incident", Text: "declare Phishing wave"}).Text
				if r.String() != nothingChanged {
					t.Errorf("reply %q", r)
				}
				if got := h.incidents(); len(got) != 0 {
					t.Errorf("an incident was left behind: %+v", got[0])
				}
				if es := h.entries(1); len(es) != 0 {
					t.Errorf("%d timeline rows were left behind", len(es))
				}
				if m := h.members(1); len(m) != 0 {
					t.Errorf("members left behind: %v", m)
				}
				if c := h.checklist(1, bot.PhaseIdentification); len(c) != 0 {
					t.Errorf("checklist left behind: %d rows", len(c))
				}
				if p := h.pending(); p != 0 {
					t.Errorf("%d outbox rows were left behind", p)
				}
				if out := h.flush(); out != "" {
					t.Errorf("the console printed:\n%s", out)
				}
			})
		}
	}
	h.t = t
	wantContains(t, "log", h.logs.String(), "command failed", "injected failure")

	// The failed attempts consumed neither the number nor the delivery key.
	fs.disarm()
	src := h.source("console", "alice", "general")
	src.DedupKey = "declare-event"
	r := h.eng.HandleCommand(h.ctx, bot.Command{Source: src, Name: "incident", Text: "declare Phishing wave"}).Text
	wantContains(t, "after the failures", r.String(), "Declared INC-1")
	h.deliver()
	if es := h.entries(1); len(es) != 2 || es[0].Seq != 1 || es[1].Seq != 2 {
		t.Errorf("timeline %v", kinds(es))
	}
	h.verify(1)
}

// TestPhaseChangeIsAtomic breaks a forced phase change at every write.
func TestPhaseChangeIsAtomic(t *testing.T) {
	h, fs := newFailingHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "role scribe @bob", "bob is scribe")

	probe, pfs := newFailingHarness(t)
	pch := probe.declare("alice", "Phishing wave")
	probe.mustSay("alice", pch, "role scribe @bob", "bob is scribe")
	pfs.disarm()
	probe.mustSay("alice", pch, "phase next --force", "moved")
	before := h.incident(1)
	for _, method := range []string{"SaveIncident", "Append", "Enqueue"} {
		n := pfs.count(method)
		if n == 0 {
			t.Fatalf("a phase change made no %s call", method)
		}
		for k := 1; k <= n; k++ {
			fs.arm(method, k, errInjected)
			h.unchanged(1, func() {
				if r := h.cmd("alice", ch, "phase next --force"); r != nothingChanged {
					t.Errorf("%s %d: reply %q", method, k, r)
				}
			})
			inc := h.incident(1)
			if inc.Phase != before.Phase || inc.HeadSeq != before.HeadSeq {
				t.Errorf("%s %d: phase %s head %d", method, k, inc.Phase, inc.HeadSeq)
			}
			if sp := h.phases(1); len(sp) != 1 || sp[0].Left != nil {
				t.Errorf("%s %d: phase spans %+v", method, k, sp)
			}
			if c := h.checklist(1, bot.PhaseContainment); len(c) != 0 {
				t.Errorf("%s %d: containment checklist half-written", method, k)
			}
		}
	}
	fs.disarm()
	h.mustSay("alice", ch, "phase next --force", "moved from identification to containment")
	h.verify(1)
}

// TestLinkIsAtomicAcrossIncidents: the second incident's entry failing undoes the first's.
func TestLinkIsAtomicAcrossIncidents(t *testing.T) {
	h, fs := newFailingHarness(t)
	h.declare("alice", "Phishing wave")
	ch2 := h.declare("alice", "Odd logins")
	fs.arm("Append", 2, errInjected)
	h.unchanged(1, func() {
		h.unchanged(2, func() {
			if r := h.cmd("alice", ch2, "link INC-1"); r != nothingChanged {
				t.Errorf("reply %q", r)
			}
		})
	})
	if l := h.links(1); len(l) != 0 {
		t.Errorf("links left behind: %v", l)
	}
	fs.disarm()
	h.mustSay("alice", ch2, "link INC-1", "now linked")
}

// TestStorageProblemsAreNamed: the reply says what kind of failure it was, never its text.
func TestStorageProblemsAreNamed(t *testing.T) {
	h, fs := newFailingHarness(t)
	ch := h.declare("alice", "Phishing wave")
	// The store marks each failure with its kind; the engine reads the kind, never the text
	// (which here says nothing it could match).
	for _, tc := range []struct {
		kind error
		err  string
		want string
	}{
		{bot.ErrDiskFull, "write /var/lib/x.db: no space", "the database disk is full."},
		{bot.ErrReadOnly, "open /var/lib/x.db: EROFS", "the database is read-only."},
		{bot.ErrBusy, "sqlite3: code 5", "the database is busy."},
		{nil, "database or disk is full at /var/lib/x.db", "an internal error occurred (logged)."},
	} {
		var injected error = errors.New(tc.err)
		if tc.kind != nil {
			injected = &bot.StoreError{Kind: tc.kind, Err: injected}
		}
		fs.arm("Append", 1, injected)
		r := h.cmd("alice", ch, "note hi")
		if r != "warroom could not do that: "+tc.want+" Nothing was changed; try again." {
			t.Errorf("%s: reply %q", tc.err, r)
		}
		if strings.Contains(r, "/var/lib") {
			t.Error("the reply leaks the error text")
		}
	}
	// The log keeps the detail for the operator, and names the verb that failed.
	if l := h.logs.String(); !strings.Contains(l, `verb="incident note"`) || !strings.Contains(l, "no space") {
		t.Errorf("the error log line lacks the verb or the cause:\n%s", l)
	}
	fs.disarm()
	h.verify(1)
}
