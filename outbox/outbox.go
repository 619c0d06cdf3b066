// Package outbox delivers the operations that commands queued in the database (posts, cards,
// channels, invites, files) to the platforms: strictly in order per lane, lanes independent,
// retried with jittered backoff through outages, and exactly once when a platform's answer is
// lost (docs/exactly-once.md).
package outbox

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/warroom/warroom/bot"
)

// claimMargin is how long before its claim ends an attempt is abandoned, so it cannot
// still be talking to the platform when another deliverer takes the operation.
const claimMargin = 5 * time.Second

// claimSettle is how long an operation whose attempt was abandoned (the deliverer stopped)
// waits before another deliverer may take it: time for a call already on the wire to land,
// so that the next deliverer's look-up (Delivery.MaybeDone) finds it.
const claimSettle = 2 * time.Second

// unclaim gives up the store's claim on o when this deliverer stops before recording an
// attempt, so the next deliverer need not wait for the claim to run out. Without a claim
// (one deliverer per database) there is nothing to give up.
func (d *Deliverer) unclaim(o bot.Outbound) {
	if o.Until.IsZero() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := d.store.ReleaseOutbound(ctx, o.ID, o.Until, d.clock.Now().Add(claimSettle)); err != nil {
		d.log.Warn("outbox: giving up a claim failed; it runs out by itself", "outbox_id", o.ID, "until", o.Until, "err", err)
	}
}

// OutboxStore is what the deliverer needs from storage.
type OutboxStore interface {
	// DueOutbound returns the head of every lane whose head is due at now, at most limit:
	// channel creations first (the Deliverer gives them their own slots), then oldest first.
	// Without creations, a lane whose head is a channel creation is left out (the
	// Deliverer has no creation slot free).
	DueOutbound(ctx context.Context, now time.Time, limit int, creations bool) ([]bot.Outbound, error)
	// CompleteOutbound marks operation o done; what the platform created (the channel,
	// the card's message) is applied to the incident in the same transaction (and, for an
	// operation with a Ref, the message id is recorded against it). o is the operation as
	// it was delivered: a post whose stored payload a redaction rewrote meanwhile is edited.
	CompleteOutbound(ctx context.Context, o bot.Outbound, res bot.Delivered, at time.Time) error
	// RetryOutbound records a failed attempt made under the claim that ends at until
	// (zero: no claim), due again at next; a claim that has run out records nothing.
	RetryOutbound(ctx context.Context, id int64, until, next time.Time, reason string) error
	// ReleaseOutbound gives up the claim that ends at until on an operation this
	// deliverer will not attempt after all (it stops): due again at next, if nobody has
	// claimed it since.
	ReleaseOutbound(ctx context.Context, id int64, until, next time.Time) error
	// FailOutbound gives up on an operation, under the claim that ends at until, as
	// RetryOutbound.
	FailOutbound(ctx context.Context, id int64, until time.Time, reason string, at time.Time) error
	Enqueue(ctx context.Context, o bot.Outbound, at time.Time) error
	// IncidentChannel gives the incident's channel id and card message id ("" if none yet).
	IncidentChannel(ctx context.Context, incident int64) (channelID, cardRef string, err error)
}

// Deliverer drains the outbox to the platforms: in order per lane, retrying with backoff on
// errors and honouring rate limits, so messages survive a platform outage.
type Deliverer struct {
	store     OutboxStore
	platforms map[string]bot.Platform
	clock     clockwork.Clock
	log       *slog.Logger
	wake      chan struct{}
	// MaxBackoff caps the wait between retries of one operation.
	MaxBackoff time.Duration
	// OnDelivered, when set, is called after each attempt (for metrics).
	OnDelivered func(platform, op string, err error)
	// Gate, when set, is held around each round of Run. The console holds it while it
	// handles an input line, so what a line caused prints with that line (a scripted
	// transcript keeps its order) and timed messages print between lines, as they come due.
	Gate sync.Locker
	// Concurrency is how many lanes are delivered at once (0 means DefaultConcurrency). The
	// console uses 1: its lanes cost nothing to deliver, and one at a time in queue order
	// makes a scripted transcript the same on every run.
	Concurrency int
	// lanes tracks the lanes being delivered (outbox_lanes.go), so no lane head is taken
	// twice and no lane waits for another.
	lanes laneSet
	// started is when this deliverer began: an operation queued before it may have been
	// under way when the previous process stopped.
	started time.Time
	// announced: the store tells this deliverer the lanes of each commit (announce.go).
	announced atomic.Bool
}

// NewDeliverer returns a deliverer for the given platforms (by Name()).
func NewDeliverer(store OutboxStore, clock clockwork.Clock, log *slog.Logger, platforms ...bot.Platform) *Deliverer {
	d := &Deliverer{store: store, platforms: map[string]bot.Platform{}, clock: clock, log: log,
		wake: make(chan struct{}, 1), MaxBackoff: time.Minute, started: clock.Now(), lanes: newLaneSet()}
	for _, p := range platforms {
		d.platforms[p.Name()] = p
	}
	return d
}

