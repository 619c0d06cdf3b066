// Package slack is warroom's Slack adapter: it translates Slack's wire events (Socket Mode
// envelopes or signed HTTP requests) into bot events for the engine, and bot.Platform calls
// into Slack Web API calls. It holds no incident logic.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// Name is the platform name warroom records for Slack.
const Name = "slack"

// Config is what the adapter needs. Tokens and the signing secret are secrets: the
// adapter never logs them or puts them in an error.
type Config struct {
	BotToken string // xoxb-…
	// AppToken (xapp-…) turns on Socket Mode.
	AppToken string
	// SigningSecret turns on the HTTP endpoints (see Register).
	SigningSecret string
	// APIURL overrides the Web API base (tests, GovSlack); default https://slack.com/api/.
	APIURL string
	// TeamIDs, when not empty, are the only workspaces served; others are acknowledged
	// and ignored.
	TeamIDs []string
	// Reactions are the emoji whose reactions are forwarded to the handler. Reading the
	// reacted message costs API calls, so other emoji are dropped here. Default:
	// DefaultReactions.
	Reactions []string
	Handler   bot.Handler
	Log       *slog.Logger
	// Clock drives signature freshness, the replay window and the command budget.
	Clock clockwork.Clock
	// HTTPClient carries Web API calls; default has a 30 s timeout.
	HTTPClient *http.Client
	// CommandBudget is how long a command may run before the ack goes out with "working
	// on it" and the answer follows through response_url. Slack allows 3 s in all.
	CommandBudget time.Duration
	// MaxBody bounds an HTTP request body; larger ones get 413. Default 64 KiB.
	MaxBody int64
	// MaxFileBytes is the largest file a 🧾 hashes (default bot.MaxEvidenceFile).
	MaxFileBytes int64
	// PingInterval is how long Socket Mode waits for Slack's websocket PING before
	// reconnecting (slack-go default 30 s).
	PingInterval time.Duration
}

// DefaultReactions are the emoji the engine acts on.
var DefaultReactions = []string{"rotating_light", "pushpin", "white_check_mark", "receipt", "x"}

// Adapter is the Slack platform. Create it with New, call Start, then Run.
type Adapter struct {
	cfg      Config
	api      *slack.Client
	files    *slack.Client // downloads (files.go): no whole-answer time limit
	log      *slog.Logger
	clock    clockwork.Clock
	handler  bot.Handler
	verifier *Verifier
	tasks    tasks

	botUserID string // from auth.test: the bot's own reactions are not events
	// workspaceURL is the workspace's address from auth.test ("https://team.slack.com/"),
	// from which message permalinks are built (fetch.go); "" when it gave none.
	workspaceURL string

	connected atomic.Bool
	names     channelNames
	reads     readQueue  // reactions waiting for their message, per channel (fetchbatch.go)
	replies   replyQueue // answers to reactions waiting for one in flight (replyjoin.go)
	topics    freshTopics
}

// New checks the configuration and builds the Web API client; it makes no call.
func New(cfg Config) (*Adapter, error) {
	switch {
	case cfg.BotToken == "":
		return nil, errors.New("slack: SLACK_BOT_TOKEN is empty")
	case !strings.HasPrefix(cfg.BotToken, "xoxb-"):
		return nil, errors.New("slack: SLACK_BOT_TOKEN is not a bot token (it should start with xoxb-)")
	case cfg.AppToken != "" && !strings.HasPrefix(cfg.AppToken, "xapp-"):
		return nil, errors.New("slack: SLACK_APP_TOKEN is not an app-level token (it should start with xapp-)")
	case cfg.AppToken == "" && cfg.SigningSecret == "":
		return nil, errors.New("slack: set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP endpoints) with SLACK_BOT_TOKEN")
	case cfg.Handler == nil:
		return nil, errors.New("slack: no handler")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: apiTransport()}
	}
	if cfg.CommandBudget <= 0 {
		cfg.CommandBudget = 2 * time.Second
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 64 << 10
	}
	if cfg.Reactions == nil {
		cfg.Reactions = DefaultReactions
	}
	if cfg.MaxFileBytes <= 0 {
		cfg.MaxFileBytes = bot.MaxEvidenceFile
	}
	if cfg.APIURL == "" {
		cfg.APIURL = slack.APIURL
	}
	// slack-go builds URLs by concatenation.
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	opts := []slack.Option{slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	a := &Adapter{
		cfg:     cfg,
		api:     slack.New(cfg.BotToken, opts...),
		files:   slack.New(cfg.BotToken, slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(&http.Client{Transport: cfg.HTTPClient.Transport})),
		log:     cfg.Log.With("platform", Name),
		clock:   cfg.Clock,
		handler: cfg.Handler,
	}
	if cfg.SigningSecret != "" {
		a.verifier = NewVerifier(cfg.SigningSecret, cfg.Clock)
	}
	a.tasks.init(a.log)
	return a, nil
}

