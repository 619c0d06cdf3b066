package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/storage"
)

// The page keeps each incident's checked timeline between views and checks only new
// entries on a change (verified.go). These tests attack that as an insider with write
// access to the database: an entry altered after it was checked must still show on the
// page, within one FullCheck (default 1 min) or at once on demand.

// tamperEntry rewrites entry seq's text straight in the database, leaving its digest,
// text commitment and hash as they were (what an insider editing the file would do).
func (s *site) tamperEntry(n, seq int64, text string) {
	s.t.Helper()
	res, err := s.raw().Exec(`UPDATE timeline SET text = ? WHERE incident = ? AND seq = ?`, text, n, seq)
	if err != nil {
		s.t.Fatal(err)
	}
	if c, _ := res.RowsAffected(); c != 1 {
		s.t.Fatalf("tamper: %d rows changed", c)
	}
}

// page fetches incident 1's page and fails the test unless it is 200.
func (s *site) page(c *http.Client, query string) string {
	s.t.Helper()
	r := s.get(c, "/incidents/INC-1"+query)
	if r.StatusCode != http.StatusOK {
		s.t.Fatalf("page: %d %.300s", r.StatusCode, r.body)
	}
	return r.body
}

const verifiedMark = `<span class="ok">Verified</span>`

func TestTamperedEarlierEntryShowsWithinFullCheck(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Mailbox rule exfiltration")
	s.cmd("alice", ch, "note first look at the mailbox rules")
	s.cmd("alice", ch, "note rule forwards to an outside address")
	alice := s.signIn("alice")

	body := s.page(alice, "")
	if !strings.Contains(body, verifiedMark) || !strings.Contains(body, "Entries 1–") || strings.Contains(body, "checked as they arrived") {
		t.Fatalf("first view: want every entry checked from scratch:\n%s", integrity(body))
	}
	// A change: the next view checks only the new entry, and says so.
	s.cmd("alice", ch, "note rule removed")
	body = s.page(alice, "")
	if !strings.Contains(body, verifiedMark) || !strings.Contains(body, "checked as they arrived") {
		t.Fatalf("view after a change: want the new entry checked as it arrived:\n%s", integrity(body))
	}

	// The insider alters entry 2, already checked, then the incident moves on.
	s.tamperEntry(1, 2, "first look: nothing to see")
	s.cmd("alice", ch, "note handing over to the next shift")
	body = s.page(alice, "")
	if strings.Contains(body, "NOT VERIFIED") {
		// Not wrong, but then this test no longer shows what the check from scratch adds.
		t.Fatalf("the view after a change re-read entry 2: the incremental path is gone?\n%s", integrity(body))
	}
	if !strings.Contains(body, "An entry changed after it was checked is found by the next check from scratch every 1m") {
		t.Fatalf("the page does not say what was checked how:\n%s", integrity(body))
	}

	// Within one FullCheck the background check from scratch finds it, and the page says so.
	s.clock.Advance(time.Minute)
	deadline := time.Now().Add(10 * time.Second)
	for {
		body = s.page(alice, "")
		if strings.Contains(body, "NOT VERIFIED") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a minute after the tampering the page still says:\n%s", integrity(body))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(body, "at entry 2") || !strings.Contains(body, "entry 2 was altered") {
		t.Fatalf("want entry 2 named as altered:\n%s", integrity(body))
	}
	// And it stays: the next change is checked on top of the failed check, not instead of it.
	s.cmd("alice", ch, "note another change")
	if body = s.page(alice, ""); !strings.Contains(body, "NOT VERIFIED") {
		t.Fatalf("a change after the finding hid it:\n%s", integrity(body))
	}
}

func TestFullCheckOnDemand(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Mailbox rule exfiltration")
	s.cmd("alice", ch, "note first look at the mailbox rules")
	alice := s.signIn("alice")
	if body := s.page(alice, ""); !strings.Contains(body, verifiedMark) {
		t.Fatalf("first view:\n%s", integrity(body))
	}
	s.cmd("alice", ch, "note second look")
	s.tamperEntry(1, 2, "nothing here")
	body := s.page(alice, "?verify=full")
	if !strings.Contains(body, "NOT VERIFIED") || !strings.Contains(body, "entry 2 was altered") {
		t.Fatalf("?verify=full did not check every entry:\n%s", integrity(body))
	}
	// The link is on the page, and works without script.
	if !strings.Contains(body, `<a href="?verify=full" id="verify-full">`) {
		t.Fatalf("no link to check every entry:\n%s", integrity(body))
	}
}

func TestRedactionAfterAKeptViewRemovesTheText(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Leaked credentials")
	s.cmd("alice", ch, "note pasted by mistake: the door code is 8642")
	alice := s.signIn("alice")
	if body := s.page(alice, ""); !strings.Contains(body, "door code is 8642") {
		t.Fatalf("the note is not on the page:\n%.2000s", body)
	}
	if r := s.cmd("alice", ch, "redact last pasted a secret"); !strings.Contains(strings.ToLower(r), "redact") {
		t.Fatalf("redact: %s", r)
	}
	body := s.page(alice, "")
	// The words, not the digits alone: the page shows hex hashes and salts, and one of them
	// held "8642" now and then (a run of make test failed on it).
	if strings.Contains(body, "door code") {
		t.Fatal("the kept timeline still shows a redacted entry's text")
	}
	if !strings.Contains(body, verifiedMark) {
		t.Fatalf("after the redaction:\n%s", integrity(body))
	}
}

