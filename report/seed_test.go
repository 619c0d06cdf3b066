package report

import (
	"time"
	_ "time/tzdata" // the goldens use Europe/Berlin whatever the host has installed

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

// The seeded incident: INC-7, a phishing wave that became an account compromise, worked
// through every phase by a small team in Berlin and closed; every report section has
// something in it. The clock is fixed, so the golden files are stable.

var seedT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func seedAt(d time.Duration) time.Time { return seedT0.Add(d) }

func seedPtr(d time.Duration) *time.Time {
	t := seedAt(d)
	return &t
}

// timelineBuilder appends sealed entries, as storage does.
type timelineBuilder struct {
	id      string
	entries []bot.Entry
	prev    string
}

func (b *timelineBuilder) add(at time.Duration, actor, kind, text string) *bot.Entry {
	return b.addAt(seedAt(at), seedAt(at), actor, kind, text)
}

func (b *timelineBuilder) addAt(at, occurred time.Time, actor, kind, text string) *bot.Entry {
	if b.prev == "" {
		b.prev = bot.GenesisHash
	}
	e := bot.Entry{Incident: b.id, Seq: int64(len(b.entries) + 1), At: at.UTC(), OccurredAt: occurred.UTC(), Actor: actor, Kind: kind, Text: text}
	bot.Seal(&e, b.prev)
	b.prev = e.Hash
	b.entries = append(b.entries, e)
	return &b.entries[len(b.entries)-1]
}

// with sets the data of the entry just added (and reseals it: data is part of a version 2
// digest, and the seeded chain stays one that verifies).
func (b *timelineBuilder) with(data string) *timelineBuilder {
	e := &b.entries[len(b.entries)-1]
	e.Data, e.V = []byte(data), 2
	prev := bot.GenesisHash
	if len(b.entries) > 1 {
		prev = b.entries[len(b.entries)-2].Hash
	}
	bot.Seal(e, prev)
	b.prev = e.Hash
	return b
}

// redact drops entry seq's text the way storage.Redact does: digest and hash stay.
func (b *timelineBuilder) redact(seq int64) {
	b.entries[seq-1].Text, b.entries[seq-1].Redacted = "", true
}

func berlin() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}

