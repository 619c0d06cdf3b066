package bot

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t0seg = time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC) // Unix 1700000000

func TestTextfMarkupComesOnlyFromTheFormat(t *testing.T) {
	got := Textf("*%s: %s* by %s at %s. Tick with /incident check <n>, or `/incident role commander me`; see `%s`.",
		"INC-1", "Phish *now*", Who("slack:U0BOB"), ChatTime(t0seg), "x")
	want := Text{
		{Kind: SegBold, Text: "INC-1: Phish *now*"},
		{Kind: SegText, Text: " by "},
		{Kind: SegPerson, Text: "slack:U0BOB"},
		{Kind: SegText, Text: " at "},
		{Kind: SegTime, At: 1700000000},
		{Kind: SegText, Text: ". Tick with "},
		{Kind: SegCommand, Command: "incident", Text: "check"},
		{Kind: SegText, Text: " <n>, or "},
		{Kind: SegCommand, Command: "incident", Text: "role commander me", Code: true},
		{Kind: SegText, Text: "; see "},
		{Kind: SegCode, Text: "x"},
		{Kind: SegText, Text: "."},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
	// The neutral form is what the engine said before segments, byte for byte.
	if s := got.String(); s != "*INC-1: Phish *now** by slack:U0BOB at <t:1700000000:f>. Tick with /incident check <n>, or `/incident role commander me`; see `x`." {
		t.Fatalf("neutral form %q", s)
	}
}

// An argument is words whatever it holds: markers, markup and command hints a person wrote
// stay one text segment.
func TestTextfArgumentsStayWords(t *testing.T) {
	user := "<t:1:f> slack:U123 discord:80351110224678912 <@U1> *bold* `code` /incident report md \x00x:0\x00"
	got := Textf("📝 %s: %s", Who("alice"), user)
	want := Text{{Kind: SegText, Text: "📝 "}, {Kind: SegPerson, Text: "alice"}, {Kind: SegText, Text: ": " + user}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
	// Verbs and flags are fmt's own; the argument is not reread.
	if s := Textf("%5.2f|%-4d|%q|%x|%%|%v", 3.14159, 7, `a"b`, 255, []int{1}).String(); s != ` 3.14|7   |"a\"b"|ff|%|[1]` {
		t.Fatalf("%q", s)
	}
	// The caller's arguments are left as they were.
	args := []any{"a", 1}
	_ = Textf("%s %d", args...)
	if args[0] != "a" || args[1] != 1 {
		t.Fatalf("args changed: %v", args)
	}
}

func TestMarkupEdges(t *testing.T) {
	for in, want := range map[string]string{
		"2 * 3 * 4":             "text:2 * 3 * 4",
		"**already**":           "text:**already**",
		"a*b*c":                 "text:a*b*c",
		"*open\nnext*":          "text:*open\nnext*",
		"`unclosed":             "text:`unclosed",
		"use /incidents":        "text:use /incidents",
		"and/incident x":        "text:and/incident x",
		"(/page ack 3)":         "text:( | command:page:ack | text: 3)",
		"/oncall":               "command:oncall:",
		"• *Commander* (alice)": "text:•  | bold:Commander | text: (alice)",
	} {
		var parts []string
		for _, s := range Markup(in) {
			p := string(s.Kind) + ":"
			if s.Kind == SegCommand {
				p += s.Command + ":"
			}
			parts = append(parts, p+s.Text)
		}
		if got := strings.Join(parts, " | "); got != want {
			t.Errorf("Markup(%q) = %s, want %s", in, got, want)
		}
	}
}

// A slot's placeholder carries the Slots' random key: the same bytes from another Slots (or
// typed by someone) stay words.
func TestSlotsCannotBeForged(t *testing.T) {
	a, b := NewSlots(), NewSlots()
	forged := b.PutSegment(ChatTime(t0seg))
	mine := a.PutSegment(Who("bob"))
	got := a.Text("from " + mine + " and " + forged)
	if len(got) != 3 || got[1].Kind != SegPerson || got[2].Kind != SegText || !strings.Contains(got[2].Text, forged) {
		t.Fatalf("%#v", got)
	}
}

// An operator's template may pass a slot through a case function ({{upper .Title}}): the
// placeholder is digits and NULs, which no case mapping changes, so the slot still resolves
// (shown as it is: a slot is never transformed) instead of leaving its bytes in the message.
func TestSlotsSurviveCaseMapping(t *testing.T) {
	s := NewSlots()
	p := s.Put(Plain("*Urgent* db"))
	for _, f := range []func(string) string{strings.ToUpper, strings.ToLower, strings.ToTitle} {
		got := s.Text("Title: " + f(p) + ".")
		if len(got) != 1 || got[0] != (Segment{Kind: SegText, Text: "Title: *Urgent* db."}) {
			t.Errorf("%q through a case mapping: %#v", p, got)
		}
	}
}

// The stored form: a list of segments with these field names. The outbox keeps messages in
// this form across upgrades, so it must not change by accident.
func TestSegmentJSONIsStable(t *testing.T) {
	m := Message{Text: Text{
		{Kind: SegText, Text: "a "}, {Kind: SegBold, Text: "b"}, {Kind: SegCode, Text: "c"},
		{Kind: SegPerson, Text: "slack:U1"}, {Kind: SegTime, At: 1700000000},
		{Kind: SegCommand, Command: "incident", Text: "report", Code: true}, {Kind: SegLink, URL: "https://x.example", Text: "x"},
	}}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"text":[{"kind":"text","text":"a "},{"kind":"bold","text":"b"},{"kind":"code","text":"c"},` +
		`{"kind":"person","text":"slack:U1"},{"kind":"time","at":1700000000},{"kind":"command","text":"report","command":"incident","code":true},` +
		`{"kind":"link","text":"x","url":"https://x.example"}]}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	var back Message
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, m) {
		t.Fatalf("round trip: %v %#v", err, back)
	}
	if err := json.Unmarshal([]byte(`{"text":{"kind":"text"}}`), &back); err == nil {
		t.Fatal("an object for the text was accepted")
	}
}

