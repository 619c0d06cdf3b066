package bot

import (
	"strconv"
	"time"
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
	// Until, when set, is when the store's claim on the operation ends (PostgreSQL, where
	// several processes share the outbox): another deliverer may take it after that, so an
	// attempt must be over by then. Zero: one deliverer per database, no claim.
	Until time.Time
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
	// Scrubs counts the redactions that rewrote this operation (or its stored file) while
	// it was pending, and ScrubbedFor is the incident of the last: a delivery read before
	// a scrub sent the removed text, and its completion can tell, by comparing what it
	// read with what is stored, without comparing the texts (storage's afterScrub).
	Scrubs      int   `json:"scrubs,omitempty"`
	ScrubbedFor int64 `json:"scrubbed_for,omitempty"`
}

// IncidentLane is the outbox lane of incident n's own channel.
func IncidentLane(n int64) string { return "inc:" + strconv.FormatInt(n, 10) }

// SecretRemoved is what a delivered secret message's text becomes in the outbox.
const SecretRemoved = "(removed once delivered: it held a secret)"

// Delivered is what the platform answered for a delivered operation: the id of the message
// it posted (post, card, DM) or of the channel it created, with that channel's name.
type Delivered struct {
	ID          string
	ChannelName string // create_channel only
}
