package web_test

// Security review (branch sec): holes in the web view, each a test that failed before its fix.

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// The live stream is a view of the incident like the page: /events?after=0 replays the
// timeline (up to 500 entries) to whoever may see it, so its first use in a session must
// be a read-in too. It records nothing: a lead can read a whole incident without leaving a
// trace in the access log the report lists.
func TestSecLiveStreamReplayIsARecordedReadIn(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Phishing wave")
	s.cmd("alice", ch, "note the CFO clicked the link")
	dave := s.signIn("dave") // a lead, not a member
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.http.URL+"/incidents/INC-1/events?after=0", nil)
	dave.Timeout = 0
	resp, err := dave.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("events: %d", resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	read := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "the CFO clicked the link") {
			read = true
			break
		}
	}
	if !read {
		t.Fatal("the stream did not replay the timeline")
	}
	var reads []bot.ReadIn
	if err := s.db.View(s.ctx, func(tx *storage.Tx) (err error) { reads, err = tx.ReadIns(1); return err }); err != nil {
		t.Fatal(err)
	}
	if len(reads) != 1 || reads[0].Person != "dave" {
		t.Errorf("dave read the timeline through /events; read-ins recorded: %+v (want one, dave)", reads)
	}
}

// With channels.naming: codename a lead outside an incident sees its codename, never its
// title. The web view hides the title by replacing the exact title string in entry texts;
// an alert-declared incident's title is the alert summary cut to 120 runes (and with its
// whitespace folded), while entry 1 keeps the whole summary, so the replacement never
// matches and the title is shown in full on the page, the downloads and the stream.
func TestSecCodenameTitleLeaksThroughTheAlertEntry(t *testing.T) {
	s := newSite(t, `channels: {naming: codename}
alerts:
  sources:
    siem: {format: generic, secret_env: SIEM_SECRET}
  routes:
    - match: {}
      action: declare
      invite: [alice]
`)
	summary := "Payroll fraud at ACME: wire transfers to account 4411 approved by the CFO's assistant " +
		"outside business hours, see finance ticket FIN-2231 and the bank's call"
	res, err := s.eng.IngestAlert(s.ctx, alert.Alert{Source: "siem", Key: "payroll-1", Status: alert.StatusFiring, Summary: summary, ObservedAt: t0})
	if err != nil || !res.New {
		t.Fatalf("ingest: %+v %v", res, err)
	}
	if err := s.del.Flush(s.ctx); err != nil {
		t.Fatal(err)
	}
	dave := s.signIn("dave") // a lead, not a member
	for _, p := range []string{"/incidents/INC-1", "/incidents/INC-1/report.md", "/incidents/INC-1/report.json",
		"/incidents/INC-1/timeline.json", "/incidents/INC-1/timeline.csv"} {
		resp := s.get(dave, p)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		if strings.Contains(resp.body, "Payroll fraud") {
			t.Errorf("%s shows the codenamed title to a lead outside the incident", p)
		}
	}
	// Only the text is withheld: the lead still sees the entry, and a member all of it.
	if resp := s.get(dave, "/incidents/INC-1/timeline.json"); !strings.Contains(resp.body, "(withheld: the text names the incident's title)") {
		t.Errorf("the alert entry is not shown withheld to the lead: %s", resp.body)
	}
	if resp := s.get(s.signIn("alice"), "/incidents/INC-1/timeline.json"); !strings.Contains(resp.body, "the bank's call") {
		t.Errorf("a member does not see the whole alert summary: %s", resp.body)
	}
}

const codenameAlertSite = `channels: {naming: codename}
alerts:
  sources:
    siem: {format: generic, secret_env: SIEM_SECRET}
  routes:
    - match: {}
      action: declare
      invite: [alice]
`

func (s *site) sendAlert(a alert.Alert) {
	s.t.Helper()
	if a.Source == "" {
		a.Source, a.Status, a.ObservedAt = "siem", alert.StatusFiring, t0
	}
	if _, err := s.eng.IngestAlert(s.ctx, a); err != nil {
		s.t.Fatalf("ingest: %v", err)
	}
	if err := s.del.Flush(s.ctx); err != nil {
		s.t.Fatal(err)
	}
}