// AddPlatform registers another platform.
func (d *Deliverer) AddPlatform(p bot.Platform) { d.platforms[p.Name()] = p }

// Kick wakes the deliverer after a commit that queued something. A deliverer its store
// announces commits to (Announce) needs no kick: the announcement came first, with the
// lanes, so a kick is ignored.
func (d *Deliverer) Kick() {
	if d.announced.Load() {
		return
	}
	d.wakeUp()
}

// wakeUp makes Run (or runRounds) look again.
func (d *Deliverer) wakeUp() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// deliver attempts o and records the outcome. known, when not nil, is the channel of the
// incident whose lane Run's goroutine is following (channel.go).
func (d *Deliverer) deliver(ctx context.Context, o bot.Outbound, known *laneChannel) {
	// Most deliveries log nothing: the operation's attributes are formatted only when
	// something is (With formats them at once, 2% of the bot's CPU at 1,000 notes/s).
	log := sync.OnceValue(func() *slog.Logger {
		return d.log.With("outbox_id", o.ID, "op", o.Op, "platform", o.Platform, "lane", o.Lane)
	})
	p, ok := d.platforms[o.Platform]
	if !ok {
		// The platform is not configured in this run (e.g. Slack tokens removed): keep the
		// operation for a later run rather than dropping it.
		d.retry(ctx, log, o, d.clock.Now().Add(d.MaxBackoff), "platform "+o.Platform+" not connected")
		return
	}
	attempt := ctx
	if !o.Until.IsZero() {
		var cancel context.CancelFunc
		attempt, cancel = context.WithTimeout(ctx, o.Until.Sub(d.clock.Now())-claimMargin)
		defer cancel()
	}
	result, err := d.perform(bot.WithDelivery(attempt, deliveryFor(o, o.Created.Before(d.started))), log, p, o, known)
	if d.OnDelivered != nil {
		d.OnDelivered(o.Platform, o.Op, err)
	}
	now := d.clock.Now()
	if err == nil {
		d.record(ctx, log, o, result, now)
		return
	}
	if ctx.Err() != nil {
		// Stopping (a shutdown, or leadership lost): the row stays pending and is retried
		// by whoever delivers next.
		d.unclaim(o)
		return
	}
	var rl *bot.RetryAfterError
	switch {
	case errors.As(err, &rl):
		log().Warn("outbox: rate limited", "retry_after", rl.Wait)
		d.retry(ctx, log, o, now.Add(rl.Wait), "rate limited")
	case errors.Is(err, bot.ErrRewritten):
		// Nothing was shared: read again at once, from what the redaction left.
		log().Info("outbox: a redaction rewrote the upload as it was being sent; it is read again")
		d.retry(ctx, log, o, now, err.Error())
	case errors.Is(err, bot.ErrPermanent) && o.Op != bot.OpCreateChannel:
		log().Error("outbox: giving up", "err", err)
		if ferr := d.store.FailOutbound(ctx, o.ID, o.Until, err.Error(), now); ferr != nil {
			// The row stays pending and is tried again: the refusal will repeat, the
			// record may not fail twice.
			log().Error("outbox: recording the failure failed; the operation stays queued", "err", ferr)
		}
	default:
		wait := d.backoff(o.Attempts)
		log().Warn("outbox: delivery failed, will retry", "err", err, "attempt", o.Attempts+1, "retry_in", wait)
		d.retry(ctx, log, o, now.Add(wait), err.Error())
		if o.Op == bot.OpCreateChannel && o.Attempts == 0 && o.Payload.Notify != "" {
			d.tellChannelPending(ctx, log, o, err)
		}
	}
}

// record marks a delivered operation done. The platform already has it, so when the
// database refuses the write (disk full, I/O error) the deliverer retries the record, never
// the delivery: leaving the row pending would send it again at once, and again, for as
// long as the database refuses (make faults caught one note posted ~2,000 times in 2 s of
// full disk). Only shutdown ends the wait; after the restart the row counts as possibly
// delivered (it was queued before that deliverer started), so the adapter finds the message
// instead of sending it again (see Delivery).
func (d *Deliverer) record(ctx context.Context, log func() *slog.Logger, o bot.Outbound, result bot.Delivered, at time.Time) {
	wait := 100 * time.Millisecond
	for {
		cerr := d.store.CompleteOutbound(ctx, o, result, at)
		if cerr == nil {
			return
		}
		log().Error("outbox: delivered, but recording the delivery failed; retrying the record, not the delivery", "err", cerr, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-d.clock.After(wait):
		}
		wait = min(wait*2, 5*time.Second, d.MaxBackoff)
	}
}

// retry records a failed attempt. When the database refuses even that, the row is left as it
// was: pending and due, so it is attempted again at the next round (where Delivery.MaybeDone,
// from the attempt count, may then be too low by one — the adapter's lookup covers only
// attempts the database counted, so the failure is logged loudly).
func (d *Deliverer) retry(ctx context.Context, log func() *slog.Logger, o bot.Outbound, next time.Time, reason string) {
	if err := d.store.RetryOutbound(ctx, o.ID, o.Until, next, reason); err != nil {
		log().Error("outbox: recording a failed attempt failed", "err", err)
	}
}