// Start checks the bot token with auth.test and learns the bot's own user id (its own
// reactions are ignored). The error never contains the token.
func (a *Adapter) Start(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := a.api.AuthTestContext(ctx)
	if err != nil {
		if code := errorCode(err); code != "" {
			return fmt.Errorf("slack: auth.test refused SLACK_BOT_TOKEN: %s", code)
		}
		return fmt.Errorf("slack: auth.test at %s failed: %w", a.cfg.APIURL, err)
	}
	a.botUserID = res.UserID
	a.workspaceURL = workspaceURL(res.URL)
	if a.cfg.AppToken != "" {
		// Check the app-level token now too, so a wrong one fails start-up as clearly as a
		// wrong bot token (the connection URL this hands out is single-use and simply
		// expires unused).
		if _, _, err := a.api.StartSocketModeContext(ctx); err != nil {
			if code := errorCode(err); code != "" {
				return fmt.Errorf("slack: apps.connections.open refused SLACK_APP_TOKEN: %s (it needs the connections:write scope)", code)
			}
			return fmt.Errorf("slack: apps.connections.open at %s failed: %w", a.cfg.APIURL, err)
		}
	}
	if !a.teamAllowed(res.TeamID) {
		a.log.Warn("slack: the bot token's workspace is not in slack.team_ids; its events will be ignored", "team", res.TeamID)
	}
	if a.cfg.AppToken == "" {
		// HTTP only: Slack reaches warroom as soon as the endpoints serve.
		a.connected.Store(true)
	}
	a.log.Info("slack: authenticated", "team", res.TeamID, "bot_user", res.UserID,
		"socket_mode", a.cfg.AppToken != "", "http", a.verifier != nil)
	return nil
}

// Name implements bot.Platform.
func (a *Adapter) Name() string { return Name }

// Connected reports whether Slack can reach the bot: the Socket Mode link is up, or (HTTP
// only) the token was accepted.
func (a *Adapter) Connected() bool { return a.connected.Load() }

// Run serves Slack until ctx ends: the Socket Mode connection when an app token is set
// (reconnecting as needed), otherwise it only waits while the HTTP endpoints serve. On the
// way out, work already acknowledged gets a short grace period to finish.
func (a *Adapter) Run(ctx context.Context) error {
	var err error
	if a.cfg.AppToken != "" {
		err = a.runSocketMode(ctx)
	} else {
		<-ctx.Done()
	}
	a.tasks.stop(5 * time.Second)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// apiIdleConns is how many connections to Slack the Web API client keeps open and alive,
// and opens at most: more than the outbox's 32 lanes, so a delivery finds one; calls past
// that (a burst of reactions being read back, each acknowledged at once) wait for a free
// connection rather than dial one each.
const apiIdleConns = 64

// apiTransport is the Web API's connection pool. http.DefaultTransport keeps two idle
// connections per host and opens any number, so under a burst of reactions nearly every
// call dialled a new connection and left the old one in TIME_WAIT (1,113 connections for
// 2,000 pins in the bench; 62 now).
func apiTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost, t.MaxConnsPerHost = apiIdleConns, apiIdleConns, apiIdleConns
	return t
}

func (a *Adapter) teamAllowed(team string) bool {
	return len(a.cfg.TeamIDs) == 0 || slices.Contains(a.cfg.TeamIDs, team)
}

// tasks runs acknowledged work (reading a reacted message, late replies) in the
// background, so acks never wait for Slack's API, and lets shutdown wait for it. Tasks get
// their own context: they outlive the request that started them (an HTTP client hanging up
// must not abort a commit) but not the adapter.
type tasks struct {
	log      *slog.Logger
	mu       sync.Mutex
	ctx      context.Context
	cancel   context.CancelFunc
	stopping chan struct{}
	closed   bool
	wg       sync.WaitGroup
}

func (t *tasks) init(log *slog.Logger) {
	t.log = log
	t.ctx, t.cancel = context.WithCancel(context.Background())
	t.stopping = make(chan struct{})
}

// goAsync runs fn in the background; false when shutting down.
func (t *tasks) goAsync(fn func(ctx context.Context)) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		// One event's failure must not take the bot (and every other incident) down.
		defer func() {
			if p := recover(); p != nil {
				t.log.Error("slack: panic while handling an event", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			}
		}()
		fn(t.ctx)
	}()
	return true
}

// isStopping reports whether shutdown has begun.
func (t *tasks) isStopping() bool {
	select {
	case <-t.stopping:
		return true
	default:
		return false
	}
}

// accepting reports whether new work is still taken.
func (t *tasks) accepting() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.closed
}

// wait pauses a task between retries; false when the task should give up instead
// (shutdown began: a retry would outlive the grace period).
func (t *tasks) wait(clock clockwork.Clock, d time.Duration) bool {
	select {
	case <-clock.After(d):
		return true
	case <-t.stopping:
		return false
	case <-t.ctx.Done():
		return false
	}
}

// stop refuses new work, ends retry waits, waits up to grace for calls in flight, then
// cancels them.
func (t *tasks) stop(grace time.Duration) {
	t.mu.Lock()
	if !t.closed {
		t.closed = true
		close(t.stopping)
	}
	t.mu.Unlock()
	done := make(chan struct{})
	go func() { t.wg.Wait(); close(done) }()
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		t.cancel()
		<-done
	}
	t.cancel()
}