func seededData() Data {
	h := time.Hour
	m := time.Minute
	b := &timelineBuilder{id: "INC-7"}
	b.add(0, "alice", bot.KindDeclared, "alice declared: Phishing wave against finance (sev3 (medium)) from https://acme.slack.com/archives/C0GEN/p1772441700000100")
	b.with(`{"by":"alice","drill":false,"platform":"slack","severity":3,"tlp":"amber","type":""}`)
	b.add(0, "alice", bot.KindPhase, "entered identification")
	// carol saw it first, fifteen minutes before the declaration; pinned later.
	b.addAt(seedAt(2*m), seedAt(-15*m), "carol", bot.KindPin,
		"carol: got a weird invoice mail from billing@evil-invoices.example linking hxxps://evil-invoices[.]example/pay (https://acme.slack.com/archives/C0GEN/p1772440200000200)")
	b.add(5*m, "alice", bot.KindRole, "bob is commander, assigned by alice")
	b.add(6*m, "alice", bot.KindRole, "carol is analyst, assigned by alice")
	b.add(8*m, "bob", bot.KindType, "classified as phishing")
	b.add(10*m, "carol", bot.KindNote, "Mail gateway: 43 recipients; sender IP 203.0.113.45, payload sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
	b.add(12*m, "carol", bot.KindNote, "Attachment md5 44d88612fea8a8f36de82e1278abb02f exploits CVE-2026-21001; callback to 2001:db8::dead:beef")
	b.add(15*m, "bob", bot.KindSeverity, "sev3 → sev2 (high)")
	b.add(20*m, "dave", bot.KindPage, "page 1 to secops by dave: two mailboxes forwarding externally")
	b.add(24*m, "erin", bot.KindPage, "page 1 to secops acknowledged by erin after 4m 00s")
	b.add(30*m, "carol", bot.KindPin, "carol: found token xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx in the phished user's notes (https://acme.slack.com/archives/C0INC7/p1772443800000300)")
	b.add(35*m, "carol", bot.KindNote, "oops, pasted the admin password here: hunter2-Summer2026")
	b.add(40*m, "bob", bot.KindRedaction, "redacted entry 13: pasted a live password")
	b.add(41*m, "carol", bot.KindDetected, "detected at 2026-03-02 08:40:00 UTC: mail gateway alert on the first invoice mail")
	b.with(`{"detected_at":"2026-03-02T08:40:00.000000000Z","tlp":"green"}`)
	b.add(42*m, "bob", bot.KindSummary, "summary: A phishing campaign posing as a supplier's invoices reached 43 finance staff; two mailboxes were compromised and set to forward mail externally.")
	b.with(`{"tlp":"green"}`)
	b.add(43*m, "bob", bot.KindImpact, "impact on people (43): finance staff who received the mail")
	b.with(`{"count":43,"dimension":"people","tlp":"green"}`)
	b.add(44*m, "bob", bot.KindImpact, "impact on data (1800): invoices and supplier bank details in the two forwarded mailboxes")
	b.with(`{"count":1800,"dimension":"data"}`)
	b.add(44*m, "carol", bot.KindNote, "the CFO's assistant clicked first and typed her password twice")
	b.with(`{"tlp":"red"}`)
	b.add(44*m, "bob", bot.KindEvidence, "evidence 1 added: mail gateway export of the 43 messages")
	b.with(`{"action":"add","evidence":1,"location":"s3://acme-forensics/inc-7/gateway-export.zip","sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}`)
	b.add(45*m, "bob", bot.KindTask, "added task 1 (owner carol): reset passwords for the 2 forwarding mailboxes")
	b.with(`{"action":"add","owner":"carol","task":1,"tlp":"green"}`)
	b.add(50*m, "bob", bot.KindTask, "added task 2: block evil-invoices.example at the proxy")
	b.with(`{"action":"add","task":2}`)
	b.add(1*h, "bob", bot.KindCheck, "identification criterion 1 done: Scope written down")
	b.add(1*h+5*m, "bob", bot.KindPhase, "identification → containment")
	b.add(1*h+10*m, "bob", bot.KindClock, "gdpr clock set: GDPR Art. 33 notification to the supervisory authority, counting from 2026-03-02T09:00:00.000000000Z, deadline 2026-03-05T09:00:00.000000000Z")
	b.add(1*h+30*m, "carol", bot.KindUpdate, "Forwarding rules removed; blocked evil-invoices.example and 203.0.113.45 at the edge")
	b.add(1*h+35*m, "bob", bot.KindEvidence, "evidence 2 received: forwarding-rules.csv")
	b.with(`{"action":"add","channel":"C0INC7","evidence":2,"message":"1772445300.000400","sha256":"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae","size":2048,"source":"upload","uploaded_at":"2026-03-02T10:34:00.000000000Z","uploader":"carol"}`)
	b.add(1*h+50*m, "bob", bot.KindEvidence, "evidence 1 to dave: legal hold for the insurer")
	b.with(`{"action":"transfer","evidence":1,"from":"bob","to":"dave"}`)
	b.add(1*h+40*m, "mallory", bot.KindNote, "<script>alert(1)</script> [click me](javascript:alert(1)) | a | b | @everyone <!channel> `rm -rf` # not a heading")
	b.add(2*h, "carol", bot.KindTask, "done task 1: reset passwords for the 2 forwarding mailboxes")
	b.add(2*h+5*m, "bob", bot.KindOverride, "forced containment → eradication with 1 open exit criteria: Affected accounts disabled")
	b.add(2*h+5*m, "bob", bot.KindPhase, "containment → eradication")
	b.add(3*h, "bob", bot.KindPhase, "eradication → recovery")
	b.add(4*h, "bob", bot.KindPhase, "recovery → lessons-learned")
	b.add(4*h+5*m, "bob", bot.KindRootCause, "root cause: no DMARC enforcement on the supplier look-alike domain, and the mail gateway did not flag newly registered domains")
	b.add(4*h+6*m, "alice", bot.KindAssessment, "assessed malicious as yes: a targeted credential-phishing campaign")
	b.with(`{"answer":"yes","question":"malicious"}`)
	b.add(4*h+7*m, "alice", bot.KindAssessment, "assessed cross-border as no: only the Berlin office was targeted")
	b.with(`{"answer":"no","question":"cross-border"}`)
	b.add(4*h+10*m, "carol", bot.KindLesson, "good: the mail gateway search took minutes")
	b.add(4*h+12*m, "bob", bot.KindLesson, "bad: nobody knew who owns the proxy blocklist")
	b.add(4*h+14*m, "alice", bot.KindLesson, "idea: a canned search for forwarding rules")
	b.add(4*h+20*m, "bob", bot.KindLink, "linked to INC-5")
	b.add(5*h, "bob", bot.KindClock, "gdpr clock filed: ref DPA-2026-0042")
	b.add(6*h, "bob", bot.KindClose, "closed as true-positive from lessons-learned: mailboxes cleaned, sender blocked, users retrained")
	b.redact(13)
	closed := seedAt(6 * h)
	inc := bot.Incident{
		Number: 7, Title: "Phishing wave against finance", Type: "phishing", Severity: 2, Phase: bot.PhaseClosed,
		Status: bot.StatusClosed, Platform: "slack", Team: "T0ACME", ChannelID: "C0INC7", ChannelName: "inc-7-phishing-wave-against-finance",
		OriginChannel: "C0GEN", OriginLink: "https://acme.slack.com/archives/C0GEN/p1772441700000100",
		DeclaredBy: "alice", DeclaredAt: seedT0, ClosedAt: &closed, ClosedFrom: bot.PhaseLessons,
		CloseClass: bot.ClassTruePositive, Resolution: "mailboxes cleaned, sender blocked, users retrained",
		ReportVersion: 1, HeadSeq: int64(len(b.entries)), HeadHash: b.prev,
	}
	return Data{
		Incident:   inc,
		Location:   berlin(),
		Severities: map[int]string{1: "critical", 2: "high", 3: "medium", 4: "low"},
		Roles: []bot.RoleAssignment{
			{Role: "commander", Person: "bob", AssignedBy: "alice", From: seedAt(5 * m)},
			{Role: "analyst", Person: "carol", AssignedBy: "alice", From: seedAt(6 * m)},
			{Role: "scribe", Person: "alice", AssignedBy: "alice", From: seedAt(7 * m), Until: seedPtr(3 * h)},
			{Role: "scribe", Person: "dave", AssignedBy: "bob", From: seedAt(3 * h)},
		},
		Members: []string{"alice", "bob", "carol", "dave", "erin"},
		Phases: []bot.PhaseSpan{
			{Phase: bot.PhaseIdentification, Entered: seedT0, Left: seedPtr(1*h + 5*m)},
			{Phase: bot.PhaseContainment, Entered: seedAt(1*h + 5*m), Left: seedPtr(2*h + 5*m)},
			{Phase: bot.PhaseEradication, Entered: seedAt(2*h + 5*m), Left: seedPtr(3 * h), Forced: true},
			{Phase: bot.PhaseRecovery, Entered: seedAt(3 * h), Left: seedPtr(4 * h)},
			{Phase: bot.PhaseLessons, Entered: seedAt(4 * h), Left: seedPtr(6 * h)},
		},
		Entries: b.entries,
		Tasks: []bot.Task{
			{N: 1, Text: "reset passwords for the 2 forwarding mailboxes", Owner: "carol", CreatedBy: "bob", CreatedAt: seedAt(45 * m), DoneBy: "carol", DoneAt: seedPtr(2 * h)},
			{N: 2, Text: "block evil-invoices.example at the proxy", CreatedBy: "bob", CreatedAt: seedAt(50 * m)},
			{N: 3, Text: "retrain finance | *all* of them", Owner: "dave", Due: seedPtr(5 * h), CreatedBy: "bob", CreatedAt: seedAt(3 * h)},
		},
		Lessons: []bot.Lesson{
			{Kind: "good", Text: "the mail gateway search took minutes", Author: "carol", At: seedAt(4*h + 10*m)},
			{Kind: "bad", Text: "nobody knew who owns the proxy blocklist", Author: "bob", At: seedAt(4*h + 12*m)},
			{Kind: "idea", Text: "a canned search for forwarding rules", Author: "alice", At: seedAt(4*h + 14*m)},
		},
		Checklist: []bot.ChecklistItem{
			{Phase: bot.PhaseIdentification, N: 1, Text: "Scope written down", CheckedBy: "bob", CheckedAt: seedPtr(1 * h)},
			{Phase: bot.PhaseContainment, N: 1, Text: "Affected accounts disabled"},
		},
		Related: []Related{{Number: 5, Title: "Invoice fraud attempt", Status: "closed", CloseClass: "true-positive"}},
		Pages: []Page{
			{ID: 1, Target: "secops", PagedBy: "dave", CreatedAt: seedAt(20 * m), State: "acked", AckedBy: "erin", AckedAt: seedPtr(24 * m)},
			{ID: 2, Target: "@frank", PagedBy: "bob", CreatedAt: seedAt(1 * h), State: "unanswered"},
		},
		Clocks: []Clock{
			{Name: "gdpr", Label: "GDPR Art. 33 notification to the supervisory authority", Start: seedT0, Deadline: seedAt(72 * h),
				DoneAt: seedPtr(5 * h), DoneBy: "bob", DoneNote: "ref DPA-2026-0042"},
			{Name: "sec", Label: "SEC Form 8-K Item 1.05", Start: seedAt(1 * h), Deadline: seedAt(2 * h)},
		},
		Alerts: []AlertGroup{
			{Source: "siem", Key: "phish-kit|login.example.com", Summary: "Phishing kit <live> on login.example.com", Status: "resolved", Count: 3,
				FirstSeen: seedAt(-10 * m), LastSeen: seedAt(2 * h), SourceURL: "https://siem.internal/alerts/77?a=1&b=2"},
		},
		Integrity: bot.Verdict{Incident: "INC-7", Entries: int64(len(b.entries)), HeadHash: b.prev, OK: true},
		Generator: "warroom test",
		Organisation: config.Organisation{Name: "Acme Finance GmbH", DPO: "Dana Roe, dpo@acme.example, +49 30 1234567",
			Address: "Hauptstraße 1, 10115 Berlin, Germany", CSIRTContact: "csirt@acme.example, +49 30 7654321"},
		GeneratedAt: seedAt(6*h + time.Second),
	}
}