// tellChannelPending lets the declarer know their incident exists but its channel does not
// yet, and that warroom keeps trying.
func (d *Deliverer) tellChannelPending(ctx context.Context, log func() *slog.Logger, o bot.Outbound, cause error) {
	msg := bot.Message{Text: bot.Textf("%s is recorded, but its channel #%s could not be created yet (%s). warroom keeps retrying; everything said meanwhile is queued.",
		bot.FormatID(o.Incident), o.Payload.Name, cause.Error())}
	if err := d.store.Enqueue(ctx, bot.Outbound{Lane: "dm:" + o.Payload.Notify, Platform: o.Platform, Op: bot.OpDM, Incident: o.Incident,
		Payload: bot.Payload{User: o.Payload.Notify, Message: msg}}, d.clock.Now()); err != nil {
		log().Error("outbox: queueing the channel-pending notice failed", "incident", bot.FormatID(o.Incident), "err", err)
	}
}

// backoff is the wait before the next attempt: doubling from 1 s up to MaxBackoff, with
// jitter (a random part of the upper half), so the lanes held up by one outage do not all
// retry in the same instant when the platform comes back.
func (d *Deliverer) backoff(attempts int) time.Duration {
	wait := min(time.Second<<min(attempts, 10), d.MaxBackoff)
	if half := int64(wait / 2); half > 0 {
		wait = time.Duration(half + rand.Int64N(half+1))
	}
	return wait
}

func message(id string, err error) (bot.Delivered, error) { return bot.Delivered{ID: id}, err }

func (d *Deliverer) perform(ctx context.Context, log func() *slog.Logger, p bot.Platform, o bot.Outbound, known *laneChannel) (bot.Delivered, error) {
	target := o.Target
	var card string
	// A direct message goes to its user; its incident only names what it is about.
	if o.Incident != 0 && target == "" && o.Op != bot.OpCreateChannel && o.Op != bot.OpDM {
		ch, ref, err := d.incidentChannel(ctx, o, known)
		if err != nil {
			return bot.Delivered{}, err
		}
		if ch == "" {
			return bot.Delivered{}, errors.New("incident channel not created yet")
		}
		target, card = ch, ref
	}
	pl := o.Payload
	switch o.Op {
	case bot.OpCreateChannel:
		ch, err := p.CreateChannel(ctx, pl.Name, pl.Private, pl.Topic)
		if err != nil {
			return bot.Delivered{}, err
		}
		return bot.Delivered{ID: ch.ID, ChannelName: ch.Name}, nil
	case bot.OpPost:
		return message(p.Post(ctx, target, pl.Message))
	case bot.OpCard:
		if card != "" {
			return bot.Delivered{ID: card}, p.Update(ctx, target, card, pl.Message)
		}
		id, err := p.Post(ctx, target, pl.Message)
		if err != nil {
			return bot.Delivered{}, err
		}
		// A failed pin is not worth re-posting the card for.
		if perr := p.Pin(ctx, target, id); perr != nil {
			log().Warn("outbox: pinning the incident card failed", "err", perr)
		}
		return bot.Delivered{ID: id}, nil
	case bot.OpEphemeral:
		return bot.Delivered{}, p.Ephemeral(ctx, target, pl.User, pl.Message)
	case bot.OpDM:
		return message(p.DM(ctx, pl.User, pl.Message))
	case bot.OpInvite:
		return bot.Delivered{}, p.Invite(ctx, target, pl.Users)
	case bot.OpRemove:
		return bot.Delivered{}, p.Remove(ctx, target, pl.User)
	case bot.OpTopic:
		return bot.Delivered{}, p.SetTopic(ctx, target, pl.Topic)
	case bot.OpUpload:
		if pl.File == nil {
			return bot.Delivered{}, bot.Permanent(errors.New("upload without a file"))
		}
		f, err := d.fileOf(ctx, *pl.File)
		if err != nil {
			return bot.Delivered{}, err
		}
		return bot.Delivered{}, p.Upload(d.beforeVisible(ctx, o), target, f)
	case bot.OpEdit:
		return bot.Delivered{}, p.Update(ctx, target, pl.MessageID, pl.Message)
	case bot.OpDelete:
		if dl, ok := p.(bot.Deleter); ok {
			return bot.Delivered{}, dl.Delete(ctx, target, pl.MessageID)
		}
		return bot.Delivered{}, nil
	case bot.OpArchive:
		if a, ok := p.(bot.Archiver); ok {
			return bot.Delivered{}, a.Archive(ctx, target)
		}
		return bot.Delivered{}, nil
	}
	return bot.Delivered{}, bot.Permanent(errors.New("unknown outbox operation " + o.Op))
}

// deliveryFor is the Delivery of one attempt at o.
func deliveryFor(o bot.Outbound, inherited bool) bot.Delivery {
	return bot.Delivery{Key: strconv.FormatInt(o.ID, 10), MaybeDone: o.Attempts > 0 || inherited}
}
