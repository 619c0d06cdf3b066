package commands

// The test harness: a real SQLite database in a temporary directory, the engine with a
// test roster, a fake clock, and the console workspace behind a real outbox deliverer, so
// tests see both the caller's reply and what the bot printed in the channels.

import (
	"context"
	"fmt"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/internal/pgtest"
	"github.com/warroom/warroom/internal/testutil"
	"github.com/warroom/warroom/outbox"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/console"
	"github.com/warroom/warroom/storage"
)

// t0 is when every test starts: a Monday morning.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// testRoster is the configuration every harness starts from; tests may append keys.
const testRoster = `
leads: [dave]
roster:
  - {name: alice, slack: U0ALICE}
  - {name: bob, slack: U0BOB}
  - {name: carol, slack: U0CAROL}
  - {name: dave, slack: U0DAVE}
`

// lockedBuffer is safe for concurrent writers and a reader in the test.
type lockedBuffer = testutil.LockedBuffer

type harness struct {
	t     testing.TB
	ctx   context.Context
	db    *storage.DB
	cfg   *config.Config
	clock *clockwork.FakeClock
	eng   *Engine
	con   *console.Console
	del   *outbox.Deliverer
	out   *lockedBuffer // everything the console printed
	mark  int           // how much of out flush has already returned
	logs  *lockedBuffer // the engine's and deliverer's log
}

type harnessConfig struct {
	extraYAML string
	roster    string // replaces testRoster
	wrap      func(Store) Store
	dir       string
	webURL    string
	pg        bool
}

type harnessOption func(*harnessConfig)

// withYAML appends configuration keys to the test roster.
func withYAML(y string) harnessOption { return func(c *harnessConfig) { c.extraYAML += "\n" + y } }

// withRoster replaces the test roster (leads and roster keys) with y.
func withRoster(y string) harnessOption { return func(c *harnessConfig) { c.roster = y } }

// withWebURL serves the web view at url (for /incident web).
func withWebURL(url string) harnessOption { return func(c *harnessConfig) { c.webURL = url } }

// withStore wraps the real store (to inject failures).
func withStore(w func(Store) Store) harnessOption { return func(c *harnessConfig) { c.wrap = w } }

// onPostgres puts the database in a throwaway PostgreSQL schema (internal/pgtest; the
// test is skipped where PostgreSQL is not installed, outside CI).
func onPostgres() harnessOption { return func(c *harnessConfig) { c.pg = true } }

// inDir puts the database in dir instead of t.TempDir(); the caller closes the harness (the
// fuzz test recycles databases across inputs).
func inDir(dir string) harnessOption { return func(c *harnessConfig) { c.dir = dir } }

var dbSeq struct {
	sync.Mutex
	n int
}

func newHarness(t testing.TB, opts ...harnessOption) *harness {
	t.Helper()
	var hc harnessConfig
	for _, o := range opts {
		o(&hc)
	}
	// A harness in a given directory is closed by its owner (h.close), not by t.
	owned := hc.dir != ""
	if !owned {
		hc.dir = t.TempDir()
	}
	dbSeq.Lock()
	dbSeq.n++
	name := fmt.Sprintf("warroom-%d.db", dbSeq.n)
	dbSeq.Unlock()
	ctx := context.Background()
	path := filepath.Join(hc.dir, name)
	if hc.pg {
		path = pgtest.DB(t)
	}
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	roster := testRoster
	if hc.roster != "" {
		roster = hc.roster
	}
	cfg, err := config.ParseConfig("test.yaml", []byte(roster+hc.extraYAML))
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	h := &harness{t: t, ctx: ctx, db: db, cfg: cfg, clock: clockwork.NewFakeClockAt(t0), out: &lockedBuffer{}, logs: &lockedBuffer{}}
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h.con = console.New(h.out, h.clock, cfg.Location)
	h.del = outbox.NewDeliverer(db, h.clock, log, h.con)
	var store Store = StoreOf[*storage.Tx](db)
	if hc.wrap != nil {
		store = hc.wrap(store)
	}
	h.eng = New(Deps{Store: store, Config: cfg, Clock: h.clock, Log: log, Kick: h.del.Kick, WebURL: hc.webURL})
	if !owned {
		t.Cleanup(func() { db.Close() })
	}
	return h
}

// close closes the database and removes its files (for harnesses made with inDir).
func (h *harness) close() {
	path := h.db.Path()
	h.db.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(path + suffix)
	}
}

// source is an event's origin; on Slack the user is given by roster name and sent as their id.
func (h *harness) source(platform, user, channel string) bot.Source {
	id := user
	if platform != console.Name {
		if pid, ok := h.cfg.PlatformID(platform, user); ok {
			id = pid
		}
	}
	return bot.Source{Platform: platform, Channel: channel, User: bot.User{ID: id, Name: user}}
}

