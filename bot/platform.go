package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Message is what the bot says: its text as typed segments (segment.go), which each adapter
// renders its own way, and optional buttons.
type Message struct {
	Text    Text     `json:"text"`
	Buttons []Button `json:"buttons,omitempty"`
}

// Button is an action on a message. Action names the handler ("page.ack", "join.approve");
// Value carries its argument ("INC-3:bob").
type Button struct {
	Action string `json:"action"`
	Label  string `json:"label"`
	Value  string `json:"value"`
	Style  string `json:"style,omitempty"` // "primary" | "danger" | ""
}

// File is an upload: a report, an export.
type File struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Comment Text   `json:"comment,omitempty"`
	Data    []byte `json:"data"`
	// Stored, when not 0, says the bytes are kept by the store apart from the operation
	// (storage's outbox_files; Data is then empty until the deliverer reads them back), so
	// that queueing a large file does not write all of it in one transaction.
	Stored int64 `json:"stored,omitempty"`
}

// Channel is a platform channel the bot created.
type Channel struct {
	ID   string
	Name string
}

// Platform is what every chat adapter does for the bot. Users are platform-native ids (the
// console uses names). Adapters translate; they hold no incident logic.
type Platform interface {
	// Name is "console", "slack" or "discord".
	Name() string
	// CreateChannel opens a channel; the adapter picks a free name close to name (a numeric
	// suffix when it is taken) and returns the one it used.
	CreateChannel(ctx context.Context, name string, private bool, topic string) (Channel, error)
	Invite(ctx context.Context, channelID string, users []string) error
	Remove(ctx context.Context, channelID, user string) error
	Post(ctx context.Context, channelID string, m Message) (messageID string, err error)
	Update(ctx context.Context, channelID, messageID string, m Message) error
	Ephemeral(ctx context.Context, channelID, user string, m Message) error
	DM(ctx context.Context, user string, m Message) (messageID string, err error)
	SetTopic(ctx context.Context, channelID, topic string) error
	Pin(ctx context.Context, channelID, messageID string) error
	Upload(ctx context.Context, channelID string, f File) error
}

// Archiver is implemented by platforms that can archive a channel on close.
type Archiver interface {
	Archive(ctx context.Context, channelID string) error
}

// Deleter is implemented by platforms that let the bot delete a message someone else wrote
// (Discord, with Manage Messages): a redaction deletes the original there.
type Deleter interface {
	Delete(ctx context.Context, channelID, messageID string) error
}

// ErrPermanent marks a platform error that retrying will not fix (channel_not_found,
// missing permission). Wrap with Permanent.
var ErrPermanent = errors.New("permanent platform error")

// Permanent wraps err so the outbox gives up on the operation instead of retrying.
func Permanent(err error) error { return fmt.Errorf("%w: %w", ErrPermanent, err) }

// RetryAfterError is a rate-limit answer: try again after Wait.
type RetryAfterError struct {
	Wait time.Duration
	Err  error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.Wait, e.Err)
}
func (e *RetryAfterError) Unwrap() error { return e.Err }
