package main

// The harness for the Slack end-to-end tests: the real engine, SQLite storage, outbox
// deliverer and Slack adapter — wired as run.go wires them — with the real slack-go client
// talking to the in-repo fake Slack (internal/fakes/slackfake).
//
// Delivery is driven by the test: the outbox runs on a fake clock and the test calls
// deliver(), which flushes and, when operations wait for a retry, moves the fake clock on.
// That is how a "30-second outage" or a Retry-After costs no real time.

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/internal/fakes/slackfake"
	"github.com/warroom/warroom/outbox"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/templates"
	"github.com/warroom/warroom/timers"
)

// e2eWait bounds waits that end on a change notification (slackfake.WaitFor, channels);
// a passing test never pays it.
const e2eWait = 10 * time.Second

// Slack user ids of the test roster.
const (
	uAlice = "U0ALICE"
	uBob   = "U0BOB"
	uCarol = "U0CAROL"
)

type transport string

const (
	socketMode transport = "socket"
	httpMode   transport = "http"
)

type e2eOptions struct {
	transport transport
	teamIDs   []string
	// realClock gives the adapter the wall clock (its 2 s command budget then really runs
	// out) while the outbox stays on the fake clock the test drives.
	realClock bool
	db        string            // reuse a database (restart tests)
	fake      *slackfake.Server // reuse a workspace (restart tests)
	// people adds workspace users (name → Slack user id) to a fresh fake and the roster.
	people map[string]string
	// extraYAML is appended to the config (an oncall: section, nudge settings).
	extraYAML string
	// scheduler runs a bot.Scheduler on the fake clock, wired as run.go wires it: the
	// engine's TimersChanged hook refreshes it and it fires Engine.FireTimer. Each fired
	// timer's id is then sent on slackE2E.fired.
	scheduler bool
	// webURL serves sign-in links for the web view (/incident web).
	webURL string
}

// slackE2E is one running bot against one fake workspace.
type slackE2E struct {
	t         *testing.T
	fake      *slackfake.Server
	db        *storage.DB
	dbPath    string
	clock     *clockwork.FakeClock
	deliverer *outbox.Deliverer
	adapter   *adapter
	send      *slackfake.HTTPSender // HTTP transport only
	handled   chan string
	logs      *lockedBuffer
	general   string // #general: everyone and the bot
	status    string // #security-status: the announce channel
	stop      func()
	engine    *commands.Engine
	sched     *timers.Scheduler // with e2eOptions.scheduler
	fired     chan int64        // timers the scheduler fired, after FireTimer returned
}

// trackingHandler tells the test when the engine has finished with an event (reactions
// and clicks are handled after their ack, in the background).
type trackingHandler struct {
	bot.Handler
	done chan string
}

func (h trackingHandler) HandleCommand(ctx context.Context, c bot.Command) bot.Reply {
	r := h.Handler.HandleCommand(ctx, c)
	h.done <- "command"
	return r
}

func (h trackingHandler) HandleReaction(ctx context.Context, r bot.Reaction) bot.Reply {
	rep := h.Handler.HandleReaction(ctx, r)
	h.done <- "reaction"
	return rep
}

func (h trackingHandler) HandlePress(ctx context.Context, p bot.Press) bot.Reply {
	r := h.Handler.HandlePress(ctx, p)
	h.done <- "press"
	return r
}

