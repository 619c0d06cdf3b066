package commands

import (
	"context"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
)

// Store is the persistence the commands need (commands never import storage or SQLite).
// A store whose transactions have their own concrete type is adapted with StoreOf.
type Store interface {
	// Update runs fn in one write transaction: all of a command's effects or none.
	Update(ctx context.Context, fn func(Tx) error) error
}

// Updater is a store with its own transaction type T, such as *storage.DB with *storage.Tx.
type Updater[T Tx] interface {
	Update(ctx context.Context, fn func(T) error) error
}

// Viewer is a store that can also read a consistent snapshot outside the single writer
// (a read transaction): the close builds its report there, so the writer is not held for
// it. A store without it has the report built inside the close's write transaction.
type Viewer interface {
	View(ctx context.Context, fn func(Tx) error) error
}

// StoreOf adapts such a store to Store: the one adapter, for every store and test
// (Go cannot use func(*storage.Tx) where func(Tx) is asked, so this converts). When the
// store also reads snapshots (View with its own T), so does the adapter (Viewer).
func StoreOf[T Tx](u Updater[T]) Store {
	if v, ok := any(u).(interface {
		View(ctx context.Context, fn func(T) error) error
	}); ok {
		vs := viewStoreOf[T]{storeOf[T]{u}, v}
		if f, ok := any(u).(FileKeeper); ok {
			return fileStoreOf[T]{vs, f}
		}
		return vs
	}
	return storeOf[T]{u}
}

// FileKeeper is a store that keeps an upload's bytes apart from its outbox operation
// (bot.File.Stored), written in parts each in its own short transaction: the close stores
// its report so, and the transaction that queues it carries only the file's id, instead
// of holding the single writer while the whole report (18 MB of JSON at 100,000 entries)
// is written.
type FileKeeper interface {
	StoreFile(ctx context.Context, data []byte, at time.Time) (int64, error)
	// DropFile removes a stored file that no operation took.
	DropFile(ctx context.Context, id int64) error
}

type fileStoreOf[T Tx] struct {
	viewStoreOf[T]
	FileKeeper
}

type storeOf[T Tx] struct{ u Updater[T] }

func (s storeOf[T]) Update(ctx context.Context, fn func(Tx) error) error {
	return s.u.Update(ctx, func(t T) error { return fn(t) })
}

type viewStoreOf[T Tx] struct {
	storeOf[T]
	v interface {
		View(ctx context.Context, fn func(T) error) error
	}
}

func (s viewStoreOf[T]) View(ctx context.Context, fn func(Tx) error) error {
	return s.v.View(ctx, func(t T) error { return fn(t) })
}

// Tx is one transaction's view of the data: the per-feature stores below, composed so a
// command's effects across features commit together or not at all.
type Tx interface {
	IncidentStore
	TimelineStore
	OutboxStore
	TimerStore
	PagingStore
	NudgeStore
	AlertStore
	ReportStore
	ActionStore
	WebStore
}

// IncidentStore: incidents, their members, roles, phases, checklists, tasks and lessons.
type IncidentStore interface {
	MarkSeen(key string, at time.Time) (bool, error)

	CreateIncident(inc *bot.Incident) error
	SaveIncident(inc *bot.Incident) error
	Incident(n int64) (*bot.Incident, error)
	IncidentByChannel(platform, channelID string) (*bot.Incident, error)
	Incidents(all bool) ([]bot.Incident, error)
	// OpenIncidentsOn: up to limit open incidents on platform, newest first; with person
	// set, only those they are a member of.
	OpenIncidentsOn(platform, person string, limit int) ([]bot.Incident, error)
	SetIncidentChannel(n int64, channelID, name string) error

	AddMember(n int64, person string, at time.Time) (bool, error)
	RemoveMember(n int64, person string) (bool, error)
	IsMember(n int64, person string) (bool, error)
	Members(n int64) ([]string, error)
	SetRole(n int64, role, person, by string, at time.Time) error
	EndRoles(n int64, person string, at time.Time) ([]string, error)
	CurrentRoles(n int64) (map[string]string, error)

	EnterPhase(n int64, phase bot.Phase, at time.Time, forced bool) error
	LeavePhase(n int64, at time.Time) error
	AddChecklist(n int64, phase bot.Phase, items []string) error
	Checklist(n int64, phase bot.Phase) ([]bot.ChecklistItem, error)
	CheckItem(n int64, phase bot.Phase, k int, by string, at time.Time) (bot.ChecklistItem, error)

	AddTask(n int64, task bot.Task) (int64, error)
	Tasks(n int64) ([]bot.Task, error)
	CompleteTask(n, k int64, by string, at time.Time) (bot.Task, error)
	AddLesson(n int64, l bot.Lesson) error
	Lessons(n int64) ([]bot.Lesson, error)
	AddLink(a, b int64) (bool, error)
	Links(n int64) ([]int64, error)
}