// An outbox row queued by a version before segments holds its text as a string; it is read
// the way that version's adapters read it.
func TestOldQueuedPayloadIsReadAsBefore(t *testing.T) {
	old := `{"message":{"text":"🚨 *INC-1: Phishing* — declared by slack:U0ALICE at <t:1700000000:f>.\n` +
		"take it with `/incident role commander me` or /incident report md; <@U0BOB> and discord:80351110224678912 and <@80351110224678913>\"," +
		`"buttons":[{"action":"role.claim","label":"I'm analyst","value":"1:analyst"}]},"file":{"name":"r.md","title":"R","comment":"*v1*","data":"eA=="}}`
	var p Payload
	if err := json.Unmarshal([]byte(old), &p); err != nil {
		t.Fatal(err)
	}
	want := Text{
		{Kind: SegText, Text: "🚨 "}, {Kind: SegBold, Text: "INC-1: Phishing"}, {Kind: SegText, Text: " — declared by "},
		{Kind: SegPerson, Text: "slack:U0ALICE"}, {Kind: SegText, Text: " at "}, {Kind: SegTime, At: 1700000000},
		{Kind: SegText, Text: ".\ntake it with "}, {Kind: SegCommand, Command: "incident", Text: "role commander me", Code: true},
		{Kind: SegText, Text: " or "}, {Kind: SegCommand, Command: "incident", Text: "report md"}, {Kind: SegText, Text: "; "},
		{Kind: SegPerson, Text: "slack:U0BOB"}, {Kind: SegText, Text: " and "}, {Kind: SegPerson, Text: "discord:80351110224678912"},
		{Kind: SegText, Text: " and "}, {Kind: SegPerson, Text: "discord:80351110224678913"},
	}
	if !reflect.DeepEqual(p.Message.Text, want) {
		t.Fatalf("got  %#v\nwant %#v", p.Message.Text, want)
	}
	if len(p.Message.Buttons) != 1 || p.File == nil || !reflect.DeepEqual(p.File.Comment, Text{{Kind: SegBold, Text: "v1"}}) {
		t.Fatalf("rest of the payload: %+v", p)
	}
	// Written back, it is in the new form and reads the same.
	b, _ := json.Marshal(p)
	var again Payload
	if err := json.Unmarshal(b, &again); err != nil || !reflect.DeepEqual(again.Message.Text, want) {
		t.Fatalf("re-read: %v %s", err, b)
	}
}

func TestTextHelpers(t *testing.T) {
	if !Plain("").Empty() || !Plain(" \n").Empty() || Plain("x").Empty() || (Text{ChatTime(t0seg)}).Empty() {
		t.Fatal("Empty")
	}
	j := Join([]Text{Plain("a"), {Who("b")}, Plain("c")}, ", ")
	if j.String() != "a, b, c" || len(j) != 3 {
		t.Fatalf("Join %#v", j)
	}
	if id, ok := Who("slack:U1").PersonID("slack"); !ok || id != "U1" {
		t.Fatal("PersonID")
	}
	if _, ok := Who("alice").PersonID("slack"); ok {
		t.Fatal("a roster name has no platform id")
	}
}
