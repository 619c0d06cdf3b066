package bot

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Outbound operations. Every one is a row in the outbox, written in the same transaction as
// the state change that caused it, so what the bot acknowledged it will also say.
const (
	OpCreateChannel = "create_channel" // open the incident's channel (retried until it exists)
	OpPost          = "post"           // post Message to Target (or the incident channel)
	OpCard          = "card"           // post or edit the pinned incident card
	OpEphemeral     = "ephemeral"      // Message to User, visible only to them, in Target
	OpDM            = "dm"             // Message to User by direct message
	OpInvite        = "invite"         // Users into the incident channel
	OpRemove        = "remove"         // User out of the incident channel
	OpTopic         = "topic"          // set the incident channel's topic
	OpUpload        = "upload"         // File into Target (or the incident channel)
	OpArchive       = "archive"        // archive the incident channel
	OpEdit          = "edit"           // replace the text of message MessageID the bot posted in Target (a redaction)
	OpDelete        = "delete"         // delete message MessageID in Target, where the platform lets the bot (Deleter)
)

// Outbound is one queued operation. Operations in one Lane are delivered strictly in order;
// lanes are independent (one per channel or DM).
type Outbound struct {
	ID       int64
	Lane     string
	Platform string
	Op       string
	Incident int64  // 0 when not about an incident channel
	Target   string // channel id; "" means the incident's own channel
	Payload  Payload
	Attempts int
	// Ref optionally names what a posted or DM'd message is about ("page:3"). When the
	// operation is delivered, storage records (platform, message id, Ref), so a later
	// reaction to that message can be traced back to it (a ✅ on a page acknowledges it).
	Ref string
	// Created is when the operation was queued. One queued before this process's deliverer
	// started may have been under way when the last process stopped (see Delivery).
	Created time.Time
}

// Payload carries an operation's arguments.
type Payload struct {
	Message Message  `json:"message,omitzero"`
	File    *File    `json:"file,omitempty"`
	User    string   `json:"user,omitempty"`  // platform id, for dm / ephemeral / remove
	Users   []string `json:"users,omitempty"` // platform ids, for invite
	Name    string   `json:"name,omitempty"`  // channel name, for create_channel
	Private bool     `json:"private,omitempty"`
	Topic   string   `json:"topic,omitempty"`
	// Notify is the platform id DM'd when channel creation first fails, so the declarer is
	// never left with an incident silently without a channel.
	Notify string `json:"notify,omitempty"`
	// MessageID is the message an edit or delete acts on.
	MessageID string `json:"message_id,omitempty"`
	// Secret marks a message that holds a credential (a sign-in link): storage replaces its
	// text with SecretRemoved in the transaction that marks it delivered or failed, so the
	// database holds it only while it is pending.
	Secret bool `json:"secret,omitempty"`
}

// SecretRemoved is what a delivered secret message's text becomes in the outbox.
const SecretRemoved = "(removed once delivered: it held a secret)"

// OutboxStore is what the deliverer needs from storage.
type OutboxStore interface {
	// DueOutbound returns the head of every lane whose head is due at now.
	DueOutbound(ctx context.Context, now time.Time, limit int) ([]Outbound, error)
	// CompleteOutbound marks the operation done; what the platform created (the channel,
	// the card's message) is applied to the incident in the same transaction (and, for an
	// operation with a Ref, the message id is recorded against it).
	CompleteOutbound(ctx context.Context, id int64, res Delivered, at time.Time) error
	RetryOutbound(ctx context.Context, id int64, next time.Time, reason string) error
	FailOutbound(ctx context.Context, id int64, reason string, at time.Time) error
	Enqueue(ctx context.Context, o Outbound, at time.Time) error
	// IncidentChannel gives the incident's channel id and card message id ("" if none yet).
	IncidentChannel(ctx context.Context, incident int64) (channelID, cardRef string, err error)
}

// Deliverer drains the outbox to the platforms: in order per lane, retrying with backoff on
// errors and honouring rate limits, so messages survive a platform outage.
type Deliverer struct {
	store     OutboxStore
	platforms map[string]Platform
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
}

// NewDeliverer returns a deliverer for the given platforms (by Name()).
func NewDeliverer(store OutboxStore, clock clockwork.Clock, log *slog.Logger, platforms ...Platform) *Deliverer {
	d := &Deliverer{store: store, platforms: map[string]Platform{}, clock: clock, log: log,
		wake: make(chan struct{}, 1), MaxBackoff: time.Minute, started: clock.Now(), lanes: newLaneSet()}
	for _, p := range platforms {
		d.platforms[p.Name()] = p
	}
	return d
}

// AddPlatform registers another platform.
func (d *Deliverer) AddPlatform(p Platform) { d.platforms[p.Name()] = p }

