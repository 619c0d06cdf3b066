package web

import (
	"context"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// Reader is one consistent read of the database: storage's Tx satisfies it (cmd/warroom
// adapts storage.DB to Store).
type Reader interface {
	commands.ReportSource
	commands.Membership
	Incidents(all bool) ([]bot.Incident, error)
	CurrentRoles(n int64) (map[string]string, error)
	Clocks(n int64) ([]bot.Clock, error)
	IncidentPages(n int64) ([]bot.Page, error)
	PagesSince(since time.Time) ([]bot.Page, error)
	ReadIns(n int64) ([]bot.ReadIn, error)
	EntriesAfter(n, after int64, fn func(bot.Entry) error) error
	HeadSeq(n int64) (int64, error)
	Checkpoints(n int64) ([]bot.Checkpoint, error)
	WebSession(hash string, now time.Time) (bot.WebSession, error)
}

// Store is what the web view reads, and the only things it writes: sign-in, sign-out and
// the read-in log. Nothing about an incident changes from the web.
type Store interface {
	View(ctx context.Context, fn func(Reader) error) error
	// RedeemLink uses a sign-in link once (by its hash) and returns its person; it fails
	// with bot.ErrNotFound, webauth.ErrUsed or webauth.ErrExpired.
	RedeemLink(ctx context.Context, hash string, now time.Time) (string, error)
	// StartSession stores a new session (by its hash) and returns its id.
	StartSession(ctx context.Context, hash, person string, now, expires time.Time) (int64, error)
	// EndSession revokes a session (sign-out).
	EndSession(ctx context.Context, hash string, now time.Time) error
	// RecordReadIn logs a session's first view of incident n.
	RecordReadIn(ctx context.Context, session, n int64, person string, at time.Time) error
}
