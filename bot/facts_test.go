package bot

import (
	"testing"
	"time"
)

func factEntry(seq int64, kind, text, data string) Entry {
	return Entry{Seq: seq, Kind: kind, Text: text, Data: []byte(data), Actor: "alice", OccurredAt: time.Unix(seq, 0).UTC()}
}

// The latest entry of each kind is the fact; a redacted one keeps its place but not its
// text; custody follows transfers; the TLP is the last label set, else the declaration's.
func TestFoldFacts(t *testing.T) {
	f := FoldFacts([]Entry{
		factEntry(1, KindDeclared, "alice declared sev1 (critical): Ransomware", `{"tlp":"green"}`),
		factEntry(2, KindSummary, "summary: first draft", `{}`),
		factEntry(3, KindSummary, "summary: servers encrypted", `{}`),
		factEntry(4, KindImpact, "impact on people (1200): customers", `{"dimension":"people","count":1200}`),
		factEntry(5, KindImpact, "impact on systems: two file servers", `{"dimension":"systems"}`),
		factEntry(6, KindRootCause, "", `{}`),
		factEntry(7, KindDetected, "detected at 2026-03-02 08:15:00 UTC: EDR alert", `{"detected_at":"2026-03-02T08:15:00.000000000Z"}`),
		factEntry(8, KindAssessment, "assessed malicious as yes: ransom note", `{"question":"malicious","answer":"yes"}`),
		factEntry(9, KindEvidence, "evidence 1 added: disk image", `{"evidence":1,"action":"add","sha256":"ab"}`),
		factEntry(10, KindEvidence, "evidence 1 to bob: lab", `{"evidence":1,"action":"transfer","from":"alice","to":"bob"}`),
		factEntry(11, KindEvidence, "evidence 3 to bob: nothing", `{"evidence":3,"action":"transfer","to":"bob"}`),
		factEntry(12, KindNote, "a note", `{"tlp":"red"}`),
	})
	f.RootCause.Redacted = true
	if f.TLP != TLPGreen {
		t.Errorf("TLP %v", f.TLP)
	}
	if f.Summary.Text != "servers encrypted" || f.Summary.Seq != 3 {
		t.Errorf("summary %+v", f.Summary)
	}
	if p := f.Impact["people"]; !p.HasCount || p.Count != 1200 || p.Text != "customers" {
		t.Errorf("people %+v", p)
	}
	if s := f.Impact["systems"]; s.HasCount || s.Text != "two file servers" {
		t.Errorf("systems %+v", s)
	}
	if f.Detected == nil || !f.Detected.DetectedAt.Equal(time.Date(2026, 3, 2, 8, 15, 0, 0, time.UTC)) || f.Detected.Text != "EDR alert" {
		t.Errorf("detected %+v", f.Detected)
	}
	if a := f.Assessments["malicious"]; a.Answer != "yes" || a.Text != "ransom note" {
		t.Errorf("assessment %+v", a)
	}
	if len(f.Evidence) != 1 || f.Evidence[0].Holder != "bob" || len(f.Evidence[0].Custody) != 2 || f.Evidence[0].Custody[1].Reason != "lab" {
		t.Errorf("evidence %+v", f.Evidence)
	}
	f2 := FoldFacts([]Entry{factEntry(1, KindDeclared, "", `{"tlp":"green"}`), factEntry(2, KindTLP, "", `{"from":"green","to":"amber+strict"}`)})
	if f2.TLP != TLPAmberStrict || f2.TLP.String() != "TLP:AMBER+STRICT" {
		t.Errorf("relabelled %v", f2.TLP)
	}
}

func TestTLPOrder(t *testing.T) {
	for _, s := range []string{"clear", "TLP:GREEN", "amber", "Amber+Strict", "red"} {
		if _, ok := ParseTLP(s); !ok {
			t.Errorf("%q not read", s)
		}
	}
	for _, s := range []string{"white", "", "amber strict", "tlp:"} {
		if _, ok := ParseTLP(s); ok {
			t.Errorf("%q read", s)
		}
	}
	if !TLPGreen.Allows(TLPClear) || !TLPGreen.Allows(TLPGreen) || TLPGreen.Allows(TLPAmber) || TLPAmber.Allows(TLPAmberStrict) {
		t.Error("TLP order wrong")
	}
	if EntryTLP(EntryData{}, TLPAmber) != TLPAmber || EntryTLP(EntryData{"tlp": "red"}, TLPGreen) != TLPRed {
		t.Error("EntryTLP does not inherit or override")
	}
}
