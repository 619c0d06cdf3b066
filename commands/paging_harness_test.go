package commands

// The paging tests' rig: a real SQLite database, the engine, the console workspace driven
// line by line through console.Shell (as `warroom shell` does), the outbox deliverer, and a
// fake clock whose due timers are fired in due order — deterministically, as the scheduler
// would (the scheduler itself is exercised in the restart test and timers/scheduler_test.go).

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/console"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/outbox"
	"github.com/warroom/warroom/storage"
)

// pgT0 is a Monday, 09:00 UTC (10:00 in Berlin).
var pgT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// pgConfig: secops rotates weekly (bob, then carol) at 09:00 Berlin (08:00 UTC in March),
// so bob is on call at pgT0; its policy is the README's on-call example. netops rotates daily
// at 09:00 UTC, erin first, and has the default policy.
// The nudges are pushed out of the way so the DM channels hold only what paging sends.
const pgConfig = `
leads: [dave]
nudges:
  no_commander: 1w
  status_update: {sev1: 1w, sev2: 1w, sev3: 1w, sev4: 1w}
  phase_dwell: {sev1: 1w, sev2: 1w, sev3: 1w, sev4: 1w}
roster:
  - {name: alice}
  - {name: bob}
  - {name: carol}
  - {name: dave}
  - {name: erin}
oncall:
  teams:
    secops:
      rotations:
        - {name: primary, members: [bob, carol], length: 1w, handoff: "09:00", start: 2026-03-02, timezone: Europe/Berlin}
      escalation:
        repeat: 2
        steps:
          - {notify: oncall, wait: 5m}
          - {notify: user, user: dave, wait: 10m}
          - {notify: team, wait: 10m}
    netops:
      rotations:
        - {name: daily, members: [erin, carol], length: 1d, handoff: "09:00", start: 2026-03-02}
`

type pgRig struct {
	t     testing.TB
	ctx   context.Context
	path  string
	cfg   *config.Config
	clock *clockwork.FakeClock
	db    *storage.DB
	eng   *Engine
	del   *outbox.Deliverer
	sh    *console.Shell
	out   *lockedBuffer
	mark  int
}

// newPgRig starts a workspace on a fresh database with config yaml (pgConfig if "").
func newPgRig(t testing.TB, yaml string) *pgRig {
	t.Helper()
	if yaml == "" {
		yaml = pgConfig
	}
	cfg, err := config.ParseConfig("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	r := &pgRig{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "w.db"), cfg: cfg, clock: clockwork.NewFakeClockAt(pgT0)}
	r.open()
	return r
}

// open (re)opens the database and builds a fresh engine, workspace and deliverer on it —
// a process start.
func (r *pgRig) open() {
	r.t.Helper()
	db, err := storage.Open(r.ctx, r.path)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { db.Close() })
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	r.db, r.out, r.mark = db, &lockedBuffer{}, 0
	con := console.New(r.out, r.clock, r.cfg.Location)
	r.del = outbox.NewDeliverer(db, r.clock, log, con)
	r.eng = New(Deps{Store: StoreOf[*storage.Tx](db), Config: r.cfg, Clock: r.clock, Log: log, Kick: r.del.Kick, Platforms: []string{console.Name}})
	if err := r.eng.ArmHandoffs(r.ctx); err != nil {
		r.t.Fatal(err)
	}
	r.sh = console.NewShell(con, r.eng, r.del.Flush, "alice")
	r.sh.Echo = true
}

// line types one workspace line and returns what was printed.
func (r *pgRig) line(s string) string {
	r.t.Helper()
	r.sh.Line(r.ctx, s)
	return r.take()
}

// lines types several lines and returns everything printed.
func (r *pgRig) lines(ls ...string) string {
	r.t.Helper()
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(r.line(l))
	}
	return b.String()
}

// take returns what the workspace printed since the last take.
func (r *pgRig) take() string {
	all := r.out.String()
	s := all[r.mark:]
	r.mark = len(all)
	return s
}

