package web_test

// The in-process harness: a real SQLite database, the real engine on a fake clock with the
// console workspace behind a real outbox, and the web view on a real HTTP listener
// (httptest). Browser tests use the real binary instead (browser_test.go).

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/internal/testutil"
	"github.com/warroom/warroom/outbox"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	_ "github.com/mattn/go-sqlite3"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/console"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/web"
	"github.com/warroom/warroom/web/webauth"
	"github.com/warroom/warroom/web/webstore"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const roster = `
leads: [dave]
roster:
  - {name: alice}
  - {name: bob}
  - {name: carol}
  - {name: dave}
`

// lockedBuffer is safe for concurrent writers and a reader in the test.
type lockedBuffer = testutil.LockedBuffer

type site struct {
	t     testing.TB
	ctx   context.Context
	db    *storage.DB
	cfg   *config.Config
	clock *clockwork.FakeClock
	eng   *commands.Engine
	del   *outbox.Deliverer
	out   *lockedBuffer
	logs  *lockedBuffer
	srv   *web.Server
	http  *httptest.Server
}

func newSite(t testing.TB, extraYAML string) *site {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg, err := config.ParseConfig("test.yaml", []byte(roster+extraYAML))
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, ctx: ctx, db: db, cfg: cfg, clock: clockwork.NewFakeClockAt(t0), out: &lockedBuffer{}, logs: &lockedBuffer{}}
	log := slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	con := console.New(s.out, s.clock, cfg.Location)
	s.del = outbox.NewDeliverer(db, s.clock, log, con)
	s.http = httptest.NewUnstartedServer(nil)
	base := "http://" + s.http.Listener.Addr().String()
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	s.srv, err = web.New(web.Options{Store: webstore.New(db), Config: cfg, BaseURL: base, Clock: s.clock, Log: log, Generator: "warroom test", PublicKey: pub,
		Recheck: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s.eng = commands.New(commands.Deps{Store: commands.StoreOf[*storage.Tx](db), Config: cfg, Clock: s.clock, Log: log, Kick: s.del.Kick, WebURL: base, Key: key,
		Hooks: commands.Hooks{Observe: func(string, string, time.Duration) { s.srv.Changed() }}})
	s.http.Config.Handler = s.srv.Handler()
	s.http.Start()
	t.Cleanup(s.http.Close)
	go s.srv.Run(ctx)
	return s
}

// cmd runs /incident text as user in channel on the console and delivers the outbox.
func (s *site) cmd(user, channel, text string) string {
	s.t.Helper()
	r := s.eng.HandleCommand(s.ctx, bot.Command{Name: "incident", Text: text,
		Source: bot.Source{Platform: console.Name, Channel: channel, User: bot.User{ID: user, Name: user}}}).Text
	if err := s.del.Flush(s.ctx); err != nil {
		s.t.Fatal(err)
	}
	return r.String()
}

var declaredRe = regexp.MustCompile(`INC-(\d+)`)

// declare opens an incident as user and returns its channel id.
func (s *site) declare(user, title string) string {
	s.t.Helper()
	r := s.cmd(user, "general", "declare "+title)
	m := declaredRe.FindStringSubmatch(r)
	if m == nil {
		s.t.Fatalf("declare: %s", r)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	var inc *bot.Incident
	if err := s.db.View(s.ctx, func(tx *storage.Tx) (err error) { inc, err = tx.Incident(n); return err }); err != nil {
		s.t.Fatal(err)
	}
	return inc.ChannelID
}

// link issues a sign-in link token for person, as `warroom web-login` does.
func (s *site) link(person string) string {
	s.t.Helper()
	token, hash := webauth.NewToken()
	now := s.clock.Now()
	if err := s.db.Update(s.ctx, func(tx *storage.Tx) error { return tx.CreateWebToken(hash, person, now, now.Add(webauth.LinkTTL)) }); err != nil {
		s.t.Fatal(err)
	}
	return token
}

// client is a browser-like client: a cookie jar, and redirects not followed, so tests see
// them.
func (s *site) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn signs person in and returns their client.
func (s *site) signIn(person string) *http.Client {
	s.t.Helper()
	c := s.client()
	resp := s.post(c, "/login", "token="+s.link(person))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		s.t.Fatalf("sign-in as %s: %d %s", person, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

type response struct {
	*http.Response
	body string
}

func (s *site) get(c *http.Client, path string) response {
	s.t.Helper()
	resp, err := c.Get(s.http.URL + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp, string(b)}
}

func (s *site) post(c *http.Client, path, form string) response {
	s.t.Helper()
	resp, err := c.Post(s.http.URL+path, "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp, string(b)}
}

// raw opens the database file directly, as an insider with access to it would.
func (s *site) raw() *sql.DB {
	s.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+s.db.Path()+"?_busy_timeout=5000")
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { db.Close() })
	return db
}
