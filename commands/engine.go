// Package commands is warroom's incident engine: every chat verb (declare, phase, role,
// note, task, close …) declared once and run against the store in one transaction. It knows
// nothing of Slack or Discord: adapters hand it bot events and it answers with a Reply and
// outbox operations.
package commands

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/templates"
)

// Engine runs commands. It implements bot.Handler.
type Engine struct {
	store     Store
	cfg       *config.Config
	tpl       *templates.Set
	clock     clockwork.Clock
	log       *slog.Logger
	verbs     []*Verb
	grammar   grammarIndex // the verbs' declarations and names, read once (verbs.go)
	kick      func()
	buttons   map[string]buttonHandler
	reactions map[string]reactionHandler
	hooks     Hooks
	observers []observer
	timers    map[string]timerHandler
	platforms []string
	key       ed25519.PrivateKey
	webURL    string
	alertQ    *alertQueue // alerts waiting to be recorded (alert_batch.go)
}

// Hooks let features outside the core react to engine events inside the same transaction
// (nudge scheduling, paging). Each is optional.
type Hooks struct {
	// TimersChanged runs after a commit that set, moved or cancelled timers, so the
	// scheduler re-arms them.
	TimersChanged func()
	// Checkpointed is told, after the commit, every checkpoint a call signed (the
	// --checkpoint-log file appends them).
	Checkpointed func(bot.Checkpoint)
	// Redacted runs after a redaction committed (the WAL is truncated so the text does not
	// linger in it).
	Redacted func()
	// Observe is told every handled event: what it was ("incident note", "reaction
	// pushpin", "press page.ack", "timer"), its outcome (ok, refused, error, duplicate) and
	// how long it took — for metrics.
	Observe func(what, outcome string, took time.Duration)
	// ActionQueued wakes the actions worker after a commit that queued a run.
	ActionQueued func()
}

// Deps are what the engine needs.
type Deps struct {
	Store     Store
	Config    *config.Config
	Templates *templates.Set
	Clock     clockwork.Clock
	Log       *slog.Logger
	// Kick wakes the outbox deliverer after a commit that queued messages.
	Kick  func()
	Hooks Hooks
	// Platforms are the platforms this process is connected to ("slack", "discord",
	// "console"). Messages that answer no event — an on-call handoff DM — go to the person
	// on each of them they can be reached on. Empty means the console.
	Platforms []string
	// Key signs the timeline checkpoints (docs/chain.md); nil signs none.
	Key ed25519.PrivateKey
	// WebURL is the web view's address people use (--web-url), for sign-in links; empty
	// when the web view is off.
	WebURL string
}

// New builds the engine with every verb.
func New(d Deps) *Engine {
	if d.Config == nil {
		d.Config = config.DefaultConfig()
	}
	if d.Templates == nil {
		d.Templates = templates.Default()
	}
	if d.Clock == nil {
		d.Clock = clockwork.NewRealClock()
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Kick == nil {
		d.Kick = func() {}
	}
	if len(d.Platforms) == 0 {
		d.Platforms = []string{"console"}
	}
	e := &Engine{store: d.Store, cfg: d.Config, tpl: d.Templates, clock: d.Clock, log: d.Log, kick: d.Kick, hooks: d.Hooks, platforms: d.Platforms, key: d.Key, webURL: d.WebURL}
	e.verbs = allVerbs()
	e.grammar = indexGrammar(e)
	e.buttons = map[string]buttonHandler{
		"join.approve":    approveJoin,
		"role.claim":      claimRole,
		actionRedactEntry: redactEntryButton,
		"action.approve":  pressApprove,
		"action.deny":     pressDeny,
	}
	e.reactions = map[string]reactionHandler{
		"rotating_light": declareFromReaction,
		"pushpin":        pinToTimeline,
		"x":              redactByReaction,
		"receipt":        evidenceFromUpload,
	}
	e.timers = map[string]timerHandler{}
	registerNudges(e)
	registerPaging(e)
	registerAlerts(e)
	registerCloseReport(e)
	e.timers[kindActionExpire] = expireRun
	return e
}

// Verbs lists the /incident verbs (for help and Discord command registration).
func (e *Engine) Verbs() []*Verb { return e.verbs }

// Config is the engine's configuration.
func (e *Engine) Config() *config.Config { return e.cfg }

// MaxTextLen bounds any text a person gives warroom; longer input is refused rather than
// silently cut.
const MaxTextLen = 4000

// HandleCommand runs one slash command and returns what to tell the caller.
func (e *Engine) HandleCommand(ctx context.Context, cmd bot.Command) bot.Reply {
	name := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(cmd.Name)), "/")
	if name == "inc" {
		name = "incident"
	}
	if name != "incident" && name != "page" && name != "oncall" {
		return bot.Reply{Text: bot.Textf("warroom knows /incident, /page and /oncall, not /%s.", name)}
	}
	in, msg := e.commandInput(name, cmd)
	if msg != nil {
		return bot.Reply{Text: msg}
	}
	what := ""
	if name != "incident" {
		what = name // metrics name paging by its command
	}
	return e.runAs(ctx, what, cmd.Source, func(c *call) error {
		c.verb, c.rest, c.opts, c.users, c.masked = in.verb, in.rest, in.opts, in.users, in.masked
		if err := c.runVerb(); err != nil {
			return err
		}
		if name == "incident" {
			c.sayEntries()
			return c.secretNotice()
		}
		return nil
	})
}