// run moves the clock forward by d, firing every timer that comes due on the way at its
// due time, in order, and delivering what each queued; it returns what was printed.
func (r *pgRig) run(d time.Duration) string {
	r.t.Helper()
	end := r.clock.Now().Add(d)
	for {
		pending, err := r.db.PendingTimers(r.ctx)
		if err != nil {
			r.t.Fatal(err)
		}
		sort.SliceStable(pending, func(i, j int) bool { return pending[i].Due.Before(pending[j].Due) })
		if len(pending) == 0 || pending[0].Due.After(end) {
			break
		}
		if wait := pending[0].Due.Sub(r.clock.Now()); wait > 0 {
			r.clock.Advance(wait)
		}
		r.eng.FireTimer(r.ctx, pending[0].ID)
		if err := r.del.Flush(r.ctx); err != nil {
			r.t.Fatal(err)
		}
	}
	if wait := end.Sub(r.clock.Now()); wait > 0 {
		r.clock.Advance(wait)
	}
	return r.take()
}

func (r *pgRig) view(fn func(tx *storage.Tx) error) {
	r.t.Helper()
	if err := r.db.View(r.ctx, fn); err != nil {
		r.t.Fatal(err)
	}
}

func (r *pgRig) page(id int64) *bot.Page {
	r.t.Helper()
	var p *bot.Page
	r.view(func(tx *storage.Tx) (err error) { p, err = tx.Page(id); return err })
	return p
}

func (r *pgRig) notifications(id int64) []bot.PageNotification {
	r.t.Helper()
	var ns []bot.PageNotification
	r.view(func(tx *storage.Tx) (err error) { ns, err = tx.PageNotifications(id); return err })
	return ns
}

func (r *pgRig) timeline(n int64) []bot.Entry {
	r.t.Helper()
	var es []bot.Entry
	r.view(func(tx *storage.Tx) (err error) { es, err = tx.Entries(n); return err })
	return es
}

func (r *pgRig) pendingTimer(key string) (bot.Timer, bool) {
	r.t.Helper()
	var tm bot.Timer
	var err error
	r.view(func(tx *storage.Tx) error { tm, err = tx.Timer(key); return nil })
	return tm, err == nil
}

// state is a fingerprint of everything a refused command must leave alone: pages,
// overrides, pending timers and outbox operations.
func (r *pgRig) state() string {
	r.t.Helper()
	var b strings.Builder
	r.view(func(tx *storage.Tx) error {
		ps, err := tx.PagesSince(time.Time{})
		if err != nil {
			return err
		}
		for _, p := range ps {
			b.WriteString(p.State + p.AckedBy + ";")
		}
		ovs, err := tx.Overrides(time.Time{})
		for _, o := range ovs {
			b.WriteString(o.Person + bot.FormatTime(o.Until) + ";")
		}
		return err
	})
	timers, _ := r.db.PendingTimers(r.ctx)
	for _, tm := range timers {
		b.WriteString(tm.Key + bot.FormatTime(tm.Due) + ";")
	}
	n, _ := r.db.OutboxDepth(r.ctx)
	b.WriteString(strings.Repeat("o", n))
	return b.String()
}

// pgWant fails unless s contains every one of subs.
func pgWant(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s: missing %q in:\n%s", what, sub, s)
		}
	}
}

// pgWantNot fails if s contains any of subs.
func pgWantNot(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			t.Errorf("%s: unexpected %q in:\n%s", what, sub, s)
		}
	}
}

// pgDMs keeps the printed lines of DMs (with their continuation lines).
func pgDMs(out string) string {
	var b strings.Builder
	keep := false
	for _, l := range strings.SplitAfter(out, "\n") {
		if !strings.HasPrefix(l, "  ") {
			keep = strings.HasPrefix(l, "[@")
		}
		if keep {
			b.WriteString(l)
		}
	}
	return b.String()
}
