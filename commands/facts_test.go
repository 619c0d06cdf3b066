package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

// The facts from chat: each verb is one entry with its numbers, enums and times in data and
// what people wrote in text; the card shows them and asks for the ones still missing.
func TestFactsFromChat(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Ransomware on the file servers sev1")
	out := h.flush()
	wantContains(t, "card asks", out, "Still to record: summary (/incident summary <text>)", "root cause (/incident rootcause <text>)")
	wantContains(t, "checklist asks", out, "For the report, still to record: summary")
	wantContains(t, "card label", out, "Classification: TLP:AMBER")

	h.mustSay("alice", ch, "summary Ransomware encrypted two file servers; no ransom paid.", "Summary recorded on INC-1 as entry")
	if e := h.last(1); e.Kind != bot.KindSummary || e.Text != "summary: Ransomware encrypted two file servers; no ransom paid." || string(e.Data) != "{}" {
		t.Errorf("summary entry %+v data %s", e, e.Data)
	}
	h.mustSay("alice", ch, "impact people 1,200 customers in the EU", "Impact on people recorded")
	if e := h.last(1); string(e.Data) != `{"count":1200,"dimension":"people"}` || bot.FreeText(e.Text) != "customers in the EU" {
		t.Errorf("impact entry %q data %s", e.Text, e.Data)
	}
	h.mustSay("alice", ch, "impact cost 250000 EUR estimated recovery", "Impact on cost recorded")
	h.mustSay("alice", ch, "rootcause --tlp red phished VPN credentials of a contractor", "Root cause recorded")
	if e := h.last(1); string(e.Data) != `{"tlp":"red"}` {
		t.Errorf("labelled root cause data %s", e.Data)
	}
	h.clock.Advance(time.Minute)
	h.mustSay("alice", ch, "detected 2026-03-02T08:15:00Z EDR alert on FS01", "Detection time")
	if e := h.last(1); string(e.Data) != `{"detected_at":"2026-03-02T08:15:00.000000000Z"}` || bot.FreeText(e.Text) != "EDR alert on FS01" {
		t.Errorf("detected entry %q data %s", e.Text, e.Data)
	}
	h.mustSay("alice", ch, "assess malicious yes ransom note on every share", "Assessment malicious: yes")
	if e := h.last(1); string(e.Data) != `{"answer":"yes","question":"malicious"}` {
		t.Errorf("assessment data %s", e.Data)
	}
	card := h.cmd("alice", ch, "status")
	wantContains(t, "card", card, "Summary: Ransomware encrypted two file servers", "Impact: people 1200 (customers in the EU) · cost 250000 (EUR estimated recovery)",
		"Root cause: phished VPN credentials", "Detected ")
	wantNot(t, "card", card, "Still to record")
	h.verify(1)

	t.Run("refusals write nothing", func(t *testing.T) {
		h.unchanged(1, func() {
			wantContains(t, "no text", h.cmd("alice", ch, "summary"), "Usage: /incident summary")
			wantContains(t, "bad dimension", h.cmd("alice", ch, "impact morale low"), `Unknown impact "morale"`)
			wantContains(t, "bad tlp", h.cmd("alice", ch, "note --tlp purple hi"), `"purple" is not a TLP level`)
			wantContains(t, "white is TLP 1.0", h.cmd("alice", ch, "note --tlp white hi"), `"white" is not a TLP level`)
			wantContains(t, "future", h.cmd("alice", ch, "detected 2026-03-03T08:00:00Z"), "is in the future")
			wantContains(t, "after declaration", h.cmd("alice", ch, "detected 30s ago"), "is after INC-1 was declared")
			wantContains(t, "bad time", h.cmd("alice", ch, "detected yesterday-ish"), "is not a time warroom reads")
			wantContains(t, "bad answer", h.cmd("alice", ch, "assess material maybe"), "Answer material with one of: yes, no.")
			wantContains(t, "non-member", h.cmd("bob", ch, "summary mine now"), "You are not a member of INC-1.")
		})
	})
}

