package web_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

var incidentPaths = []string{"", "/report.md", "/report.html", "/report.json", "/timeline.json", "/timeline.csv", "/events"}

func TestAnIncidentYouMayNotSeeIsExactlyLikeOneThatDoesNotExist(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Payroll fraud")
	s.cmd("alice", ch, "invite @bob")
	s.cmd("alice", ch, "note the CFO's mailbox forwards to an outside address")
	carol := s.signIn("carol") // in the roster, not in the incident
	missing := s.get(carol, "/incidents/INC-99")
	if missing.StatusCode != http.StatusNotFound {
		t.Fatalf("a missing incident: %d", missing.StatusCode)
	}
	for _, p := range incidentPaths {
		for _, id := range []string{"INC-1", "1", "inc-1"} {
			resp := s.get(carol, "/incidents/"+id+p)
			if resp.StatusCode != http.StatusNotFound || resp.body != strings.Replace(missing.body, "INC-99", id, -1) {
				t.Errorf("%s%s for a non-member: %d, and the page differs from a missing incident's:\n%s", id, p, resp.StatusCode, resp.body)
			}
			if strings.Contains(resp.body, "Payroll") || strings.Contains(resp.body, "CFO") {
				t.Errorf("%s%s leaks the incident", id, p)
			}
		}
	}
	if list := s.get(carol, "/"); strings.Contains(list.body, "INC-1") || strings.Contains(list.body, "Payroll") {
		t.Errorf("the list shows carol an incident she is not in:\n%s", list.body)
	}
	if stats := s.get(carol, "/stats"); !strings.Contains(stats.body, "0 incidents you may see") {
		t.Errorf("stats count incidents carol may not see:\n%s", stats.body)
	}
	// Members and leads see it.
	for _, who := range []string{"alice", "bob", "dave"} {
		c := s.signIn(who)
		page := s.get(c, "/incidents/INC-1")
		if page.StatusCode != 200 || !strings.Contains(page.body, "Payroll fraud") || !strings.Contains(page.body, "outside address") {
			t.Errorf("%s: %d", who, page.StatusCode)
		}
		if list := s.get(c, "/"); !strings.Contains(list.body, "Payroll fraud") {
			t.Errorf("%s's list lacks INC-1", who)
		}
	}
	// Removed from the incident, bob no longer sees it.
	bob := s.signIn("bob")
	s.cmd("alice", ch, "remove @bob")
	if resp := s.get(bob, "/incidents/INC-1"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("bob after removal: %d", resp.StatusCode)
	}
}

func TestCodenameTitlesAreNotShownToALeadOutsideTheIncident(t *testing.T) {
	s := newSite(t, "channels: {naming: codename}")
	ch := s.declare("alice", "Payroll fraud")
	s.cmd("alice", ch, "note Payroll fraud confirmed by finance")
	dave := s.signIn("dave") // a lead, not a member
	for _, p := range append([]string{"/"}, "/incidents/INC-1", "/incidents/INC-1/report.md", "/incidents/INC-1/report.html",
		"/incidents/INC-1/report.json", "/incidents/INC-1/timeline.json", "/incidents/INC-1/timeline.csv") {
		resp := s.get(dave, p)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		if strings.Contains(resp.body, "Payroll") {
			t.Errorf("%s shows the codenamed title to a lead outside the incident", p)
		}
		if !strings.Contains(resp.body, "silent-falcon") { // the codename: inc-1-silent-falcon
			t.Errorf("%s does not name the incident by its codename", p)
		}
	}
	// A member sees the title.
	if page := s.get(s.signIn("alice"), "/incidents/INC-1"); !strings.Contains(page.body, "Payroll fraud") {
		t.Error("a member does not see the title")
	}
}

func TestReadInIsRecordedOncePerSessionAndListedInTheReport(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Phishing wave")
	var head int64
	readHead := func() int64 {
		var h int64
		_ = s.db.View(s.ctx, func(tx *storage.Tx) (err error) { h, err = tx.HeadSeq(1); return err })
		return h
	}
	head = readHead()
	dave := s.signIn("dave")
	for range 3 {
		s.get(dave, "/incidents/INC-1")
	}
	s.clock.Advance(60e9)
	s.get(s.signIn("dave"), "/incidents/INC-1/report.md") // a second session
	var reads []bot.ReadIn
	_ = s.db.View(s.ctx, func(tx *storage.Tx) (err error) { reads, err = tx.ReadIns(1); return err })
	if len(reads) != 2 || reads[0].Person != "dave" || !reads[1].At.After(reads[0].At) {
		t.Fatalf("read-ins: %+v", reads)
	}
	if readHead() != head {
		t.Error("viewing added timeline entries")
	}
	s.get(s.signIn("carol"), "/incidents/INC-1") // refused: not a read-in
	var doc struct {
		ReadIn []struct{ Person, At string } `json:"read_in"`
	}
	rep := s.get(s.signIn("alice"), "/incidents/INC-1/report.json")
	if err := json.Unmarshal([]byte(rep.body), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.ReadIn) != 2 || doc.ReadIn[0].Person != "dave" {
		t.Errorf("report read_in: %+v", doc.ReadIn)
	}
	md := s.get(s.signIn("alice"), "/incidents/INC-1/report.md")
	if !strings.Contains(md.body, "## Read-in") || !strings.Contains(md.body, "- dave, 2026-03-02 09:00") {
		t.Errorf("the Markdown report does not list the read-in:\n%s", md.body)
	}
	_ = ch
}

