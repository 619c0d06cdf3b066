package report

import (
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/templates"
)

// Report is the built report. Its exported fields, with their JSON names, are the JSON
// format's contract: sixteen top-level fields (classification, executive_summary,
// incident, facts, roles, phases, metrics, timeline, tasks, lessons, iocs, clocks,
// alerts, evidence, integrity, read_in), snake_case inside, arrays never null,
// durations in whole seconds (null when the moment has not come), times RFC 3339 UTC with
// nanoseconds as `warroom timeline --json` writes them. Text from chat has secrets masked
// but is otherwise as written: escaping is the Markdown and HTML renderers' business.
type Report struct {
	Classification Classification `json:"classification"`
	// Executive is the executive summary: plain sentences built from the facts.
	Executive []ExecLine     `json:"executive_summary"`
	Incident  Incident       `json:"incident"`
	Facts     Facts          `json:"facts"`
	Roles     []Role         `json:"roles"`
	Phases    []Phase        `json:"phases"`
	Metrics   Metrics        `json:"metrics"`
	Timeline  []Entry        `json:"timeline"`
	Tasks     []Task         `json:"tasks"`
	Lessons   []Lesson       `json:"lessons"`
	IOCs      []IOC          `json:"iocs"`
	Clocks    []ClockResult  `json:"clocks"`
	Alerts    []AlertResult  `json:"alerts"`
	Evidence  []EvidenceItem `json:"evidence"`
	Integrity Integrity      `json:"integrity"`
	ReadIn    []ReadIn       `json:"read_in"`

	org    config.Organisation
	labels labels
	runs   []run // response action runs (Markdown and HTML; runs.go)
	// detectedSeq is the entry that recorded the detection time (0: none).
	detectedSeq int64
	recorded    bot.Facts // the facts as recorded, before an audience's edition left any out
	loc         *time.Location
	tpl         *templates.Set
	unchecked   bool // Data held no verdict
}

// Incident is the summary: what it was, how bad, how it ended, who found it.
type Incident struct {
	ID              string          `json:"id"`
	Number          int64           `json:"number"`
	Title           string          `json:"title"`
	Type            string          `json:"type"`
	TypeChanges     []Change        `json:"type_changes"`
	Severity        int             `json:"severity"`
	SeverityName    string          `json:"severity_name"`
	SeverityChanges []Change        `json:"severity_changes"`
	Status          string          `json:"status"`
	Phase           string          `json:"phase"`
	CloseClass      string          `json:"close_class"`
	Resolution      string          `json:"resolution"`
	DuplicateOf     string          `json:"duplicate_of"`
	Drill           bool            `json:"drill"`
	Platform        string          `json:"platform"`
	Channel         string          `json:"channel"`
	DeclaredAt      Time            `json:"declared_at"`
	DeclaredBy      string          `json:"declared_by"`
	ClosedAt        *Time           `json:"closed_at"`
	Detection       Detection       `json:"detection"`
	Participants    []string        `json:"participants"`
	Related         []RelatedRef    `json:"related"`
	ExitCriteria    []ExitCriterion `json:"exit_criteria"`
	Report          Meta            `json:"report"`
}

