// Package discord is warroom's Discord adapter: a gateway bot (discordgo) that turns slash
// commands, button presses and reactions into bot events for the engine, and bot.Platform
// calls into Discord REST calls. It translates only; it holds no incident logic.
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
)

// Name is the platform name warroom records for Discord.
const Name = "discord"

// Config is what the adapter needs. The token is a secret: it is never logged and never part
// of an error.
type Config struct {
	Token string // DISCORD_BOT_TOKEN, with or without the "Bot " prefix
	AppID string // DISCORD_APP_ID; default: the application id from READY
	// GuildID (DISCORD_GUILD_ID) scopes command registration to one guild and is the guild
	// incident channels are created in.
	GuildID string
	// APIURL (DISCORD_API_URL) sends REST and gateway discovery elsewhere (tests, proxies).
	APIURL string
	// GuildIDs, when not empty, are the only guilds served; events from others are ignored.
	GuildIDs []string
	// Category names the category incident channels go in (default "Incidents"); a full one
	// is followed by "Incidents 2", "Incidents 3" …
	Category string
	Handler  bot.Handler
	// Specs are the engine's verb declarations, registered as application commands.
	Specs []bot.CommandSpec
	Log   *slog.Logger
	// Clock drives interaction-token freshness and the request guard.
	Clock clockwork.Clock
	// Transport carries HTTP underneath the adapter's own (tests pass a fake's).
	Transport http.RoundTripper
	// MaxFileBytes is the largest attachment a 🧾 hashes (default bot.MaxEvidenceFile).
	MaxFileBytes int64
	// InvalidLimit is how many 401/403/429 answers in 10 minutes stop all calls for a while
	// (default DefaultInvalidLimit; Discord bans at 10,000).
	InvalidLimit int
}

// Adapter is the Discord platform. Create it with New, then Start, then Run.
type Adapter struct {
	cfg     Config
	s       *discordgo.Session
	files   *http.Client // attachment downloads (files.go): the session's transport, no whole-answer limit
	log     *slog.Logger
	clock   clockwork.Clock
	handler bot.Handler
	guard   *guard
	verbs   []*verbDef
	byKey   map[string]*verbDef
	moved   map[string]string // verb prefix → Discord command, for verbs not under /incident

	connected atomic.Bool
	stats     counters
	ctx       context.Context // events are handled under it; Close cancels it
	cancel    context.CancelFunc
	inflight  sync.WaitGroup

	mu            sync.Mutex
	botID         string
	appIDReady    string
	dms           map[string]string   // user id → DM channel id
	topics        map[string]string   // channel id → topic last set
	pendingTopics map[string]string   // channel id → topic to set once Discord allows
	names         map[string]string   // "#name" → channel id
	partial       map[string][]string // multi-part post in progress → ids already sent
	tokens        *interactionTokens
	seen          *seenSet
}