func TestNothingChangesFromTheWeb(t *testing.T) {
	s := newSite(t, "")
	s.declare("alice", "Phishing wave")
	alice := s.signIn("alice")
	before := s.get(alice, "/incidents/INC-1/timeline.json").body
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		for _, p := range []string{"/", "/stats", "/incidents/INC-1", "/incidents/INC-1/report.md", "/incidents/INC-1/events"} {
			req, _ := http.NewRequest(method, s.http.URL+p, strings.NewReader("phase=next&text=hi"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := alice.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMethodNotAllowed && resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s: %d", method, p, resp.StatusCode)
			}
		}
	}
	if after := s.get(alice, "/incidents/INC-1/timeline.json").body; after != before {
		t.Error("the timeline changed")
	}
}

func TestDownloadsAreTheCLIFormats(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Phishing wave")
	s.cmd("alice", ch, "note =HYPERLINK(\"http://evil.example\") in the mail")
	alice := s.signIn("alice")
	for file, want := range map[string]string{
		"report.md":     "# INC-1 · Phishing wave — lessons-learned report",
		"report.html":   "<h2>Chronology</h2>",
		"report.json":   `"read_in": [`,
		"timeline.json": `"digest":`,
		"timeline.csv":  "seq,at,occurred_at,actor,kind,text,redacted,digest,hash",
	} {
		resp := s.get(alice, "/incidents/INC-1/"+file)
		if resp.StatusCode != 200 || !strings.Contains(resp.body, want) {
			t.Errorf("%s: %d, lacks %q", file, resp.StatusCode, want)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") {
			t.Errorf("%s: Content-Disposition %q", file, cd)
		}
	}
	if csv := s.get(alice, "/incidents/INC-1/timeline.csv").body; !strings.Contains(csv, `'=HYPERLINK`) {
		t.Errorf("the CSV does not defuse a formula:\n%s", csv)
	}
	if resp := s.get(alice, "/incidents/INC-1/report.exe"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown download: %d", resp.StatusCode)
	}
}

func TestTimelineFiltersWorkWithoutScript(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Phishing wave")
	s.cmd("alice", ch, "invite @bob")
	s.cmd("bob", ch, "note bob saw the phish first")
	s.cmd("alice", ch, "note alice reset the mailbox")
	alice := s.signIn("alice")
	rows := func(q string) string {
		body := s.get(alice, "/incidents/INC-1"+q).body
		i := strings.Index(body, `<table class="timeline"`)
		if i < 0 {
			t.Fatalf("no timeline in %s", q)
		}
		return body[i:]
	}
	if r := rows("?person=bob"); !strings.Contains(r, "bob saw the phish") || strings.Contains(r, "alice reset") {
		t.Errorf("person filter:\n%s", r)
	}
	if r := rows("?kind=note&q=MAILBOX"); !strings.Contains(r, "alice reset the mailbox") || strings.Contains(r, "bob saw") || strings.Contains(r, ">declared<") {
		t.Errorf("kind + search filter:\n%s", r)
	}
	if r := rows("?q=<script>"); strings.Contains(r, "<script>") {
		t.Error("the search box echoes unescaped")
	}
}

func TestLongTimelinesShowTheLatestEntriesAndTheRestOnRequest(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Ransomware")
	if err := s.db.Update(s.ctx, func(tx *storage.Tx) error {
		for i := range 600 {
			e := &bot.Entry{At: s.clock.Now(), Actor: "alice", Kind: bot.KindNote, Text: "share check " + strconv.Itoa(i) + " done", Data: []byte("{}")}
			if _, err := tx.Append(1, e, ""); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	alice := s.signIn("alice")
	page := s.get(alice, "/incidents/INC-1").body
	if strings.Contains(page, ">share check 99 done<") || !strings.Contains(page, ">share check 599 done<") || !strings.Contains(page, "show all") {
		t.Error("the page does not show only the latest entries with a link to all")
	}
	if all := s.get(alice, "/incidents/INC-1?all=1").body; !strings.Contains(all, ">share check 0 done<") {
		t.Error("?all=1 does not show every entry")
	}
	// The page is rebuilt as soon as the incident changes (its head moves).
	s.cmd("alice", ch, "note the newest note")
	if page := s.get(alice, "/incidents/INC-1").body; !strings.Contains(page, "the newest note") {
		t.Error("a note is missing from the page right after it was added")
	}
}

func TestSignedCheckpointsAreShownAndChecked(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Phishing wave")
	s.cmd("alice", ch, "phase next --force") // a phase change signs a checkpoint
	alice := s.signIn("alice")
	integrity := func() string {
		body := s.get(alice, "/incidents/INC-1").body
		a, b := strings.Index(body, `<section id="integrity">`), strings.Index(body, `<section id="roles">`)
		return body[a:b]
	}
	if sec := integrity(); !strings.Contains(sec, "every one signed and matching") || !strings.Contains(sec, `<span class="ok">ok</span>`) || !strings.Contains(sec, "ed25519:") {
		t.Fatalf("the checkpoint is not shown as checked:\n%s", sec)
	}
	// An insider rewrites the stored signature, then the hash.
	db := s.raw()
	if _, err := db.Exec(`UPDATE checkpoints SET sig = CASE WHEN substr(sig, 1, 1) = 'A' THEN 'B' ELSE 'A' END || substr(sig, 2)`); err != nil {
		t.Fatal(err)
	}
	if sec := integrity(); !strings.Contains(sec, "bad signature") || !strings.Contains(sec, "1 do not check") {
		t.Errorf("a forged signature is not flagged:\n%s", sec)
	}
	if _, err := db.Exec(`UPDATE checkpoints SET hash = CASE WHEN substr(hash, 1, 1) = '0' THEN '1' ELSE '0' END || substr(hash, 2)`); err != nil {
		t.Fatal(err)
	}
	if sec := integrity(); !strings.Contains(sec, "hash differs") {
		t.Errorf("a checkpoint naming another hash is not flagged:\n%s", sec)
	}
}