// Even a short alert summary leaks: the report's alerts section lists each group's summary,
// which is the incident's title, and loadReport scrubs the entries and the resolution but
// not d.Alerts.
func TestSecCodenameTitleLeaksThroughTheReportAlertsSection(t *testing.T) {
	s := newSite(t, codenameAlertSite)
	s.sendAlert(alert.Alert{Key: "payroll-1", Summary: "Payroll fraud at ACME"})
	dave := s.signIn("dave") // a lead, not a member
	for _, p := range []string{"/incidents/INC-1", "/incidents/INC-1/report.md", "/incidents/INC-1/report.html", "/incidents/INC-1/report.json"} {
		resp := s.get(dave, p)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		if strings.Contains(resp.body, "Payroll fraud") {
			t.Errorf("%s shows the codenamed title to a lead outside the incident (alerts section)", p)
		}
	}
}

// A lead outside a codenamed incident gets timeline.json with the title replaced by the
// codename — and each entry's salt and text_commit, the commitment to the real text. A
// guess at the title is then checked offline: text_commit = SHA-256(salt ‖ text with the
// guess put back). Titles are short and guessable ("Payroll fraud", "Ransomware on
// finance file server"), so the codename protects nothing against a patient lead.
func TestSecCodenameTimelineExportConfirmsTitleGuesses(t *testing.T) {
	s := newSite(t, "channels: {naming: codename}")
	s.declare("alice", "Payroll fraud")
	resp := s.get(s.signIn("dave"), "/incidents/INC-1/timeline.json")
	var entries []struct {
		Kind, Text, Salt string
		Commit           string `json:"text_commit"`
	}
	if err := json.Unmarshal([]byte(resp.body), &entries); err != nil {
		t.Fatalf("%v: %s", err, resp.body)
	}
	var inc *bot.Incident
	if err := s.db.View(s.ctx, func(tx *storage.Tx) (err error) { inc, err = tx.Incident(1); return err }); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Kind != bot.KindDeclared {
			continue
		}
		if e.Salt == "" {
			return // scrubbed entries carry no salt: nothing to check a guess against
		}
		for _, guess := range []string{"Phishing wave", "Ransomware", "Payroll fraud"} {
			if bot.TextCommit(e.Salt, strings.ReplaceAll(e.Text, inc.ChannelName, guess)) == e.Commit {
				t.Errorf("the export lets a lead outside the incident confirm the codenamed title %q offline", guess)
			}
		}
		return
	}
	t.Fatalf("no declared entry in the export: %s", resp.body)
}

// webauth promises that links are "stored only as their SHA-256, so someone who reads the
// database cannot sign in with what they find". The DM carrying the link is an outbox row,
// kept (delivered) for retention.outbox, 7 days by default: whoever can read the database
// — or a backup of it — takes a fresh link from the outbox and signs in as its person
// before they do (the person's own click then fails as "already used").
func TestSecSignInLinkIsReadableFromTheOutbox(t *testing.T) {
	s := newSite(t, "")
	if r := s.cmd("dave", "general", "web"); !strings.Contains(r, "direct message") {
		t.Fatalf("web: %s", r)
	}
	var payloads []string
	rows, err := s.raw().Query(`SELECT payload FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		payloads = append(payloads, p)
	}
	rows.Close()
	// The person got the link, and the outbox row of that DM is still there, without it.
	if !strings.Contains(s.out.String(), "token=") || !strings.Contains(strings.Join(payloads, "\n"), bot.SecretRemoved) {
		t.Fatalf("the sign-in DM was not delivered, or its row is gone: console %q, outbox %q", s.out.String(), payloads)
	}
	m := regexp.MustCompile(`token=([A-Za-z0-9_-]{43})`).FindStringSubmatch(strings.Join(payloads, "\n"))
	if m == nil {
		return // the link is not kept in the database: what the test wants
	}
	c := s.client()
	resp := s.post(c, "/login", "token="+m[1])
	if resp.StatusCode == http.StatusSeeOther && resp.Header.Get("Location") == "/" {
		t.Errorf("a database reader signed in as the lead dave with the link found in the outbox")
	}
}
