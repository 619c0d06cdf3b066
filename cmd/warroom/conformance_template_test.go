package main

// What people write stays words inside warroom's templates too. A title with markup
// characters and a command-like phrase is shown as written in the phase guide, and a task
// text in the overdue-task reminder: not bold, not code, and on Discord not rewritten to the
// Discord command a hint would name ("/incident report md" is not "/incident-more report md").
// The templates' own markup still renders. One script, the three conformance drivers.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/storage"
)

const (
	markupTitle = "*Urgent* `prod-db` see /incident report md"
	markupTask  = "check `x` and *y*, then /incident clock done gdpr"
)

// timerRig is what a driver shares for firing timers: its store, fake clock and engine.
type timerRig interface {
	rig() (*storage.DB, *clockwork.FakeClock, *commands.Engine)
}

func (c *consoleDriver) rig() (*storage.DB, *clockwork.FakeClock, *commands.Engine) {
	return c.db, c.clock, c.engine
}
func (d *discordDriver) rig() (*storage.DB, *clockwork.FakeClock, *commands.Engine) {
	return d.h.db, d.h.clock, d.h.engine
}
func (s *slackDriver) rig() (*storage.DB, *clockwork.FakeClock, *commands.Engine) {
	return s.h.db, s.h.clock, s.h.engine
}

// fireAfter moves the driver's clock on by d, fires every timer then due (as the scheduler
// would) and delivers what they queued.
func fireAfter(t *testing.T, d chatDriver, after time.Duration) {
	t.Helper()
	db, clock, engine := d.(timerRig).rig()
	clock.Advance(after)
	pending, err := db.PendingTimers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range pending {
		if !tm.Due.After(clock.Now()) {
			engine.FireTimer(context.Background(), tm.ID)
		}
	}
	d.deliver()
}

// shownAsWritten fails unless one of msgs contains want, and none turned the words into
// the platform's markup.
func shownAsWritten(t *testing.T, platform, what string, msgs []string, want string) {
	t.Helper()
	if !contains(msgs, want) {
		t.Errorf("%s on %s does not show the words as written:\nwant a message containing %q\n got %q", what, platform, want, msgs)
	}
	for _, rendered := range []string{"**Urgent**", "**y**", "/incident-more report md", "/incident-more clock"} {
		if contains(msgs, rendered) {
			t.Errorf("%s on %s turned words into markup %q: %q", what, platform, rendered, msgs)
		}
	}
}

func TestTemplateDataStaysWords(t *testing.T) {
	onEachPlatform(t, func(t *testing.T, platform string, d chatDriver) {
		if r := d.command("alice", d.general(), "declare", markupTitle, "sev2"); !strings.Contains(r, "Declared INC-1") {
			t.Fatalf("declare: reply %q", r)
		}
		d.deliver()
		ch, ok := d.channelByName("inc-1-urgent-prod-db-see-incident-report-md")
		if !ok {
			t.Fatal("no incident channel")
		}
		msgs := d.messages(ch)
		shownAsWritten(t, platform, "the phase guide", msgs, "INC-1 "+markupTitle+" · sev 2")
		// The guide's own bold still is: Discord's is doubled.
		bold := map[string]string{"console": "*Phase: Identification*", "slack": "*Phase: Identification*", "discord": "**Phase: Identification**"}[platform]
		if !contains(msgs, bold) {
			t.Errorf("the guide's own bold is not %q: %q", bold, msgs)
		}

		if r := d.command("alice", ch, "task add", markupTask, "due", "30m"); !strings.Contains(r, "Task 1") {
			t.Fatalf("task add: reply %q", r)
		}
		d.deliver()
		fireAfter(t, d, 30*time.Minute)
		shownAsWritten(t, platform, "the overdue-task reminder", d.messages(ch), "1. "+markupTask+" — unassigned")
	})
}