// Kick wakes the deliverer after a commit that queued something.
func (d *Deliverer) Kick() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *Deliverer) deliver(ctx context.Context, o Outbound) {
	log := d.log.With("outbox_id", o.ID, "op", o.Op, "platform", o.Platform, "lane", o.Lane)
	p, ok := d.platforms[o.Platform]
	if !ok {
		// The platform is not configured in this run (e.g. Slack tokens removed): keep the
		// operation for a later run rather than dropping it.
		d.retry(ctx, log, o, d.clock.Now().Add(d.MaxBackoff), "platform "+o.Platform+" not connected")
		return
	}
	result, err := d.perform(WithDelivery(ctx, deliveryFor(o, o.Created.Before(d.started))), p, o)
	if d.OnDelivered != nil {
		d.OnDelivered(o.Platform, o.Op, err)
	}
	now := d.clock.Now()
	if err == nil {
		d.record(ctx, log, o, result, now)
		return
	}
	if ctx.Err() != nil {
		return // shutting down: the row stays pending and is retried after restart
	}
	var rl *RetryAfterError
	switch {
	case errors.As(err, &rl):
		log.Warn("outbox: rate limited", "retry_after", rl.Wait)
		d.retry(ctx, log, o, now.Add(rl.Wait), "rate limited")
	case errors.Is(err, ErrPermanent) && o.Op != OpCreateChannel:
		log.Error("outbox: giving up", "err", err)
		if ferr := d.store.FailOutbound(ctx, o.ID, err.Error(), now); ferr != nil {
			// The row stays pending and is tried again: the refusal will repeat, the
			// record may not fail twice.
			log.Error("outbox: recording the failure failed; the operation stays queued", "err", ferr)
		}
	default:
		wait := d.backoff(o.Attempts)
		log.Warn("outbox: delivery failed, will retry", "err", err, "attempt", o.Attempts+1, "retry_in", wait)
		d.retry(ctx, log, o, now.Add(wait), err.Error())
		if o.Op == OpCreateChannel && o.Attempts == 0 && o.Payload.Notify != "" {
			d.tellChannelPending(ctx, o, err)
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
func (d *Deliverer) record(ctx context.Context, log *slog.Logger, o Outbound, result Delivered, at time.Time) {
	wait := 100 * time.Millisecond
	for {
		cerr := d.store.CompleteOutbound(ctx, o.ID, result, at)
		if cerr == nil {
			return
		}
		log.Error("outbox: delivered, but recording the delivery failed; retrying the record, not the delivery", "err", cerr, "retry_in", wait)
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
func (d *Deliverer) retry(ctx context.Context, log *slog.Logger, o Outbound, next time.Time, reason string) {
	if err := d.store.RetryOutbound(ctx, o.ID, next, reason); err != nil {
		log.Error("outbox: recording a failed attempt failed", "err", err)
	}
}

// tellChannelPending lets the declarer know their incident exists but its channel does not
// yet, and that warroom keeps trying.
func (d *Deliverer) tellChannelPending(ctx context.Context, o Outbound, cause error) {
	msg := Message{Text: FormatID(o.Incident) + " is recorded, but its channel #" + o.Payload.Name +
		" could not be created yet (" + cause.Error() + "). warroom keeps retrying; everything said meanwhile is queued."}
	if err := d.store.Enqueue(ctx, Outbound{Lane: "dm:" + o.Payload.Notify, Platform: o.Platform, Op: OpDM,
		Payload: Payload{User: o.Payload.Notify, Message: msg}}, d.clock.Now()); err != nil {
		d.log.Error("outbox: queueing the channel-pending notice failed", "incident", FormatID(o.Incident), "err", err)
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

// Delivered is what the platform answered for a delivered operation: the id of the message
// it posted (post, card, DM) or of the channel it created, with that channel's name.
type Delivered struct {
	ID          string
	ChannelName string // create_channel only
}

func message(id string, err error) (Delivered, error) { return Delivered{ID: id}, err }

func (d *Deliverer) perform(ctx context.Context, p Platform, o Outbound) (Delivered, error) {
	target := o.Target
	var card string
	if o.Incident != 0 && target == "" && o.Op != OpCreateChannel {
		ch, ref, err := d.store.IncidentChannel(ctx, o.Incident)
		if err != nil {
			return Delivered{}, err
		}
		if ch == "" {
			return Delivered{}, errors.New("incident channel not created yet")
		}
		target, card = ch, ref
	}
	pl := o.Payload
	switch o.Op {
	case OpCreateChannel:
		ch, err := p.CreateChannel(ctx, pl.Name, pl.Private, pl.Topic)
		if err != nil {
			return Delivered{}, err
		}
		return Delivered{ID: ch.ID, ChannelName: ch.Name}, nil
	case OpPost:
		return message(p.Post(ctx, target, pl.Message))
	case OpCard:
		if card != "" {
			return Delivered{ID: card}, p.Update(ctx, target, card, pl.Message)
		}
		id, err := p.Post(ctx, target, pl.Message)
		if err != nil {
			return Delivered{}, err
		}
		// A failed pin is not worth re-posting the card for.
		if perr := p.Pin(ctx, target, id); perr != nil {
			d.log.Warn("outbox: pinning the incident card failed", "err", perr)
		}
		return Delivered{ID: id}, nil
	case OpEphemeral:
		return Delivered{}, p.Ephemeral(ctx, target, pl.User, pl.Message)
	case OpDM:
		return message(p.DM(ctx, pl.User, pl.Message))
	case OpInvite:
		return Delivered{}, p.Invite(ctx, target, pl.Users)
	case OpRemove:
		return Delivered{}, p.Remove(ctx, target, pl.User)
	case OpTopic:
		return Delivered{}, p.SetTopic(ctx, target, pl.Topic)
	case OpUpload:
		if pl.File == nil {
			return Delivered{}, Permanent(errors.New("upload without a file"))
		}
		return Delivered{}, p.Upload(ctx, target, *pl.File)
	case OpEdit:
		return Delivered{}, p.Update(ctx, target, pl.MessageID, pl.Message)
	case OpDelete:
		if dl, ok := p.(Deleter); ok {
			return Delivered{}, dl.Delete(ctx, target, pl.MessageID)
		}
		return Delivered{}, nil
	case OpArchive:
		if a, ok := p.(Archiver); ok {
			return Delivered{}, a.Archive(ctx, target)
		}
		return Delivered{}, nil
	}
	return Delivered{}, Permanent(errors.New("unknown outbox operation " + o.Op))
}