// commandInput is a command's verb and its arguments, as text or typed options, checked and
// with secrets masked (/incident only); msg answers a command that names no verb.
type commandInput struct {
	verb   *Verb
	rest   string
	opts   map[string]string
	users  map[string]string
	masked int
}

func (e *Engine) commandInput(name string, cmd bot.Command) (in commandInput, msg bot.Text) {
	if cmd.Typed {
		for _, v := range e.verbs {
			if v.command() == name && v.Name == strings.ToLower(strings.TrimSpace(cmd.Verb)) {
				in.verb = v
			}
		}
		if in.verb == nil {
			return in, bot.Textf("/%s has no verb \"%s\". %s", name, cmd.Verb, bot.Markup(e.helpText("")))
		}
		in.opts = map[string]string{}
		for k, val := range cmd.Options {
			if msg := checkText(val); msg != "" {
				return in, bot.Plain(msg)
			}
			if name == "incident" {
				var n int
				val, n = e.maskSecrets(val)
				in.masked += n
			}
			in.opts[k] = val
		}
		in.users = map[string]string{}
		for k, id := range cmd.Users {
			if !platformUserID(id) {
				return in, bot.Textf("%q is not a user id.", id)
			}
			in.users[k] = id
		}
		return in, nil
	}
	text := strings.TrimSpace(cmd.Text)
	if msg := checkText(text); msg != "" {
		return in, bot.Plain(msg)
	}
	if name == "incident" {
		text, in.masked = e.maskSecrets(text)
		if verbName, _ := splitVerb(text); verbName == "" {
			return in, bot.Markup(e.helpText(""))
		}
	}
	in.verb, in.rest = e.findVerb(name, text)
	if in.verb == nil {
		verbName, _ := splitVerb(text)
		return in, bot.Textf("Unknown verb \"%s\". %s", verbName, bot.Markup(e.helpText("")))
	}
	return in, nil
}

// checkText refuses text no person writes: control characters and absurd lengths.
func checkText(s string) string {
	if !utf8.ValidString(s) {
		return "That text is not valid UTF-8."
	}
	if len(s) > MaxTextLen {
		return "That is too long for one command (at most 4000 characters); split it up."
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return "That text contains control characters; remove them and try again."
		}
	}
	return ""
}

// run executes fn in one transaction with a fresh call and turns its outcome into a reply.
func (e *Engine) run(ctx context.Context, src bot.Source, fn func(*call) error) bot.Reply {
	return e.runAs(ctx, "", src, fn)
}

