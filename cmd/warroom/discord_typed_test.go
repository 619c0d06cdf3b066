package main

import (
	"context"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/storage"
)

// Discord's typed options reach the engine as values, never as text it parses again: a
// task whose text ends in "@bob" keeps it as text and has no owner, and the owner option
// alone makes one. Through the real discordgo client against the fake.
func TestDiscordTypedOptionsAreNotReparsed(t *testing.T) {
	h := newDiscordE2E(t)
	ch := h.declarePhishing()

	r := h.incident(dAlice, ch, "task add", discordfake.StringOption("text", "Call the vendor with @bob"))
	if !strings.Contains(r, "Task 1") {
		t.Fatalf("task add: %q", r)
	}
	r = h.incident(dAlice, ch, "task add", discordfake.StringOption("text", "Rotate keys due 2h"), discordfake.UserOption("owner", dCarol))
	if !strings.Contains(r, "Task 2") {
		t.Fatalf("task add with owner: %q", r)
	}
	// A word typed into a text option is not a flag either.
	if r := h.incident(dAlice, ch, "note", discordfake.StringOption("text", "--tlp red is what the vendor asked for")); !strings.Contains(r, "Noted") {
		t.Fatalf("note: %q", r)
	}

	var tasks []bot.Task
	if err := h.db.View(context.Background(), func(tx *storage.Tx) error {
		var err error
		tasks, err = tx.Tasks(1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 2 {
		t.Fatalf("tasks %+v", tasks)
	}
	if tasks[0].Text != "Call the vendor with @bob" || tasks[0].Owner != "" {
		t.Errorf("the text's @bob became something else: text %q, owner %q", tasks[0].Text, tasks[0].Owner)
	}
	if tasks[1].Text != "Rotate keys due 2h" || tasks[1].Owner != "carol" || tasks[1].Due != nil {
		t.Errorf("task 2: text %q, owner %q, due %v", tasks[1].Text, tasks[1].Owner, tasks[1].Due)
	}
	for _, e := range h.entries(1) {
		if e.Kind == bot.KindNote && !strings.Contains(e.Text, "--tlp red is what") {
			t.Errorf("the note's text lost its --tlp: %q", e.Text)
		}
	}
}