// New checks the configuration and prepares the session; it makes no call.
func New(cfg Config) (*Adapter, error) {
	token := strings.TrimSpace(cfg.Token)
	if token == "" {
		return nil, errors.New("discord: DISCORD_BOT_TOKEN is empty")
	}
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	if cfg.Handler == nil {
		return nil, errors.New("discord: no handler")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.Category == "" {
		cfg.Category = "Incidents"
	}
	if cfg.MaxFileBytes <= 0 {
		cfg.MaxFileBytes = bot.MaxEvidenceFile
	}
	a := &Adapter{cfg: cfg, log: cfg.Log, clock: cfg.Clock, handler: cfg.Handler,
		dms: map[string]string{}, topics: map[string]string{}, pendingTopics: map[string]string{}, names: map[string]string{},
		partial: map[string][]string{}, tokens: newInteractionTokens(cfg.Clock), seen: newSeenSet(4096)}
	a.guard = newGuard(cfg.Clock, cfg.Log, cfg.InvalidLimit)
	a.verbs = buildVerbs(cfg.Specs)
	if _, err := applicationCommands(a.verbs); err != nil {
		return nil, err
	}
	a.moved = movedVerbs(a.verbs)
	a.byKey = map[string]*verbDef{}
	for _, v := range a.verbs {
		a.byKey[v.key()] = v
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, errors.New("discord: could not create the session")
	}
	client, err := newHTTPClient(cfg.Transport, cfg.APIURL, a.guard)
	if err != nil {
		return nil, err
	}
	s.Client = client
	a.files = &http.Client{Transport: client.Transport}
	s.Identify.Intents = Intents
	// The outbox retries rate-limited calls itself (at the time Discord names) so a lane is
	// never held by a sleeping goroutine; interaction answers opt back in per request.
	s.ShouldRetryOnRateLimit = false
	// The outbox retries 5xx with backoff; one quick retry here covers a blip.
	s.MaxRestRetries = 1
	s.LogLevel = discordgo.LogError
	s.ShouldReconnectOnError = true
	a.s = s
	s.AddHandler(a.onReady)
	s.AddHandler(a.onResumed)
	s.AddHandler(a.onDisconnect)
	s.AddHandler(a.onInteraction)
	s.AddHandler(a.onReactionAdd)
	return a, nil
}

// Intents are the gateway events warroom asks for: guilds (which guilds the bot is in),
// reactions in guilds and DMs (🚨 📌 ✅), DMs, and the privileged Message Content intent,
// without which Discord hands a bot empty text for the message someone reacted to. Guild
// messages themselves are not subscribed: warroom does not read every message.
const Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessageReactions | discordgo.IntentsDirectMessages |
	discordgo.IntentsDirectMessageReactions | discordgo.IntentMessageContent

// render turns a message's segments into what a Discord user reads.
func (a *Adapter) render(t bot.Text) string {
	return discordText(t, func(s bot.Segment) string { return slashFor(a.moved, s) })
}

// Name implements bot.Platform.
func (a *Adapter) Name() string { return Name }

// Start logs in to the gateway and registers the slash commands. A refused token gives an
// error that says so, without the token.
func (a *Adapter) Start(ctx context.Context) error {
	a.ctx, a.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if err := a.s.Open(); err != nil {
		return loginError(err)
	}
	a.learnSession()
	if err := a.registerCommands(ctx); err != nil {
		a.Close()
		return fmt.Errorf("%w (is the bot invited with the applications.commands scope? see docs/discord/README.md)", err)
	}
	if _, err := a.homeGuild(); err != nil {
		a.log.Warn("discord: " + err.Error())
	}
	a.log.Info("discord: connected", "bot_user", a.botUserID(), "guild", a.cfg.GuildID, "intents", int64(Intents))
	return nil
}

// loginError explains a failed Open without echoing anything secret.
func loginError(err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized {
		return errors.New("discord: login failed: Discord refused the bot token (HTTP 401); check DISCORD_BOT_TOKEN")
	}
	// discordgo hands the gateway's close frame over as gorilla's CloseError.
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &ce) && ce.Code == 4004:
		return errors.New("discord: login failed: the gateway refused the bot token (close 4004); check DISCORD_BOT_TOKEN")
	case errors.As(err, &ce) && ce.Code == 4014:
		return errors.New("discord: login failed: a privileged intent is not enabled (close 4014); enable Message Content in the developer portal (docs/discord/README.md)")
	}
	return fmt.Errorf("discord: could not connect to the gateway: %v", redact(err))
}

// redact removes anything token-like from an error before it is shown.
func redact(err error) string {
	s := err.Error()
	if i := strings.Index(s, "Bot "); i >= 0 {
		s = s[:i] + "Bot [redacted]"
	}
	return s
}

// Run blocks until ctx ends, then closes the session. discordgo reconnects and resumes by
// itself while it runs.
func (a *Adapter) Run(ctx context.Context) error {
	<-ctx.Done()
	a.Close()
	return nil
}

// Close ends the gateway session and waits for events being handled.
func (a *Adapter) Close() {
	a.connected.Store(false)
	_ = a.s.Close()
	a.inflight.Wait()
	if a.cancel != nil {
		a.cancel()
	}
}

// Connected reports whether the gateway session is up (for /readyz).
func (a *Adapter) Connected() bool { return a.connected.Load() }

// InvalidRequests is how many 401/403/429 answers Discord gave this process.
func (a *Adapter) InvalidRequests() int { return a.guard.InvalidRequests() }