// send runs a slash command ("/incident note hi", or "note hi" for /incident) without
// delivering the outbox.
func (h *harness) send(platform, user, channel, text string) string {
	h.t.Helper()
	name := "incident"
	if strings.HasPrefix(text, "/") {
		name, text, _ = strings.Cut(text[1:], " ")
	}
	return h.eng.HandleCommand(h.ctx, bot.Command{Source: h.source(platform, user, channel), Name: name, Text: text}).Text.String()
}

// do runs a slash command, delivers what it queued (as the console shell does after every
// line) and returns the reply.
func (h *harness) do(platform, user, channel, text string) string {
	h.t.Helper()
	r := h.send(platform, user, channel, text)
	h.deliver()
	return r
}

// cmd is do on the console for /incident.
func (h *harness) cmd(user, channel, text string) string {
	h.t.Helper()
	return h.do(console.Name, user, channel, "/incident "+text)
}

func (h *harness) deliver() {
	h.t.Helper()
	if err := h.del.Flush(h.ctx); err != nil {
		h.t.Fatalf("outbox flush: %v", err)
	}
}

// flush delivers the outbox and returns what the console printed since the last flush.
func (h *harness) flush() string {
	h.t.Helper()
	h.deliver()
	all := h.out.String()
	s := all[h.mark:]
	h.mark = len(all)
	return s
}

// press presses a button on the console.
func (h *harness) press(user, channel, action, value string) string {
	h.t.Helper()
	r := h.eng.HandlePress(h.ctx, bot.Press{Source: h.source(console.Name, user, channel), Action: action, Value: value}).Text
	h.deliver()
	return r.String()
}

// react adds an emoji to m as user.
func (h *harness) react(user, emoji string, m *bot.ChatMessage) string {
	h.t.Helper()
	r := h.eng.HandleReaction(h.ctx, bot.Reaction{Source: h.source(console.Name, user, m.Channel), MessageID: m.ID, Emoji: emoji, Message: m}).Text
	h.deliver()
	return r.String()
}

var declaredRe = regexp.MustCompile(`Declared INC-(\d+) .*#(\S+) is being opened`)