// The incident's TLP is the stewards' to change; entries without their own label carry it;
// the announce channel never receives anything above TLP:GREEN.
func TestTLPLabels(t *testing.T) {
	h := newHarness(t, withYAML(`channels: {announce: "#security-status"}`))
	ch := h.declare("alice", "Insider case")
	h.mustSay("alice", ch, "invite @bob", "")
	h.flush()
	h.unchanged(1, func() {
		wantContains(t, "member no role", h.cmd("bob", ch, "tlp red"), "commander")
		wantContains(t, "same", h.cmd("alice", ch, "tlp amber"), "already TLP:AMBER")
	})
	h.mustSay("alice", ch, "note --tlp red the suspect is in payroll", "labelled TLP:RED")
	if e := h.last(1); string(e.Data) != `{"tlp":"red"}` || e.Text != "the suspect is in payroll" {
		t.Errorf("note %q data %s", e.Text, e.Data)
	}
	h.mustSay("alice", ch, "update investigating", "Status update posted")
	wantContains(t, "amber incident: status line only", channelLines(h.flush(), "security-status"), "TLP:GREEN · INC-1 · sev3")

	h.mustSay("alice", ch, "tlp red", "INC-1 is now TLP:RED")
	if e := h.last(1); e.Kind != bot.KindTLP || string(e.Data) != `{"from":"amber","to":"red"}` {
		t.Errorf("tlp entry %q %s", e.Text, e.Data)
	}
	r := h.mustSay("alice", ch, "update still investigating", "not announced in #security-status")
	wantContains(t, "reply", r, "nothing above TLP:GREEN")
	out := h.flush()
	if a := channelLines(out, "security-status"); a != "" {
		t.Errorf("a TLP:RED incident reached the announce channel:\n%s", a)
	}
	wantContains(t, "card", out, "Classification: TLP:RED")
	h.verify(1)
}

func TestTLPDefaultFromConfig(t *testing.T) {
	h := newHarness(t, withYAML(`tlp: green`))
	ch := h.declare("alice", "Spam run")
	wantContains(t, "card", h.cmd("alice", ch, "status"), "Classification: TLP:GREEN")
	if _, err := config.ParseConfig("warroom.yaml", []byte("timezone: UTC\ntlp: white\n")); err == nil || !strings.Contains(err.Error(), "warroom.yaml:2: tlp:") {
		t.Errorf("tlp: white: %v", err)
	}
	if _, err := config.ParseConfig("warroom.yaml", []byte("organisation:\n  name: Acme\n  dpo: \"a\\nb\"\n")); err == nil || !strings.Contains(err.Error(), "warroom.yaml:3: organisation.dpo: must be one line") {
		t.Errorf("multi-line dpo: %v", err)
	}
}

// Evidence: added by hand or from an uploaded file warroom hashed; handed on with a reason;
// every step an entry, and the list names the holder.
func TestEvidenceCustody(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Ransomware")
	h.mustSay("alice", ch, "invite @bob", "")
	sum := strings.Repeat("ab", 32)
	h.mustSay("alice", ch, "evidence add disk image of FS01 "+sum+" s3://forensics/inc-1/fs01.e01", "Evidence 1 recorded on INC-1")
	if e := h.last(1); bot.FreeText(e.Text) != "disk image of FS01" ||
		string(e.Data) != `{"action":"add","evidence":1,"location":"s3://forensics/inc-1/fs01.e01","sha256":"`+sum+`"}` {
		t.Errorf("evidence entry %q %s", e.Text, e.Data)
	}
	h.mustSay("alice", ch, "evidence transfer 1 @bob for imaging in the lab", "Evidence 1 passed from alice to bob")
	if e := h.last(1); string(e.Data) != `{"action":"transfer","evidence":1,"from":"alice","to":"bob"}` || bot.FreeText(e.Text) != "for imaging in the lab" {
		t.Errorf("transfer entry %q %s", e.Text, e.Data)
	}
	m := &bot.ChatMessage{ID: "m9", Channel: ch, Author: bot.User{ID: "carol"}, At: t0,
		Files: []bot.FileReceipt{{ID: "F1", Name: "ransom-note.txt", Size: 42, SHA256: strings.Repeat("cd", 32)}}}
	wantContains(t, "receipt", h.react("bob", "receipt", m), "evidence 2: ransom-note.txt, 42 bytes, sha256 "+strings.Repeat("cd", 32))
	h.unchanged(1, func() {
		if r := h.react("alice", "receipt", m); r != "" {
			t.Errorf("second 🧾 answered %q", r)
		}
		wantContains(t, "no file", h.react("alice", "receipt", &bot.ChatMessage{ID: "m10", Channel: ch, Author: bot.User{ID: "bob"}}), "no file")
		wantContains(t, "unknown item", h.cmd("alice", ch, "evidence transfer 9 @bob x"), "has no evidence 9")
		wantContains(t, "already holds", h.cmd("alice", ch, "evidence transfer 1 @bob again"), "bob already holds evidence 1")
		wantContains(t, "no reason", h.cmd("alice", ch, "evidence transfer 1 @carol"), "Usage: /incident evidence transfer")
		wantContains(t, "bare", h.cmd("alice", ch, "evidence"), "Usage: /incident evidence add")
		wantContains(t, "outsider", h.cmd("carol", ch, "evidence list"), "You are not a member of INC-1.")
	})
	list := h.cmd("bob", ch, "evidence list")
	wantContains(t, "list", list, "1. disk image of FS01 · sha256 `"+sum+"` · kept at s3://forensics/inc-1/fs01.e01 · held by bob", "(2 custody steps)",
		"2. ransom-note.txt · sha256 `"+strings.Repeat("cd", 32)+"` · 42 bytes, uploaded by carol, hashed by warroom · held by bob")
	h.verify(1)
}