// Stats counts the events the adapter received, for metrics and tests.
type Stats struct {
	Interactions int64 // interactions handled (acknowledged and passed on)
	Reactions    int64 // reactions passed to the engine
	Duplicates   int64 // events dropped because this process had already seen them
	Ignored      int64 // events from guilds not served, other emoji, the bot's own
}

type counters struct{ interactions, reactions, duplicates, ignored atomic.Int64 }

// Stats reports the event counters.
func (a *Adapter) Stats() Stats {
	return Stats{Interactions: a.stats.interactions.Load(), Reactions: a.stats.reactions.Load(),
		Duplicates: a.stats.duplicates.Load(), Ignored: a.stats.ignored.Load()}
}

// Session exposes the discordgo session (tests).
func (a *Adapter) Session() *discordgo.Session { return a.s }

func (a *Adapter) botUserID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.botID
}

func (a *Adapter) appID() string {
	if a.cfg.AppID != "" {
		return a.cfg.AppID
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.appIDReady
}

// learnSession reads the bot's user and application from discordgo's State once the
// gateway session is up, marks the adapter connected and says how many guilds it sees.
// State's objects are shared with discordgo, which keeps writing to them, so they are
// read under its lock.
func (a *Adapter) learnSession() (guilds int) {
	a.s.State.RLock()
	defer a.s.State.RUnlock()
	a.mu.Lock()
	if u := a.s.State.User; u != nil {
		a.botID = u.ID
	}
	if app := a.s.State.Application; app != nil {
		a.appIDReady = app.ID
	}
	a.mu.Unlock()
	a.connected.Store(true)
	return len(a.s.State.Guilds)
}

func (a *Adapter) onReady(_ *discordgo.Session, _ *discordgo.Ready) {
	guilds := a.learnSession()
	a.log.Info("discord: gateway session ready", "guilds", guilds)
}

func (a *Adapter) onResumed(_ *discordgo.Session, _ *discordgo.Resumed) {
	a.connected.Store(true)
	a.log.Info("discord: gateway session resumed")
}

func (a *Adapter) onDisconnect(_ *discordgo.Session, _ *discordgo.Disconnect) {
	a.connected.Store(false)
	a.log.Warn("discord: gateway disconnected; discordgo reconnects")
}

// served reports whether events from a guild are handled (DMs are: page acknowledgements
// arrive there, though commands typed in a DM are refused, see handleInteraction). Without
// discord.guild_ids only the home guild is served — DISCORD_GUILD_ID, or the only guild the
// bot is in — and none when that is ambiguous: a public bot can be added to any server, whose
// members must not declare incidents or page anyone in ours.
func (a *Adapter) served(guildID string) bool {
	if guildID == "" {
		return true
	}
	allowed := a.cfg.GuildIDs
	if len(allowed) == 0 {
		home, err := a.homeGuild()
		if err != nil {
			return false
		}
		allowed = []string{home}
	}
	return slices.Contains(allowed, guildID)
}

// homeGuild is the guild incident channels are created in. The outbox hands CreateChannel
// only a name, so the adapter needs one guild: DISCORD_GUILD_ID, else the only guild in
// discord.guild_ids, else the only guild the bot is in.
func (a *Adapter) homeGuild() (string, error) {
	if a.cfg.GuildID != "" {
		return a.cfg.GuildID, nil
	}
	if len(a.cfg.GuildIDs) == 1 {
		return a.cfg.GuildIDs[0], nil
	}
	a.s.State.RLock()
	defer a.s.State.RUnlock()
	if len(a.s.State.Guilds) == 1 {
		return a.s.State.Guilds[0].ID, nil
	}
	return "", fmt.Errorf("the bot is in %d guilds and DISCORD_GUILD_ID is not set, so warroom cannot tell where to open incident channels; set DISCORD_GUILD_ID", len(a.s.State.Guilds))
}

// track runs an event handler as in-flight work, so Close waits for it.
func (a *Adapter) track(fn func(ctx context.Context)) {
	a.inflight.Add(1)
	defer a.inflight.Done()
	defer func() {
		// A bug in handling one event must not take the whole bot down.
		if p := recover(); p != nil {
			a.log.Error("discord: event handler panicked", "panic", fmt.Sprint(p))
		}
	}()
	ctx := a.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	fn(ctx)
}
