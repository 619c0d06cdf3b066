package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// An insider who makes an earlier, already checked entry unreadable (a value the row
// scanner refuses) makes every check from scratch fail with an error rather than a
// finding. The page must not go on showing the verdict of the last check that could be
// made, entries checked as they arrived on top of it, past the time it says the next check
// from scratch runs: once a check from scratch cannot be made, the page is not served as
// verified.
func TestUnreadableEarlierEntryDoesNotKeepTheVerdict(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Mailbox rule exfiltration")
	s.cmd("alice", ch, "note first look at the mailbox rules")
	alice := s.signIn("alice")
	if body := s.page(alice, ""); !strings.Contains(body, verifiedMark) {
		t.Fatalf("first view:\n%s", integrity(body))
	}
	// Entry 2 can no longer be read: redacted holds a word where a boolean is stored.
	if _, err := s.raw().Exec(`UPDATE timeline SET redacted = 'unreadable' WHERE incident = 1 AND seq = 2`); err != nil {
		t.Fatal(err)
	}
	s.cmd("alice", ch, "note the incident moves on")
	// Two checks from scratch later (each fails to read entry 2), the page is not Verified.
	for i := 0; i < 2; i++ {
		s.clock.Advance(time.Minute)
		time.Sleep(time.Second) // the background check runs on the advanced clock's tick
	}
	for _, q := range []string{"", "?verify=full"} {
		r := s.get(alice, "/incidents/INC-1"+q)
		if r.StatusCode == http.StatusOK && strings.Contains(r.body, verifiedMark) {
			t.Fatalf("%q: two minutes after entry 2 became unreadable the page still says:\n%s", q, integrity(r.body))
		}
	}
}
