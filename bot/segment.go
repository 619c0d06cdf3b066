package bot

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// What the bot says is built from typed segments, so that nothing an adapter shows is found
// by re-reading text: a person, a time or a command hint is a segment of its own kind, and
// each adapter renders the kinds its own way (Slack <@U…> and <!date^…>, Discord <@id>,
// <t:…:f> and its own slash-command names, the console plain text). Words are SegText and
// stay words on every platform: a note that reads "<t:1:f>" or "slack:U123" is shown as
// written, never as a time or a mention. Commands build Text with Textf (segment_build.go).

// SegmentKind says what a segment is.
type SegmentKind string

// The segment kinds. Their names are part of the outbox's stored JSON: never rename one.
const (
	SegText    SegmentKind = "text"    // Text: words, shown as written
	SegBold    SegmentKind = "bold"    // Text: words shown bold
	SegCode    SegmentKind = "code"    // Text: shown as code
	SegPerson  SegmentKind = "person"  // Text: warroom's name for the person ("alice", "slack:U…")
	SegTime    SegmentKind = "time"    // At: the moment, Unix seconds; each reader sees their zone where the platform can
	SegCommand SegmentKind = "command" // Command ("incident") and Text (the verb and what follows: "task add"); Code: shown as code
	SegLink    SegmentKind = "link"    // URL, and Text its label ("" shows the URL)
)

// Segment is one typed piece of a message. Which fields count depends on Kind.
type Segment struct {
	Kind    SegmentKind `json:"kind"`
	Text    string      `json:"text,omitempty"`
	At      int64       `json:"at,omitempty"`
	Command string      `json:"command,omitempty"`
	URL     string      `json:"url,omitempty"`
	Code    bool        `json:"code,omitempty"`
}

// Text is a message body: segments in reading order.
type Text []Segment

// Plain is words as a Text of one segment (none for "").
func Plain(s string) Text {
	if s == "" {
		return nil
	}
	return Text{{Kind: SegText, Text: s}}
}

// ChatTime is t as a time segment.
func ChatTime(t time.Time) Segment { return Segment{Kind: SegTime, At: t.Unix()} }

// Who is a person as a segment; name is how warroom records people (a roster name, or
// "slack:U…" / "discord:…" for someone not on the roster).
func Who(name string) Segment { return Segment{Kind: SegPerson, Text: name} }

// Cmd is a reference to a command a person can type: command is the engine command
// ("incident", "page", "oncall"), verb the verb and any words after it ("task add",
// "check <n>").
func Cmd(command, verb string) Segment {
	return Segment{Kind: SegCommand, Command: command, Text: verb}
}

// Link is a link with a label ("" shows the URL itself).
func Link(url, label string) Segment { return Segment{Kind: SegLink, URL: url, Text: label} }

// Code is words shown as code.
func Code(s string) Segment { return Segment{Kind: SegCode, Text: s} }

// Time is a time segment's moment.
func (s Segment) Time() time.Time { return time.Unix(s.At, 0).UTC() }

// CommandLine is a command segment as typed on a platform whose slash command for it is
// slash ("/incident"): "/incident task add".
func (s Segment) CommandLine(slash string) string {
	if s.Text == "" {
		return slash
	}
	return slash + " " + s.Text
}

// PersonID is the id a person segment names on platform when warroom knows the person only
// by it ("slack:U123" on slack is U123); ok is false for a roster name or another platform.
func (s Segment) PersonID(platform string) (string, bool) {
	id, ok := strings.CutPrefix(s.Text, platform+":")
	return id, ok && id != ""
}

// String is the neutral form of t, warroom's own markup: *bold*, `code`, times as
// <t:UNIX:f>, people by name, commands as "/incident …". It is what logs and tests read, and
// what outbox payloads held before segments (segment_legacy.go reads it back); adapters
// render segments themselves.
func (t Text) String() string {
	var b strings.Builder
	for _, s := range t {
		switch s.Kind {
		case SegBold:
			b.WriteString("*" + s.Text + "*")
		case SegCode:
			b.WriteString("`" + s.Text + "`")
		case SegTime:
			b.WriteString("<t:" + strconv.FormatInt(s.At, 10) + ":f>")
		case SegCommand:
			line := s.CommandLine("/" + s.Command)
			if s.Code {
				line = "`" + line + "`"
			}
			b.WriteString(line)
		case SegLink:
			b.WriteString(s.LinkText())
		default: // text, person, and any kind a newer version wrote
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

// String is the segment's neutral form (Text.String), so that go vet takes a segment as a
// %s argument of Textf. Outside Textf it is only for logs and tests: fmt.Sprintf would turn
// a time back into a marker that is then shown as words.
func (s Segment) String() string { return Text{s}.String() }

// LinkText is a link as plain words: the URL, after its label when the label differs.
func (s Segment) LinkText() string {
	if s.Text == "" || s.Text == s.URL {
		return s.URL
	}
	return s.Text + " (" + s.URL + ")"
}

// Empty reports whether t shows nothing (no segments, or only white space).
func (t Text) Empty() bool {
	for _, s := range t {
		if s.Kind != SegText || strings.TrimSpace(s.Text) != "" {
			return false
		}
	}
	return true
}

// Join puts texts one after another with sep (plain words) between them.
func Join(texts []Text, sep string) Text {
	var out Text
	for i, t := range texts {
		if i > 0 {
			out = out.Append(Plain(sep)...)
		}
		out = out.Append(t...)
	}
	return out
}

// Append adds segments, merging neighbouring words into one text segment.
func (t Text) Append(segs ...Segment) Text {
	for _, s := range segs {
		if s.Kind == SegText && s.Text == "" {
			continue
		}
		if n := len(t); n > 0 && s.Kind == SegText && t[n-1].Kind == SegText {
			t[n-1].Text += s.Text
			continue
		}
		t = append(t, s)
	}
	return t
}

// MarshalJSON writes t as its list of segments (null when empty).
func (t Text) MarshalJSON() ([]byte, error) {
	if len(t) == 0 {
		return []byte("null"), nil
	}
	return json.Marshal([]Segment(t))
}

// UnmarshalJSON reads the list of segments, or the string an outbox row queued before
// segments existed (read as the markup the adapters of that version rendered).
func (t *Text) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*t = nil
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = LegacyText(s)
		return nil
	}
	var segs []Segment
	if err := json.Unmarshal(b, &segs); err != nil {
		return errors.New("message text: neither segments nor a string: " + err.Error())
	}
	*t = segs
	return nil
}