// runAs is run with a name for metrics.
func (e *Engine) runAs(ctx context.Context, what string, src bot.Source, fn func(*call) error) (reply bot.Reply) {
	start := time.Now()
	var c *call
	outcome := "error"
	defer func() {
		if e.hooks.Observe == nil {
			return
		}
		e.hooks.Observe(verbOf(what, c), outcome, time.Since(start))
	}()
	defer func() {
		if reply.Verb = what; c != nil {
			reply.Verb = c.verbName()
		}
	}()
	queued := false
	err := e.store.Update(ctx, func(tx Tx) error {
		// Asked at the end of each run of this function: a PostgreSQL transaction may be
		// run again.
		defer func() { queued = queuedIn(tx) }()
		c = &call{e: e, tx: tx, src: src, now: e.clock.Now().UTC(), what: what}
		c.who = e.cfg.PersonName(src.Platform, src.User.ID)
		if src.DedupKey != "" {
			first, err := tx.MarkSeen(src.Platform+":"+src.DedupKey, c.now)
			if err != nil {
				return err
			}
			if !first {
				c.duplicate = true
				return nil
			}
		}
		if err := fn(c); err != nil {
			return err
		}
		return c.finish()
	})
	switch {
	case err == nil:
		if queued {
			e.kick()
		}
		if e.hooks.Checkpointed != nil {
			for _, cp := range c.checkpoints {
				e.hooks.Checkpointed(cp)
			}
		}
		if c.redacted && e.hooks.Redacted != nil {
			e.hooks.Redacted()
		}
		if c.runQueued && e.hooks.ActionQueued != nil {
			e.hooks.ActionQueued()
		}
		if c.timersChanged && e.hooks.TimersChanged != nil {
			e.hooks.TimersChanged()
		}
		if c.closeReport != nil {
			e.deliverCloseReport(ctx, c, *c.closeReport)
		}
		if c.askedReport != nil {
			e.deliverAskedReport(ctx, c, *c.askedReport)
		}
		if c.duplicate {
			outcome = "duplicate"
			return bot.Reply{}
		}
		outcome = "ok"
		return bot.Reply{Text: bot.Join(c.reply, "\n")}
	case isUserError(err):
		outcome = "refused"
		if isForbidden(err) {
			outcome = "forbidden"
		}
		return bot.Reply{Text: refusal(err)}
	default:
		log := e.log.With("verb", what)
		if c != nil {
			log = c.log()
		}
		log.Error("command failed", "platform", src.Platform, "user", e.cfg.PersonName(src.Platform, src.User.ID), "err", err)
		return bot.Reply{Text: bot.Textf("warroom could not do that: %s Nothing was changed; try again.", storageProblem(err))}
	}
}

// verbOf names what ran, for metrics and logs: the name runAs was given, else the verb.
func verbOf(what string, c *call) string {
	if what == "" && c != nil && c.verb != nil {
		return "incident " + c.verb.Name
	}
	return what
}

// storageProblem names a storage failure by its kind (the store marks it with a bot
// sentinel), never by its text, which may hold paths or internals.
func storageProblem(err error) string {
	switch {
	case errors.Is(err, bot.ErrDiskFull):
		return "the database disk is full."
	case errors.Is(err, bot.ErrReadOnly):
		return "the database is read-only."
	case errors.Is(err, bot.ErrBusy):
		return "the database is busy."
	}
	return "an internal error occurred (logged)."
}

// now is the engine's clock, for features that schedule.
func (e *Engine) now() time.Time { return e.clock.Now().UTC() }

// queuedIn reports whether tx queued an outbound operation, so the deliverer is woken only
// after a commit that gave it something: a 📌 queues nothing (its answer is the reply to
// the event), and waking the deliverer after each one had it read the outbox for nothing,
// 17% of the bot's CPU on the Slack 📌 path. The store's transaction says so itself
// (storage.Tx.Queued) rather than being wrapped: a wrapper would hide from the report
// what the store offers beyond Tx (read-ins, signed checkpoints), which it finds by type
// assertion. A store that cannot tell is taken to have queued.
func queuedIn(tx Tx) bool {
	q, ok := tx.(interface{ Queued() bool })
	return !ok || q.Queued()
}
