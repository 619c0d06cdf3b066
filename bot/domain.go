// Package bot is warroom's domain, a leaf that imports no third-party module: the types
// (incidents, phases, roles, timeline entries and their structured data, the hash chain and
// checkpoints), the small Platform contract every chat adapter satisfies, the events that come
// in from chat, and the shape of what the bot queues to say (Outbound). What acts on these
// lives beside it: config/ reads the YAML, outbox/ delivers, timers/ fires, commands/ decides.
package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Phase is a SANS incident-response phase. Preparation is organisation-wide; an incident
// moves through the others in order and then to closed.
type Phase string

// The SANS phases an incident moves through, in order.
const (
	PhasePreparation    Phase = "preparation"
	PhaseIdentification Phase = "identification"
	PhaseContainment    Phase = "containment"
	PhaseEradication    Phase = "eradication"
	PhaseRecovery       Phase = "recovery"
	PhaseLessons        Phase = "lessons-learned"
	PhaseClosed         Phase = "closed"
)

// IncidentPhases are the per-incident phases in order.
var IncidentPhases = []Phase{PhaseIdentification, PhaseContainment, PhaseEradication, PhaseRecovery, PhaseLessons}

// Next returns the phase after p, and false after lessons-learned.
func (p Phase) Next() (Phase, bool) {
	for i, q := range IncidentPhases {
		if q == p && i+1 < len(IncidentPhases) {
			return IncidentPhases[i+1], true
		}
	}
	return "", false
}

// Index is the position of p among IncidentPhases, -1 if it is not one.
func (p Phase) Index() int {
	for i, q := range IncidentPhases {
		if q == p {
			return i
		}
	}
	return -1
}

// ParsePhase accepts a phase name or a common short form ("lessons").
func ParsePhase(s string) (Phase, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "lessons" || s == "lessons_learned" || s == "lessonslearned" {
		s = string(PhaseLessons)
	}
	for _, p := range IncidentPhases {
		if string(p) == s {
			return p, true
		}
	}
	return "", false
}

// Close classes, as TheHive and most SOCs use them.
const (
	ClassTruePositive  = "true-positive"
	ClassFalsePositive = "false-positive"
	ClassBenign        = "benign"
	ClassDuplicate     = "duplicate"
)

// CloseClasses lists the valid close classes.
var CloseClasses = []string{ClassTruePositive, ClassFalsePositive, ClassBenign, ClassDuplicate}

// Status of an incident.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Incident is one security incident. Number is per database (INC-1, INC-2 …).
type Incident struct {
	Number        int64
	Title         string
	Type          string // one of the configured types, "" until classified
	Severity      int    // 1 (critical) … 4 (low)
	Phase         Phase  // current phase, PhaseClosed once closed
	Status        string // StatusOpen | StatusClosed
	Drill         bool
	Platform      string // "console" | "slack" | "discord"
	Team          string // Slack team id / Discord guild id, "" on the console
	ChannelID     string // platform channel id; "" while the channel is still being created
	ChannelName   string // inc-3-phishing-wave
	CardRef       string // message id of the pinned incident card, once posted
	OriginChannel string // where it was declared from
	OriginLink    string // permalink of the message it was declared from (🚨), if any
	DeclaredBy    string // actor
	DeclaredAt    time.Time
	ClosedAt      *time.Time
	ClosedFrom    Phase // the phase it closed from, for reopen
	CloseClass    string
	Resolution    string
	DuplicateOf   int64
	ReportVersion int
	HeadSeq       int64
	HeadHash      string
}

// ID is the incident's human id, "INC-7".
func (i *Incident) ID() string { return FormatID(i.Number) }

// Open reports whether the incident is not closed.
func (i *Incident) Open() bool { return i.Status == StatusOpen }

// FormatID writes an incident number as "INC-7".
func FormatID(n int64) string { return "INC-" + strconv.FormatInt(n, 10) }

// ParseID accepts "INC-7", "inc-7", "#7" or a bare "7".
func ParseID(s string) (int64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "#")
	if len(t) > 4 && strings.EqualFold(t[:4], "INC-") {
		t = t[4:]
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not an incident id (use INC-7 or 7)", s)
	}
	return n, nil
}

// Entry is one timeline entry. Entries are append-only and hash-chained per incident; see
// chain.go for the canonical form.
type Entry struct {
	Incident   string // "INC-7"
	Seq        int64
	V          int       // chain version: 1 (first release) or 2 (data and text_commit)
	At         time.Time // when warroom recorded it
	OccurredAt time.Time // when it happened (a pinned message's own time); equal to At otherwise
	Actor      string
	Kind       string
	Text       string
	// Data is the change's structured fields as a JSON object (ids, enums, numbers, times,
	// roster names; never free text, which lives only in Text). Version 2 only.
	Data json.RawMessage
	// Salt (32 hex characters) and TextCommit (hex SHA-256 of salt ‖ text) commit to the
	// text in version 2; a redaction deletes Text and Salt and keeps TextCommit.
	Salt       string
	TextCommit string
	Digest     string
	Hash       string
	Redacted   bool
}

// Timeline entry kinds.
const (
	KindDeclared  = "declared"
	KindPhase     = "phase"
	KindOverride  = "override"
	KindSeverity  = "severity"
	KindType      = "type"
	KindRole      = "role"
	KindMember    = "member"
	KindJoin      = "join"
	KindNote      = "note"
	KindUpdate    = "update"
	KindTask      = "task"
	KindCheck     = "check"
	KindLesson    = "lesson"
	KindRedaction = "redaction"
	KindClose     = "close"
	KindReopen    = "reopen"
	KindLink      = "link"
	KindPin       = "pin"
	KindChannel   = "channel"
	KindAlert     = "alert" // an alert received from a configured source (issue 15)
	// KindPlaybook records a playbook applied to an incident: its name and version
	// (config.PlaybookVersion), and what it added.
	KindPlaybook = "playbook"
	// KindAction is a response action's entry: requested, approved, denied, expired, called,
	// result, failed, drill (docs/playbooks.md).
	KindAction = "action"
)

// Lesson kinds for /incident lesson.
var LessonKinds = []string{"good", "bad", "idea"}

// Task is an action item on an incident.
type Task struct {
	N         int64
	Text      string
	Owner     string // actor, "" when unassigned
	Due       *time.Time
	CreatedBy string
	CreatedAt time.Time
	DoneBy    string
	DoneAt    *time.Time
}

// ChecklistItem is one exit criterion of a phase.
type ChecklistItem struct {
	Phase     Phase
	N         int
	Text      string
	CheckedBy string
	CheckedAt *time.Time
}

// RoleAssignment is a role held by a person over a period.
type RoleAssignment struct {
	Role       string
	Person     string
	AssignedBy string
	From       time.Time
	Until      *time.Time
}

// PhaseSpan is a period an incident spent in a phase.
type PhaseSpan struct {
	Phase   Phase
	Entered time.Time
	Left    *time.Time
	Forced  bool
}

// Lesson is something learned, gathered with /incident lesson.
type Lesson struct {
	Kind   string // good | bad | idea
	Text   string
	Author string
	At     time.Time
}

// ErrNotFound is returned by storage when an incident, task or entry does not exist.
var ErrNotFound = errors.New("not found")