func newSlackE2E(t *testing.T, o e2eOptions) *slackE2E {
	t.Helper()
	fake := o.fake
	if fake == nil {
		// The token has exactly the shipped manifest's scopes: a call outside them answers
		// missing_scope, and the outbox's "giving up" fails the test (stop, below).
		scopes, err := slackfake.ManifestScopes("../../docs/slack/manifest-socket-mode.yaml")
		if err != nil {
			t.Fatal(err)
		}
		fake = slackfake.New(t, slackfake.WithScopes(scopes...))
		fake.AddUser(uAlice, "alice")
		fake.AddUser(uBob, "bob")
		fake.AddUser(uCarol, "carol")
		for _, name := range sortedKeys(o.people) {
			fake.AddUser(o.people[name], name)
		}
		fake.AddChannel("general", false, fake.BotUserID(), uAlice, uBob, uCarol)
		fake.AddChannel("security-status", false, fake.BotUserID())
	}
	h := &slackE2E{t: t, fake: fake, handled: make(chan string, 256), logs: &lockedBuffer{}}
	gen, _ := fake.ChannelByName("general")
	st, _ := fake.ChannelByName("security-status")
	h.general, h.status = gen.ID, st.ID

	dir := t.TempDir()
	h.dbPath = o.db
	if h.dbPath == "" {
		h.dbPath = filepath.Join(dir, "warroom.db")
	}
	teams := "[" + strings.Join(o.teamIDs, ", ") + "]"
	cfgFile := filepath.Join(dir, "warroom.yaml")
	yaml := `
leads: [carol]
roster:
  - {name: alice, slack: ` + uAlice + `}
  - {name: bob, slack: ` + uBob + `}
  - {name: carol, slack: ` + uCarol + `}
`
	for _, name := range sortedKeys(o.people) {
		yaml += "  - {name: " + name + ", slack: " + o.people[name] + "}\n"
	}
	yaml += `slack: {team_ids: ` + teams + `}
channels: {announce: "#security-status"}
` + o.extraYAML
	if err := os.WriteFile(cfgFile, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadConfig(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	db, err := storage.Open(ctx, h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	h.db = db
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// Fake time starts at the wall clock: the fake's HTTP sender signs with real time and
	// the adapter checks the 5-minute window against this clock.
	h.clock = clockwork.NewFakeClockAt(time.Now())
	h.deliverer = outbox.NewDeliverer(db, h.clock, log)
	hooks := commands.Hooks{Redacted: truncateWAL(ctx, db, log)}
	if o.scheduler {
		hooks.TimersChanged = func() {
			if h.sched != nil {
				if err := h.sched.Refresh(ctx); err != nil {
					t.Errorf("scheduler refresh: %v", err)
				}
			}
		}
	}
	engine := commands.New(commands.Deps{Store: commands.StoreOf[*storage.Tx](db), Config: cfg, Templates: tpl, Clock: h.clock, Log: log, Kick: h.deliverer.Kick,
		Hooks: hooks, Platforms: []string{"slack"}, WebURL: o.webURL})
	h.engine = engine
	if o.scheduler {
		h.fired = make(chan int64, 256)
		h.sched, err = timers.NewScheduler(db, h.clock, log, func(ctx context.Context, id int64) {
			engine.FireTimer(ctx, id)
			h.fired <- id
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := engine.ArmHandoffs(ctx); err != nil {
			t.Fatal(err)
		}
		if err := h.sched.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}

	env := map[string]string{"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL()}
	mux := http.NewServeMux()
	var srv *httptest.Server
	httpAddr := ""
	switch o.transport {
	case socketMode:
		env["SLACK_APP_TOKEN"] = fake.AppToken()
	case httpMode:
		env["SLACK_SIGNING_SECRET"] = fake.SigningSecret()
		srv = httptest.NewServer(mux)
		httpAddr = srv.Listener.Addr().String()
		h.send = fake.HTTPSender(srv.URL)
	}
	aenv := adapterEnv{getenv: func(k string) string { return env[k] }, cfg: cfg, log: log,
		handler: trackingHandler{engine, h.handled}, specs: engine.Specs(), db: db, mux: mux, httpAddr: httpAddr}
	var adapterClock clockwork.Clock = h.clock
	if o.realClock {
		adapterClock = clockwork.NewRealClock()
	}
	a, err := startSlackWith(ctx, aenv, adapterClock)
	if err != nil {
		t.Fatal(err)
	}
	h.adapter = a
	h.deliverer.AddPlatform(a.platform)
	wantConns := fake.TotalConnections() + 1 // counted before the adapter can connect
	runDone := make(chan error, 1)
	go func() { runDone <- a.run(ctx) }()
	var once sync.Once
	h.stop = func() {
		once.Do(func() {
			if o.transport == socketMode {
				h.checkAcks()
			}
			if strings.Contains(h.logs.String(), "outbox: giving up") {
				t.Error("the outbox gave up on an operation: something the bot meant to say was dropped")
			}
			cancel()
			if err := <-runDone; err != nil {
				t.Errorf("adapter run: %v", err)
			}
			if h.sched != nil {
				_ = h.sched.Stop()
			}
			if srv != nil {
				srv.Close()
			}
			db.Close()
		})
	}
	t.Cleanup(func() {
		h.stop()
		if t.Failed() {
			t.Logf("warroom log:\n%s", h.logs.String())
		}
	})
	if o.transport == socketMode {
		h.waitFake("the Socket Mode connection", func() bool { return fake.TotalConnections() >= wantConns && fake.Connections() >= 1 })
	}
	return h
}

// checkAcks asserts Slack's 3-second rule for the whole test: every envelope the fake
// delivered was acknowledged, each within 3 s.
func (h *slackE2E) checkAcks() {
	h.t.Helper()
	allAcked := func() bool {
		for _, e := range h.fake.Envelopes() {
			if e.Delivered && !e.Acked {
				return false
			}
		}
		return true
	}
	if !h.fake.WaitFor(allAcked, e2eWait) {
		h.t.Error("an envelope was never acknowledged")
	}
	for _, a := range h.fake.Acks() {
		if a.Latency >= 3*time.Second {
			h.t.Errorf("envelope %s acknowledged after %v", a.EnvelopeID, a.Latency)
		}
	}
}

// waitFake waits for a condition on the fake's state.
func (h *slackE2E) waitFake(what string, cond func() bool) {
	h.t.Helper()
	if !h.fake.WaitFor(cond, e2eWait) {
		h.t.Fatalf("timed out waiting for %s", what)
	}
}

// awaitHandled waits until the engine has handled n events of kind.
func (h *slackE2E) awaitHandled(kind string, n int) {
	h.t.Helper()
	for got := 0; got < n; {
		select {
		case k := <-h.handled:
			if k == kind {
				got++
			}
		case <-time.After(e2eWait):
			h.t.Fatalf("the engine handled only %d of %d %s events", got, n, kind)
		}
	}
}

// deliver drains the outbox: it flushes what is due and, while operations wait for a
// retry, moves the fake clock on by a second at a time (at most maxFake in all).
func (h *slackE2E) deliver(maxFake time.Duration) {
	h.t.Helper()
	drainOutbox(h.t, h.deliverer, h.db, h.clock, maxFake)
}

// command sends a slash command over the harness's transport and returns the ephemeral
// answer the ack carried.
func (h *slackE2E) command(user, channel, text string) string {
	h.t.Helper()
	cmd := slackfake.SlashCommandFields{Command: "/incident", Text: text, ChannelID: channel, UserID: user}
	if h.send != nil {
		res, err := h.send.SlashCommand(cmd)
		if err != nil || res.Status != http.StatusOK {
			h.t.Fatalf("/incident %s: %d %s %v", text, res.Status, res.Body, err)
		}
		return ackText(h.t, res.Body)
	}
	env := h.fake.SendSlashCommand(cmd)
	ack, err := h.fake.WaitAck(env, e2eWait)
	if err != nil {
		h.t.Fatal(err)
	}
	return ackText(h.t, ack.Payload)
}

// react adds a reaction over the harness's transport (retryAttempt > 0: Slack redelivering
// the same event) and returns the event id.
func (h *slackE2E) react(r slackfake.ReactionAdded) string {
	h.t.Helper()
	if h.send != nil {
		res, id, err := h.send.ReactionAdded(r)
		if err != nil || res.Status != http.StatusOK {
			h.t.Fatalf("reaction: %d %v", res.Status, err)
		}
		return id
	}
	env, id := h.fake.SendReactionAdded(r)
	if _, err := h.fake.WaitAck(env, e2eWait); err != nil {
		h.t.Fatal(err)
	}
	return id
}

// press clicks a button over the harness's transport.
func (h *slackE2E) press(a slackfake.BlockAction) {
	h.t.Helper()
	if h.send != nil {
		res, err := h.send.BlockAction(a)
		if err != nil || res.Status != http.StatusOK {
			h.t.Fatalf("click: %d %v", res.Status, err)
		}
		return
	}
	if _, err := h.fake.WaitAck(h.fake.SendBlockAction(a), e2eWait); err != nil {
		h.t.Fatal(err)
	}
}

// incident reads INC-n from the database.
func (h *slackE2E) incident(n int64) *bot.Incident {
	h.t.Helper()
	var inc *bot.Incident
	err := h.db.View(context.Background(), func(tx *storage.Tx) error {
		var err error
		inc, err = tx.Incident(n)
		return err
	})
	if err != nil {
		h.t.Fatalf("INC-%d: %v", n, err)
	}
	return inc
}

func (h *slackE2E) incidentCount() int { return countIncidents(h.t, h.db) }

func (h *slackE2E) timeline(n int64) []bot.Entry {
	h.t.Helper()
	return readTimeline(h.t, h.db, n)
}

// declare declares an incident by slash command in #general as uAlice and delivers
// everything it queued; it returns the incident channel's id.
func (h *slackE2E) declare(title string) string {
	h.t.Helper()
	if ans := h.command(uAlice, h.general, "declare "+title); !strings.Contains(ans, "Declared INC-") {
		h.t.Fatalf("declare answered %q", ans)
	}
	h.deliver(time.Minute)
	inc := h.incident(int64(h.incidentCount()))
	if inc.ChannelID == "" {
		h.t.Fatalf("no channel recorded for %s", inc.ID())
	}
	return inc.ChannelID
}

// botMessages lists the texts the bot posted in a channel, oldest first.
func (h *slackE2E) botMessages(channel string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.fake.Messages(channel) {
		if m.BotID != "" {
			out = append(out, m)
		}
	}
	return out
}

// sortedKeys lists a map's keys in order (for deterministic seeding).
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
