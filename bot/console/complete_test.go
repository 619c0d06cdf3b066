package console

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

func TestCompletion(t *testing.T) {
	c := New(&syncBuffer{}, clockwork.NewFakeClock(), time.UTC)
	if _, err := c.CreateChannel(context.Background(), "inc-1-phishing-wave", true, ""); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.add(c.channel("general"), "erin", "hi", nil)
	c.mu.Unlock()
	k := NewCompleter(c, Vocabulary{
		Verbs:  map[string][]string{"incident": {"declare", "role", "roles", "phase", "task add", "task done"}, "page": {"list", "ack"}},
		Roles:  []string{"commander", "analyst", "scribe"},
		Phases: []string{"identification", "containment"},
		People: []string{"alice", "bob"},
		Teams:  []string{"secops"},
	})
	for _, tc := range []struct {
		line string
		want []string
		n    int
	}{
		{"/inc", []string{"ident "}, 4},
		{"/incident ro", []string{"le ", "les "}, 2},
		{"/incident role sc", []string{"ribe "}, 2},
		{"/incident role analyst @b", []string{"ob "}, 2},
		{"/incident phase c", []string{"ontainment "}, 1},
		{"/incident phase ", []string{"next ", "identification ", "containment "}, 0},
		{"/incident task d", []string{"one "}, 1},
		{"#inc", []string{"-1-phishing-wave "}, 4},
		{"@e", []string{"rin "}, 2},
		{"@bob #general /incident de", []string{"clare "}, 2},
		{"/page s", []string{"ecops "}, 1},
		{"/q", []string{"uit "}, 2},
	} {
		got, n := k.Do([]rune(tc.line), len([]rune(tc.line)))
		var words []string
		for _, g := range got {
			words = append(words, string(g))
		}
		if n != tc.n || !slices.Equal(words, tc.want) {
			t.Errorf("%q: got %q, %d; want %q, %d", tc.line, words, n, tc.want, tc.n)
		}
	}
}