// Change is a severity or type change from the timeline.
type Change struct {
	Seq   int64  `json:"seq"`
	At    Time   `json:"at"`
	Actor string `json:"actor"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Detection says when and by whom the incident was first reported and how.
type Detection struct {
	// ReportedAt is the earliest of the declaration and any pinned message that happened
	// before it; ReportedBy is whoever wrote that.
	ReportedAt Time   `json:"reported_at"`
	ReportedBy string `json:"reported_by"`
	// Method: "declared with /incident declare", "declared from a chat message (🚨)" or
	// "drill".
	Method string `json:"method"`
	Origin string `json:"origin"` // the permalink (or message) it was declared from, if any
	// Earlier are the pinned messages that happened before the declaration.
	Earlier []Entry `json:"earlier"`
	// DetectedAt is the detection time recorded with /incident detected (an EDR alert
	// before anyone declared), Source what detected it; null when none was recorded.
	DetectedAt *Time  `json:"detected_at"`
	Source     string `json:"source"`
}

// RelatedRef is a linked incident.
type RelatedRef struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Status     string `json:"status"`
	CloseClass string `json:"close_class"`
	Duplicate  bool   `json:"duplicate"` // this incident was closed as a duplicate of it
}

// ExitCriterion is one item of a phase's checklist.
type ExitCriterion struct {
	Phase     string `json:"phase"`
	N         int    `json:"n"`
	Text      string `json:"text"`
	CheckedBy string `json:"checked_by"`
	CheckedAt *Time  `json:"checked_at"`
}

// Meta describes the report itself.
type Meta struct {
	Version     int    `json:"version"` // 2 after one reopening
	Draft       bool   `json:"draft"`
	GeneratedAt Time   `json:"generated_at"`
	Generator   string `json:"generator"`
	TimeZone    string `json:"time_zone"`
}

// Role is one person holding one role for a period. The declarer is acting commander
// until someone takes or is given the role (Acting).
type Role struct {
	Role            string `json:"role"`
	Person          string `json:"person"`
	AssignedBy      string `json:"assigned_by"`
	From            Time   `json:"from"`
	Until           *Time  `json:"until"`
	DurationSeconds int64  `json:"duration_seconds"`
	Acting          bool   `json:"acting"`
}

// Phase is one span of time in one phase.
type Phase struct {
	Phase           string `json:"phase"`
	EnteredAt       Time   `json:"entered_at"`
	LeftAt          *Time  `json:"left_at"`
	DurationSeconds int64  `json:"duration_seconds"`
	Forced          bool   `json:"forced"`
	Ongoing         bool   `json:"ongoing"`
}

// Metrics are the headline figures, all from CountedFrom: the detection time when one was
// recorded, else the declaration.
type Metrics struct {
	CountedFrom string `json:"counted_from"` // "detection" | "declaration"
	// TimeToDeclare: from the detection to the declaration (null without a detection time).
	TimeToDeclare *int64 `json:"time_to_declare_seconds"`
	// TimeToCommander: until someone other than the acting declarer took the role (or the
	// declarer took it explicitly).
	TimeToCommander *int64 `json:"time_to_commander_seconds"`
	// TimeToContainment, …Eradication, …Recovery: until that phase was first completed
	// (the incident moved on from it or closed in it).
	TimeToContainment *int64 `json:"time_to_containment_seconds"`
	TimeToEradication *int64 `json:"time_to_eradication_seconds"`
	TimeToRecovery    *int64 `json:"time_to_recovery_seconds"`
	// Total: until the close, or until the report's time for a draft.
	Total       int64         `json:"total_seconds"`
	TimeInPhase []PhaseTime   `json:"time_in_phase"`
	Pages       []PageMetric  `json:"pages"`
	Acks        AckStatistics `json:"time_to_acknowledge"`
}

// PhaseTime is the total time spent in a phase, over every span of it.
type PhaseTime struct {
	Phase   string `json:"phase"`
	Seconds int64  `json:"seconds"`
}

// PageMetric is a page and how long it took to be acknowledged.
type PageMetric struct {
	ID            int64  `json:"id"`
	Target        string `json:"target"`
	PagedBy       string `json:"paged_by"`
	CreatedAt     Time   `json:"created_at"`
	State         string `json:"state"`
	AckedBy       string `json:"acked_by"`
	AckedAt       *Time  `json:"acked_at"`
	TimeToAckSecs *int64 `json:"time_to_ack_seconds"`
}

// AckStatistics summarises the pages' time to acknowledge.
type AckStatistics struct {
	Pages         int    `json:"pages"`
	Acknowledged  int    `json:"acknowledged"`
	MedianSeconds *int64 `json:"median_seconds"`
	MaxSeconds    *int64 `json:"max_seconds"`
}

// Entry is one timeline entry as the report shows it.
type Entry struct {
	Seq        int64  `json:"seq"`
	At         Time   `json:"at"`
	OccurredAt Time   `json:"occurred_at"`
	Actor      string `json:"actor"`
	Kind       string `json:"kind"`
	Text       string `json:"text"`
	// Decision marks actions and decisions: phase changes, overrides, severity and type
	// changes, roles, links, redactions, pages, clocks, close and reopen.
	Decision bool `json:"decision"`
	// Redacted entries keep no text; the redaction entry says who removed it and why.
	Redacted        bool   `json:"redacted"`
	RedactedBy      string `json:"redacted_by,omitempty"`
	RedactionReason string `json:"redaction_reason,omitempty"`
	// Masked counts the secrets replaced in Text; the digest is of the original text, so a
	// masked entry is verified with `warroom timeline --json`, not from the report.
	Masked int    `json:"masked,omitempty"`
	Digest string `json:"digest"`
	Hash   string `json:"hash"`
}

// Task is an action item with its owner and state.
type Task struct {
	N         int64  `json:"n"`
	Text      string `json:"text"`
	Owner     string `json:"owner"`
	State     string `json:"state"` // open | overdue | done
	Due       *Time  `json:"due_at"`
	CreatedBy string `json:"created_by"`
	CreatedAt Time   `json:"created_at"`
	DoneBy    string `json:"done_by"`
	DoneAt    *Time  `json:"done_at"`
}

// Lesson is something learned: good, bad or idea.
type Lesson struct {
	Kind   string `json:"kind"`
	Text   string `json:"text"`
	Author string `json:"author"`
	At     Time   `json:"at"`
}

// IOC is an indicator of compromise found in notes, status updates and pinned messages.
type IOC struct {
	Kind     string `json:"kind"`
	Value    string `json:"value"`
	Defanged string `json:"defanged"`
	Seq      int64  `json:"seq"` // the entry it was first seen in
}

// ClockResult is a regulatory clock and whether its deadline was met.
type ClockResult struct {
	Name     string `json:"name"`
	Label    string `json:"label"`
	Start    Time   `json:"started_at"`
	Deadline Time   `json:"deadline_at"`
	DoneAt   *Time  `json:"done_at"`
	DoneBy   string `json:"done_by"`
	Note     string `json:"note"`
	// Status: met (filed by the deadline), late (filed after it), missed (not filed and
	// past it), open (not filed, still time).
	Status string `json:"status"`
	Met    *bool  `json:"met"` // null while open
	// LeftSeconds is the time to the deadline while open (negative once missed).
	LeftSeconds *int64 `json:"left_seconds"`
}

// Integrity is the hash chain's state when the report was built.
type Integrity struct {
	Entries  int64  `json:"entries"`
	HeadHash string `json:"head_hash"`
	Verified bool   `json:"verified"`
	BadSeq   int64  `json:"bad_seq,omitempty"`
	Problem  string `json:"problem,omitempty"`
	// Chain is "v2", or how many entries were written before chain v2 ("v1: 12 entries").
	Chain string `json:"chain"`
	// Checkpoints is how many signed checkpoints the incident has; Last the latest.
	Checkpoints    int         `json:"checkpoints"`
	LastCheckpoint *Checkpoint `json:"last_checkpoint,omitempty"`
	// Signatures is "ok", "not checked (no public key)" or "FAILED" (with Problem).
	Signatures string `json:"signatures"`
	// PublicKey is the key the checkpoints were checked with (ed25519:…) and its
	// fingerprint (SHA256:… of the 32 raw bytes, base64 without padding).
	PublicKey   string `json:"public_key,omitempty"`
	Fingerprint string `json:"public_key_fingerprint,omitempty"`
	// Redactions counts redacted entries: backups taken before them still hold the text.
	Redactions int `json:"redactions"`
}

// Checkpoint is a signed checkpoint as the report shows it.
type Checkpoint struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	At   Time   `json:"at"`
}

// ReadIn is one first view of the incident in a web view session (the access log).
type ReadIn struct {
	Person string `json:"person"`
	At     Time   `json:"at"`
}

// Time is a time that JSON writes the way the timeline export does.
type Time struct{ time.Time }

// MarshalJSON writes RFC 3339 UTC with nine fractional digits.
func (t Time) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(bot.TimeFormat)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, bot.TimeFormat)
	return append(b, '"'), nil
}

func at(t time.Time) Time { return Time{t.UTC()} }

func atPtr(t *time.Time) *Time {
	if t == nil {
		return nil
	}
	v := at(*t)
	return &v
}

func secs(d time.Duration) int64 { return int64(d / time.Second) }

func secsPtr(d time.Duration) *int64 {
	s := secs(d)
	return &s
}
