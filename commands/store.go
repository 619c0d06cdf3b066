package commands

import (
	"context"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/alert"
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

// StoreOf adapts such a store to Store: the one adapter, for every store and test
// (Go cannot use func(*storage.Tx) where func(Tx) is asked, so this converts).
func StoreOf[T Tx](u Updater[T]) Store { return storeOf[T]{u} }

type storeOf[T Tx] struct{ u Updater[T] }

func (s storeOf[T]) Update(ctx context.Context, fn func(Tx) error) error {
	return s.u.Update(ctx, func(t T) error { return fn(t) })
}

// Tx is one transaction's view of the data.
type Tx interface {
	MarkSeen(key string, at time.Time) (bool, error)

	CreateIncident(inc *bot.Incident) error
	SaveIncident(inc *bot.Incident) error
	Incident(n int64) (*bot.Incident, error)
	IncidentByChannel(platform, channelID string) (*bot.Incident, error)
	Incidents(all bool) ([]bot.Incident, error)
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

	Append(n int64, e *bot.Entry, ref string) (bool, error)
	Redact(n, seq int64) (bot.Entry, error)
	Scrub(n int64, secrets []string) (bot.Scrubbed, error)
	Entry(n, seq int64) (bot.Entry, error)
	AddCheckpoint(n int64, c bot.Checkpoint) error

	Enqueue(o bot.Outbound, at time.Time) error

	SetTimer(t bot.Timer) error
	CancelTimer(key string) (bool, error)
	CancelIncidentTimers(n int64, keep ...string) (int, error)
	Timer(key string) (bot.Timer, error)
	ClaimTimer(id int64, now time.Time) (bot.Timer, bool, error)

	// paging (issue 6)
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

	// nudges (issue 5)
	NudgeState(n int64) (bot.NudgeState, error)
	SaveNudgeState(s bot.NudgeState) error
	SetClock(c bot.Clock) error
	Clocks(n int64) ([]bot.Clock, error)
	Review(n int64) (bot.Review, error)
	SaveReview(r bot.Review) error

	// alerts in (issue 15)
	OpenAlertGroup(source, route, key string, since time.Time) (*alert.Group, error)
	CreateAlertGroup(g *alert.Group) error
	AlertGroup(id int64) (*alert.Group, error)
	AlertGroups(incident int64) ([]alert.Group, error)
	DecideAlertGroup(id int64, state string, incident int64, by string, at time.Time) (bool, error)
	AddAlert(r *alert.Record) error
	SetAlertSeq(id, seq int64) error
	Alerts(group int64) ([]alert.Record, error)
	AlertDelivery(source, id string) (string, error)
	RecordAlertDelivery(source, id, answer string, at time.Time) error

	// report (issue 7)
	RoleHistory(n int64) ([]bot.RoleAssignment, error)
	Phases(n int64) ([]bot.PhaseSpan, error)
	EachEntry(n int64, fn func(bot.Entry) error) error

	// playbooks (issue 16)
	SetPlaybook(n int64, name, version string, at time.Time) error
	Playbook(n int64) (name, version string, err error)

	// response actions (issue 16)
	CreateRun(r *bot.Run) error
	SaveRun(r bot.Run) error
	Run(n, k int64) (bot.Run, error)
	Runs(n int64) ([]bot.Run, error)
	DueRuns(now time.Time, limit int) ([]bot.Run, error)
	NextRunAt() (*time.Time, error)

	// web view (issue 17): the hash of a one-time sign-in link
	CreateWebToken(hash, person string, now, expires time.Time) error
	// facts (issue 20): the fact entries alone, for the card and evidence numbers
	EachEntryOfKind(n int64, kinds []string, fn func(bot.Entry) error) error
}