// TimelineStore: the hash-chained timeline, redaction and checkpoints.
type TimelineStore interface {
	Append(n int64, e *bot.Entry, ref string) (bool, error)
	// heads moved in memory and written once (alert batches)
	DeferChainHeads()
	WriteChainHeads() error
	Redact(n, seq int64) (bot.Entry, error)
	// ScrubReaching removes the secrets from incident n's derived rows and the outbox:
	// operations of no incident, n's, and another incident's where reach allows.
	ScrubReaching(n int64, secrets []string, reach func(incident int64) (bool, error)) (bot.Scrubbed, error)
	Entry(n, seq int64) (bot.Entry, error)
	AddCheckpoint(n int64, c bot.Checkpoint) error
	// the fact entries alone (issue 20), for the card and evidence numbers
	EachEntryOfKind(n int64, kinds []string, fn func(bot.Entry) error) error
}

// OutboxStore: everything the bot says goes out through the transactional outbox.
type OutboxStore interface {
	Enqueue(o bot.Outbound, at time.Time) error
}

// TimerStore: durable timers (nudges, reminders, escalation steps), claimed once.
type TimerStore interface {
	SetTimer(t bot.Timer) error
	CancelTimer(key string) (bool, error)
	CancelIncidentTimers(n int64, keep ...string) (int, error)
	Timer(key string) (bot.Timer, error)
	ClaimTimer(id int64, now time.Time) (bot.Timer, bool, error)
}

// PagingStore: pages, their notifications, on-call overrides and message references.
type PagingStore interface {
	CreatePage(p *bot.Page) error
	Page(id int64) (*bot.Page, error)
	PagesSince(since time.Time) ([]bot.Page, error)
	IncidentPages(n int64) ([]bot.Page, error)
	PagesNotifying(person string, states ...string) ([]bot.Page, error)
	SetPageStep(id int64, step int) error
	AckPage(id int64, person string, at time.Time) (bool, error)
	EndPage(id int64, state string, at time.Time) (bool, error)
	AddPageNotification(n bot.PageNotification) (bool, error)
	PageNotifications(page int64) ([]bot.PageNotification, error)
	AddOverride(o *bot.Override) error
	Override(id int64) (*bot.Override, error)
	Overrides(since time.Time) ([]bot.Override, error)
	CancelOverride(id int64, by string, at time.Time) (bool, error)
	MessageRef(platform, messageID string) (string, error)
}

// NudgeStore: nudge state, clocks and the post-incident review.
type NudgeStore interface {
	NudgeState(n int64) (bot.NudgeState, error)
	SaveNudgeState(s bot.NudgeState) error
	SetClock(c bot.Clock) error
	Clocks(n int64) ([]bot.Clock, error)
	Review(n int64) (bot.Review, error)
	SaveReview(r bot.Review) error
}

// AlertStore: alert groups (dedup and grouping), alerts and their deliveries.
type AlertStore interface {
	OpenAlertGroup(source, route, key string, since time.Time) (*alert.Group, error)
	// OpenAlertGroups is OpenAlertGroup for several keys at once (keys without an open
	// group are left out).
	OpenAlertGroups(keys []alert.GroupKey, since time.Time) (map[alert.GroupKey]*alert.Group, error)
	CreateAlertGroup(g *alert.Group) error
	AlertGroup(id int64) (*alert.Group, error)
	AlertGroups(incident int64) ([]alert.Group, error)
	DecideAlertGroup(id int64, state string, incident int64, by string, at time.Time) (bool, error)
	AddAlert(r *alert.Record) error
	InsertAlert(r *alert.Record) error
	NewAlertID() (int64, error)
	ReserveAlertIDs(n int) error
	SaveAlertGroupArrivals(gs ...*alert.Group) error
	SetAlertSeq(id, seq int64) error
	Alerts(group int64) ([]alert.Record, error)
	AlertDeliveries(ds []alert.Delivery) (map[alert.Delivery]string, error)
	RememberAlertDeliveries(answers map[alert.Delivery]string, at time.Time) error
	ForgetAlertDeliveries(now time.Time) error
}

// ReportStore: what the lessons-learned report reads beyond the incident itself.
type ReportStore interface {
	RoleHistory(n int64) ([]bot.RoleAssignment, error)
	Phases(n int64) ([]bot.PhaseSpan, error)
	EachEntry(n int64, fn func(bot.Entry) error) error
}

// ActionStore: playbooks applied and response-action runs.
type ActionStore interface {
	SetPlaybook(n int64, name, version string, at time.Time) error
	Playbook(n int64) (name, version string, err error)

	CreateRun(r *bot.Run) error
	SaveRun(r bot.Run) error
	RedactRunParams(n, k int64) error
	Run(n, k int64) (bot.Run, error)
	Runs(n int64) ([]bot.Run, error)
	DueRuns(now time.Time, limit int) ([]bot.Run, error)
	NextRunAt() (*time.Time, error)
}

// WebStore: the web view's one-time sign-in links (stored hashed).
type WebStore interface {
	CreateWebToken(hash, person string, now, expires time.Time) error
}