// integrity is the page's integrity section, for failure messages.
func integrity(body string) string {
	i := strings.Index(body, `<section id="integrity">`)
	if i < 0 {
		return body
	}
	j := strings.Index(body[i:], "</section>")
	if j < 0 {
		return body[i:]
	}
	return body[i : i+j]
}

// commands.CheckTimeline, on the real store: it extends a kept timeline by the new
// entries only, reaches the verdict a read from scratch reaches, leaves the kept one as
// it was, and starts over after a redaction or when the kept one is not a prefix.
func TestCheckTimelineExtendsAndStartsOver(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Mailbox rule exfiltration")
	s.cmd("alice", ch, "note one")
	check := func(prev *commands.ReportTimeline, adjust func(*bot.Incident)) (*commands.ReportTimeline, *bot.Incident) {
		t.Helper()
		var tl *commands.ReportTimeline
		var inc *bot.Incident
		if err := s.db.View(s.ctx, func(tx *storage.Tx) (err error) {
			if inc, err = tx.Incident(1); err != nil {
				return err
			}
			if adjust != nil {
				adjust(inc)
			}
			tl, err = commands.CheckTimeline(tx, inc, prev)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return tl, inc
	}
	kept, inc := check(nil, nil)
	if !kept.Full || kept.Read != len(kept.Entries) || kept.Read == 0 || !kept.Chain.Verdict(inc.HeadSeq, inc.HeadHash).OK {
		t.Fatalf("from scratch: full %v, read %d of %d", kept.Full, kept.Read, len(kept.Entries))
	}
	n := len(kept.Entries)
	s.cmd("alice", ch, "note two")
	s.cmd("alice", ch, "note three")
	ext, inc := check(kept, nil)
	scratch, _ := check(nil, nil)
	if ext.Full || ext.Read != 2 || len(ext.Entries) != n+2 {
		t.Fatalf("extended: full %v, read %d, %d entries (had %d)", ext.Full, ext.Read, len(ext.Entries), n)
	}
	if got, want := ext.Chain.Verdict(inc.HeadSeq, inc.HeadHash), scratch.Chain.Verdict(inc.HeadSeq, inc.HeadHash); got != want || !got.OK {
		t.Fatalf("extended %+v, from scratch %+v", got, want)
	}
	if len(kept.Entries) != n || kept.Chain.Seq() != int64(n) {
		t.Fatal("extending changed the kept timeline")
	}
	// A kept timeline longer than the recorded head is not a prefix: start over (and the
	// verdict then names the mismatch).
	short, _ := check(ext, func(inc *bot.Incident) { inc.HeadSeq-- })
	if !short.Full {
		t.Fatal("a head behind the kept timeline was extended")
	}
	s.cmd("alice", ch, "redact 2 wrong incident")
	red, inc := check(ext, nil)
	if !red.Full || !red.Entries[1].Redacted || red.Entries[1].Text != "" || !red.Chain.Verdict(inc.HeadSeq, inc.HeadHash).OK {
		t.Fatalf("after a redaction: full %v, entry 2 %+v", red.Full, red.Entries[1])
	}
}

// What the page keeps between views (the checked timeline, the report's scans, the
// rendered rows) is shared by everyone who views the incident, so a member's view must
// not leak a codenamed title into a lead's, nor a lead's scrubbed text into a member's —
// in either order, and after a change.
func TestKeptViewsDoNotCrossBetweenPeople(t *testing.T) {
	s := newSite(t, "channels: {naming: codename}")
	ch := s.declare("alice", "Payroll fraud")
	s.cmd("alice", ch, "note Payroll fraud confirmed by finance")
	alice, dave := s.signIn("alice"), s.signIn("dave") // a member; a lead outside the incident
	for round := range 2 {
		if body := s.page(alice, ""); !strings.Contains(body, "Payroll fraud confirmed by finance") {
			t.Fatalf("round %d: the member does not see the note as written", round)
		}
		if body := s.page(dave, ""); strings.Contains(body, "Payroll") {
			t.Fatalf("round %d: the lead outside the incident sees the codenamed title", round)
		}
		if body := s.page(alice, ""); !strings.Contains(body, "Payroll fraud confirmed by finance") {
			t.Fatalf("round %d: the member's view after the lead's lost the title", round)
		}
		s.cmd("alice", ch, "note Payroll fraud scope: two accounts")
	}
}

// Asking for a check from scratch is no way around the access policy: someone who may not
// see the incident gets the same 404 as for one that does not exist.
func TestFullCheckOnDemandIsRefusedToNonMembers(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Mailbox rule exfiltration")
	s.cmd("alice", ch, "note first look")
	carol := s.signIn("carol") // in the roster, not in the incident
	hidden, missing := s.get(carol, "/incidents/INC-1?verify=full"), s.get(carol, "/incidents/INC-99?verify=full")
	if hidden.StatusCode != http.StatusNotFound || missing.StatusCode != http.StatusNotFound || hidden.body != missing.body {
		t.Fatalf("non-member: %d, missing: %d (bodies equal: %v)", hidden.StatusCode, missing.StatusCode, hidden.body == missing.body)
	}
}