// declare declares an incident as user from #general and returns its channel.
func (h *harness) declare(user, title string) string {
	h.t.Helper()
	r := h.cmd(user, "general", "declare "+title)
	m := declaredRe.FindStringSubmatch(r)
	if m == nil {
		h.t.Fatalf("declare %q: %s", title, r)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	inc := h.incident(n)
	if inc.ChannelID == "" {
		h.t.Fatalf("INC-%d has no channel after delivery", n)
	}
	return inc.ChannelID
}

// mustSay runs a console command and fails unless the reply contains want.
func (h *harness) mustSay(user, channel, text, want string) string {
	h.t.Helper()
	r := h.cmd(user, channel, text)
	if !strings.Contains(r, want) {
		h.t.Fatalf("%s: /incident %s\n got: %s\nwant: …%s…", user, text, r, want)
	}
	return r
}

func (h *harness) view(fn func(tx *storage.Tx) error) {
	h.t.Helper()
	if err := h.db.View(h.ctx, fn); err != nil {
		h.t.Fatal(err)
	}
}

// entries is incident n's timeline.
func (h *harness) entries(n int64) []bot.Entry {
	h.t.Helper()
	var es []bot.Entry
	h.view(func(tx *storage.Tx) (err error) { es, err = tx.Entries(n); return err })
	return es
}

// last is the newest timeline entry of incident n.
func (h *harness) last(n int64) bot.Entry {
	h.t.Helper()
	es := h.entries(n)
	if len(es) == 0 {
		h.t.Fatalf("INC-%d has no timeline", n)
	}
	return es[len(es)-1]
}

// lastOf is the newest entry of a kind on incident n's timeline (features may record more
// after it, e.g. the review a close opens).
func (h *harness) lastOf(n int64, kind string) bot.Entry {
	h.t.Helper()
	e, ok := findEntry(h.entries(n), kind, "")
	if !ok {
		h.t.Fatalf("INC-%d has no %s entry", n, kind)
	}
	return e
}

// incident loads incident n.
func (h *harness) incident(n int64) *bot.Incident {
	h.t.Helper()
	var inc *bot.Incident
	h.view(func(tx *storage.Tx) (err error) { inc, err = tx.Incident(n); return err })
	return inc
}

func (h *harness) incidents() []bot.Incident {
	h.t.Helper()
	var out []bot.Incident
	h.view(func(tx *storage.Tx) (err error) { out, err = tx.Incidents(true); return err })
	return out
}

func (h *harness) members(n int64) []string {
	h.t.Helper()
	var out []string
	h.view(func(tx *storage.Tx) (err error) { out, err = tx.Members(n); return err })
	return out
}

func (h *harness) roles(n int64) map[string]string {
	h.t.Helper()
	var out map[string]string
	h.view(func(tx *storage.Tx) (err error) { out, err = tx.CurrentRoles(n); return err })
	return out
}

func (h *harness) checklist(n int64, p bot.Phase) []bot.ChecklistItem {
	h.t.Helper()
	var out []bot.ChecklistItem
	h.view(func(tx *storage.Tx) (err error) { out, err = tx.Checklist(n, p); return err })
	return out
}

func (h *harness) tasks(n int64) []bot.Task {
	h.t.Helper()
	var out []bot.Task
	h.view(func(tx *storage.Tx) (err error) { out, err = tx.Tasks(n); return err })
	return out
}

func (h *harness) lessons(n int64) []bot.Lesson {
	h.t.Helper()
	var out []bot.Lesson
	h.view(func(tx *storage.Tx) (err error) { out, err = tx.Lessons(n); return err })
	return out
}

func (h *harness) links(n int64) []int64 {
	h.t.Helper()
	var out []int64
	h.view(func(tx *storage.Tx) (err error) { out, err = tx.Links(n); return err })
	return out
}

func (h *harness) phases(n int64) []bot.PhaseSpan {
	h.t.Helper()
	var out []bot.PhaseSpan
	h.view(func(tx *storage.Tx) (err error) { out, err = tx.Phases(n); return err })
	return out
}

// pending counts undelivered outbox operations.
func (h *harness) pending() int {
	h.t.Helper()
	n, err := h.db.OutboxDepth(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// verify checks incident n's hash chain and fails the test unless it is intact.
func (h *harness) verify(n int64) storage.Verdict {
	h.t.Helper()
	v, err := h.db.Verify(h.ctx, n)
	if err != nil {
		h.t.Fatal(err)
	}
	if !v.OK {
		h.t.Fatalf("INC-%d does not verify: entry %d: %s", n, v.BadSeq, v.Problem)
	}
	return v
}

// tickAll ticks every open exit criterion of incident n's current phase as user.
func (h *harness) tickAll(user, channel string, n int64) {
	h.t.Helper()
	inc := h.incident(n)
	for _, it := range h.checklist(n, inc.Phase) {
		if it.CheckedAt == nil {
			h.mustSay(user, channel, "check "+strconv.Itoa(it.N), "Ticked "+strconv.Itoa(it.N)+".")
		}
	}
}

// kinds lists the kinds of incident n's entries after seq from.
func kinds(es []bot.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Kind)
	}
	return out
}

// findEntry returns the last entry of the given kind whose text contains sub.
func findEntry(es []bot.Entry, kind, sub string) (bot.Entry, bool) {
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].Kind == kind && strings.Contains(es[i].Text, sub) {
			return es[i], true
		}
	}
	return bot.Entry{}, false
}

// channelLines keeps the console lines printed in (or about) one channel.
func channelLines(out, channel string) string {
	var b strings.Builder
	keep := false
	for _, l := range strings.SplitAfter(out, "\n") {
		if strings.HasPrefix(l, "  ") {
			if keep {
				b.WriteString(l)
			}
			continue
		}
		keep = strings.HasPrefix(l, "[#"+channel+" ") || strings.HasPrefix(l, "[#"+channel+"]")
		if keep {
			b.WriteString(l)
		}
	}
	return b.String()
}

// wantContains fails unless s contains every one of subs.
func wantContains(t testing.TB, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s: missing %q in:\n%s", what, sub, s)
		}
	}
}

// wantNot fails if s contains any of subs.
func wantNot(t testing.TB, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			t.Errorf("%s: unexpected %q in:\n%s", what, sub, s)
		}
	}
}

// unchanged runs fn and fails if it changed incident n's timeline or queued anything.
func (h *harness) unchanged(n int64, fn func()) {
	h.t.Helper()
	before := h.incident(n)
	pend := h.pending()
	h.flush()
	fn()
	after := h.incident(n)
	if after.HeadSeq != before.HeadSeq || after.HeadHash != before.HeadHash {
		h.t.Errorf("INC-%d timeline changed: head %d → %d", n, before.HeadSeq, after.HeadSeq)
	}
	if p := h.pending(); p != pend {
		h.t.Errorf("outbox depth %d → %d", pend, p)
	}
	if out := h.flush(); out != "" {
		h.t.Errorf("a refusal printed in channels:\n%s", out)
	}
}
