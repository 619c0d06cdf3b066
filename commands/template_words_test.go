package commands

// What people wrote stays words inside warroom's templates. A title or a task text goes into
// the phase guides, role instructions, checklists and reminders; those templates are warroom's
// (or the operator's) words and are read for markup, but the data they show is not: "*Urgent*"
// in a title is not bold, "`prod-db`" is not code and "/incident report md" is not a command
// hint (on Discord a hint is rewritten to the command it is registered under). The people in
// the data are people, so every adapter can mention them. These tests read the segments the
// console was given, so they fail whatever the platform renders.

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/console"
)

const (
	markupTitle = "*Urgent* `prod-db` see /incident report md"
	markupTask  = "check `x` and *y*, then /incident clock done gdpr"
)

// segRecorder is the harness's console, keeping the segments of every message it is given.
type segRecorder struct {
	*console.Console
	mu    sync.Mutex
	texts []bot.Text
}

func recordSegments(h *harness) *segRecorder {
	r := &segRecorder{Console: h.con}
	h.del.AddPlatform(r) // replaces the console it wraps (same name)
	return r
}

func (r *segRecorder) keep(t bot.Text) {
	r.mu.Lock()
	r.texts = append(r.texts, t)
	r.mu.Unlock()
}

func (r *segRecorder) Post(ctx context.Context, ch string, m bot.Message) (string, error) {
	r.keep(m.Text)
	return r.Console.Post(ctx, ch, m)
}

func (r *segRecorder) DM(ctx context.Context, user string, m bot.Message) (string, error) {
	r.keep(m.Text)
	return r.Console.DM(ctx, user, m)
}

// with returns the recorded messages whose words contain s.
func (r *segRecorder) with(s string) []bot.Text {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []bot.Text
	for _, t := range r.texts {
		if strings.Contains(t.String(), s) {
			out = append(out, t)
		}
	}
	return out
}

// wantWords fails unless msg holds words as one run of plain words (not bold, code or a
// command), and warroom's own markup in it (mark, of kind) is still markup.
func wantWords(t *testing.T, what string, msg bot.Text, words string, kind bot.SegmentKind, mark string) {
	t.Helper()
	if !slices.ContainsFunc(msg, func(s bot.Segment) bool { return s.Kind == bot.SegText && strings.Contains(s.Text, words) }) {
		t.Errorf("%s: %q is not plain words:\n%#v", what, words, msg)
	}
	if !slices.ContainsFunc(msg, func(s bot.Segment) bool { return s.Kind == kind && strings.Contains(s.Text, mark) }) {
		t.Errorf("%s: the template's own %s %q is gone:\n%#v", what, kind, mark, msg)
	}
}

// wantPerson fails unless msg names person as a person segment.
func wantPerson(t *testing.T, what string, msg bot.Text, person string) {
	t.Helper()
	if !slices.Contains(msg, bot.Who(person)) {
		t.Errorf("%s: %s is not a person:\n%#v", what, person, msg)
	}
}

// one is the only recorded message containing s (in the channel: not a DM).
func one(t *testing.T, r *segRecorder, s string) bot.Text {
	t.Helper()
	msgs := r.with(s)
	if len(msgs) == 0 {
		t.Fatalf("no message contains %q", s)
	}
	return msgs[0]
}

func TestTemplateDataIsWordsInGuidesRolesAndChecklists(t *testing.T) {
	h := newHarness(t)
	rec := recordSegments(h)
	ch := h.declare("alice", markupTitle+" sev2")
	wantWords(t, "phase guide", one(t, rec, "Phase: Identification"), "INC-1 "+markupTitle+" · sev 2", bot.SegBold, "Phase: Identification")

	wantContains(t, "role", h.cmd("alice", ch, "role analyst @bob"), "bob is analyst")
	role := one(t, rec, "you are the *analyst*")
	wantWords(t, "role DM", role, "INC-1 "+markupTitle+" · sev 2 in #", bot.SegCommand, "checklist")
	wantPerson(t, "role DM", role, "bob")

	wantContains(t, "check", h.cmd("alice", ch, "check 1"), "Ticked 1")
	r := h.eng.HandleCommand(h.ctx, bot.Command{Source: h.source(console.Name, "alice", ch), Name: "incident", Text: "checklist"})
	wantWords(t, "checklist", r.Text, "[x] 1. ", bot.SegBold, "Exit criteria for identification")
	wantPerson(t, "checklist: who ticked it", r.Text, "alice")
	if !slices.ContainsFunc(r.Text, func(s bot.Segment) bool { return s.Kind == bot.SegCommand && s.Text == "check" }) {
		t.Errorf("checklist: the hint /incident check <n> is not a command:\n%#v", r.Text)
	}
}

func TestTemplateDataIsWordsInReminders(t *testing.T) {
	r := newNgRig(t)
	rec := recordSegments(r.h)
	ch := r.h.declare("alice", markupTitle+" sev2")
	r.must("alice", ch, "task add "+markupTask+" due 30m", "Task 1 added")
	r.must("alice", ch, "task add Pull proxy logs @bob due 30m", "Task 2 added")

	r.at(5 * time.Minute)
	nc := one(t, rec, "has no incident commander")
	wantWords(t, "no-commander", nc, "("+markupTitle+", sev2", bot.SegBold, "has no incident commander")
	wantPerson(t, "no-commander: the declarer", nc, "alice")
	wantPerson(t, "no-commander: for", nc, "dave")

	r.at(30 * time.Minute)
	od := one(t, rec, "Overdue tasks on INC-1")
	wantWords(t, "task-overdue", od, "1. "+markupTask+" — unassigned", bot.SegBold, "Overdue tasks on INC-1")
	wantPerson(t, "task-overdue: the owner", od, "bob")
	if !slices.ContainsFunc(od, func(s bot.Segment) bool { return s.Kind == bot.SegCommand && s.Text == "task done" }) {
		t.Errorf("task-overdue: the hint /incident task done <n> is not a command:\n%#v", od)
	}
	if dm := rec.with("1. " + markupTask); len(dm) < 2 {
		t.Errorf("the commander's DM of the unassigned task is missing: %d messages", len(dm))
	}
}
