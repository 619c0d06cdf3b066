// Package report builds an incident's lessons-learned report — what the SANS handbook and
// NIST SP 800-61 ask a post-incident report to hold — from what warroom already recorded,
// and renders it as Markdown, a self-contained HTML page or JSON.
//
// It is pure: the caller loads a Data (commands.LoadReport does it from the store), Build
// derives everything else, and the renderers write to an io.Writer. No SQL, no platform,
// no clock: the time the report is "as of" is part of the input, so a report built twice
// from the same data is the same byte for byte.
package report

import (
	"crypto/ed25519"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/ioc"
	"github.com/warroom/warroom/templates"
)

// Data is everything a report is built from.
type Data struct {
	Incident bot.Incident
	// Location is the configured time zone; times are shown in UTC and in it. nil is UTC.
	Location *time.Location
	// Severities names the severity levels ({1: "critical", …}); missing names print as
	// "sevN".
	Severities map[int]string

	Roles     []bot.RoleAssignment // every assignment, oldest first
	Members   []string             // people in the incident now
	Phases    []bot.PhaseSpan      // in order
	Entries   []bot.Entry          // the whole timeline, in seq order
	Tasks     []bot.Task
	Lessons   []bot.Lesson
	Checklist []bot.ChecklistItem // every phase's exit criteria
	Related   []Related           // incidents linked with /incident link
	// Pages and Clocks come from the paging and nudges features; a store without them
	// leaves these nil and the report says "none recorded".
	Pages  []Page
	Clocks []Clock
	// ReadIns are the web view's access log: who first looked at the incident in each
	// session, and when (a store without the web view leaves it nil).
	ReadIns []bot.ReadIn
	// Alerts are the incident's alert groups (alerts in); nil: none.
	Alerts []AlertGroup

	Integrity bot.Verdict
	// Checkpoints are the incident's signed checkpoints; PublicKey, when known, is the key
	// their signatures were checked with.
	Checkpoints []bot.Checkpoint
	PublicKey   ed25519.PublicKey
	// Own is the organisation's own domains and networks (config ioc:), never listed as
	// indicators; nil owns nothing.
	Own *ioc.Own
	// OmitEntryHashes leaves each timeline entry's digest and hash out of the report (its
	// Timeline[i].Digest and .Hash are empty): Markdown, HTML and the notification drafts
	// show neither, JSON shows both. It saves 128 bytes an entry for a caller that knows
	// the format before building (`warroom report`).
	OmitEntryHashes bool
	// Scans, when set, keeps what Build derived from each entry's text for the next Build
	// of the same incident's report (nil: every entry is scanned).
	Scans *ScanMemo
	// Workers bounds how many CPUs scanning the entries' text takes (0: all of them). A
	// report built beside live commands (the close's) takes one and leaves the rest to
	// them; the report is the same either way.
	Workers int

	// Generator names what wrote the report ("warroom v1.2.0").
	Generator string
	// GeneratedAt is the time the report is as of: open phases and open clocks are
	// measured up to it.
	GeneratedAt time.Time
	// Draft marks a report of an incident still open; Build sets it for an open incident
	// whatever the caller says.
	Draft bool
	// Templates are the layouts to render with; nil means the embedded ones.
	Templates *templates.Set

	// DefaultTLP is the configured label of an incident never labelled (bot.DefaultTLP
	// when unset). Audience, when set, leaves out everything above its level.
	DefaultTLP bot.TLP
	Audience   bot.TLP
	// Organisation is who files the regulators' notifications.
	Organisation config.Organisation
}

// Related is an incident linked to this one.
type Related struct {
	Number     int64
	Title      string
	Status     string // open | closed
	CloseClass string
}

// Page is a page sent from the incident and whether and when it was acknowledged.
type Page struct {
	ID        int64
	Incident  int64  // the incident it was sent from; 0 for a page sent outside one
	Target    string // "secops" or "@bob"
	PagedBy   string
	CreatedAt time.Time
	State     string // open | acked | unanswered | cancelled
	AckedBy   string
	AckedAt   *time.Time
}

// Clock is a regulatory deadline (GDPR 72 h, NIS2, SEC …) and when its filing was recorded.
type Clock struct {
	Name     string
	Label    string // what must be filed
	Start    time.Time
	Deadline time.Time
	DoneAt   *time.Time
	DoneBy   string
	DoneNote string
}
