package bot

import (
	"context"
	"time"
)

// User is someone on a platform: their platform-native id and the name shown.
type User struct {
	ID   string // Slack U…, Discord snowflake, console name
	Name string // display name as the platform gives it
}

// Source says where an event came from.
type Source struct {
	Platform string // "console" | "slack" | "discord"
	Team     string // Slack team / Discord guild
	Channel  string // channel id
	User     User
	// DedupKey identifies a delivery of an event (Slack event_id, Discord interaction id);
	// the engine records it in the same transaction as the event's effects, so a retried
	// delivery changes nothing.
	DedupKey string
}

// Command is a slash command: "/incident note …" is Command "incident", Text "note …".
// Adapters write user mentions in Text as <@ID>.
type Command struct {
	Source
	Name string
	Text string
	// Typed: the platform gave the command as a verb and typed options (Discord's
	// application commands) instead of text. Verb is the declared verb name ("task add",
	// "" for the command alone); Options holds each declared argument given, by name, as
	// a value (numbers in decimal, flags as "true"); Users each person picked with the
	// platform's user picker, by the argument's name, as the platform's user id: a person,
	// not mention text for the engine to read again.
	Typed   bool
	Verb    string
	Options map[string]string
	Users   map[string]string
}

// ChatMessage is a message someone wrote, as a reaction refers to it.
type ChatMessage struct {
	ID        string
	Channel   string
	Author    User
	Text      string
	At        time.Time
	Permalink string
	// Files are the message's attachments as the adapter fetched and hashed them through
	// the platform's API — only for a 🧾 (receipt) reaction, which makes them evidence.
	Files []FileReceipt
	// ReadFiles reads and hashes the message's files through the platform (nil: it has none).
	// Adapters set it instead of Files, so that for a 🧾 the engine first checks the reactor
	// may record evidence there and only then has the bytes downloaded.
	ReadFiles func(ctx context.Context) []FileReceipt
}

// FileReceipt is one attached file as warroom read it: the SHA-256 and size of the bytes
// the platform served. Err says why it could not be read (then there is no hash); TooLarge
// that it is over Limit bytes, the most warroom hashes (Size is then what the platform
// listed, or how far warroom read).
type FileReceipt struct {
	ID       string
	Name     string
	Size     int64
	SHA256   string
	Err      string
	TooLarge bool
	Limit    int64
}

// Reaction is an emoji added to a message. Emoji is the platform-neutral name
// ("rotating_light", "pushpin", "white_check_mark"). Message is filled by the adapter.
type Reaction struct {
	Source
	MessageID string
	Emoji     string
	Message   *ChatMessage
}

// Press is a button pressed on one of the bot's messages.
type Press struct {
	Source
	MessageID string
	Action    string
	Value     string
}

// Reply is the immediate answer to the person who acted, shown only to them.
type Reply struct {
	Text Text
	// Verb names what ran ("incident note", "page ack", "reaction pushpin", "press
	// approve"), never what the person typed, so an adapter's log line about a reply it
	// could not deliver says which command it was for.
	Verb string
}

// Handler is the engine as adapters see it. Each call commits its effects (or none) before
// returning; what the bot says beyond the Reply goes through the outbox.
type Handler interface {
	HandleCommand(ctx context.Context, c Command) Reply
	HandleReaction(ctx context.Context, r Reaction) Reply
	HandlePress(ctx context.Context, p Press) Reply
}
