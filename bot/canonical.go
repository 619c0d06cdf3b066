package bot

import (
	"encoding/json"
	"strconv"
	"time"
)

// The writer seals every timeline entry and encodes its data while holding the one write
// transaction, so encoding/json's reflection there (a fifth of the writer's time for an
// alert: ~6 µs to seal, ~4.5 µs to encode the data) is paid one entry at a time. The
// common case is written here by hand: strings of printable ASCII without a quote or
// backslash, which encoding/json (escaping HTML off) writes unchanged between quotes, and
// data that is valid JSON without whitespace between its tokens, which it copies unchanged. Anything else — a
// name with a non-ASCII letter, a control character, stored data with spaces — is left to
// encoding/json as before. The bytes are the same either way: TestCanonicalFastPathIsExact
// compares the two on every shape, and FuzzCanonicalFastPath on arbitrary values.

// plainJSON says whether encoding/json writes s unchanged between quotes.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// appendTime writes t as FormatTime does (TimeFormat, UTC); false for a year time.Format
// writes otherwise than as four digits.
func appendTime(dst []byte, t time.Time) ([]byte, bool) {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return dst, false
	}
	h, mi, s := t.Clock()
	dst = appendDigits(dst, y, 4)
	dst = appendDigits(append(dst, '-'), int(mo), 2)
	dst = appendDigits(append(dst, '-'), d, 2)
	dst = appendDigits(append(dst, 'T'), h, 2)
	dst = appendDigits(append(dst, ':'), mi, 2)
	dst = appendDigits(append(dst, ':'), s, 2)
	dst = appendDigits(append(dst, '.'), t.Nanosecond(), 9)
	return append(dst, 'Z'), true
}

// appendDigits writes v (≥ 0) in exactly width decimal digits, zero-padded.
func appendDigits(dst []byte, v, width int) []byte {
	var b [9]byte
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[:width]...)
}

// rawUnchanged says whether encoding/json (escaping HTML off) copies raw unchanged as a
// json.RawMessage: it is valid and has no whitespace outside its strings, the one thing
// it would drop.
func rawUnchanged(raw []byte) bool {
	in, esc := false, false
	for _, c := range raw {
		switch {
		case in && esc:
			esc = false
		case in && c == '\\':
			esc = true
		case in && c == '"':
			in = false
		case in:
		case c == '"':
			in = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return false
		}
	}
	return json.Valid(raw)
}

// canonicalV2Fast is CanonicalEntry of a version 2 entry, when every value is plain.
func canonicalV2Fast(e Entry) ([]byte, bool) {
	data := []byte(e.Data)
	if len(data) == 0 {
		data = []byte("{}")
	}
	if !plainJSON(e.Incident) || !plainJSON(e.Actor) || !plainJSON(e.Kind) || !plainJSON(e.TextCommit) || !rawUnchanged(data) {
		return nil, false
	}
	b := make([]byte, 0, 192+len(e.Incident)+len(e.Actor)+len(e.Kind)+len(data)+len(e.TextCommit))
	b = append(b, `{"v":2,"incident":`...)
	b = appendQuoted(b, e.Incident)
	b = strconv.AppendInt(append(b, `,"seq":`...), e.Seq, 10)
	var ok1, ok2 bool
	b = append(b, `,"at":"`...)
	if b, ok1 = appendTime(b, e.At); !ok1 {
		return nil, false
	}
	b = append(b, `","occurred_at":"`...)
	if b, ok2 = appendTime(b, e.OccurredAt); !ok2 {
		return nil, false
	}
	b = appendQuoted(append(b, `","actor":`...), e.Actor)
	b = appendQuoted(append(b, `,"kind":`...), e.Kind)
	b = append(append(b, `,"data":`...), data...)
	b = appendQuoted(append(b, `,"text_commit":`...), e.TextCommit)
	return append(b, '}'), true
}

// encodeDataFast is EncodeData's object for d, whose keys are sorted and whose values were
// checked (checkDataValue), when every key and string is plain.
func encodeDataFast(d Data, keys []string) (json.RawMessage, bool) {
	b := make([]byte, 0, 16*len(keys)+16)
	b = append(b, '{')
	for i, k := range keys {
		if !plainJSON(k) {
			return nil, false
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendQuoted(b, k), ':')
		ok := true
		switch v := d[k].(type) {
		case string:
			if ok = plainJSON(v); ok {
				b = appendQuoted(b, v)
			}
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case bool:
			b = strconv.AppendBool(b, v)
		case time.Time:
			b = append(b, '"')
			if b, ok = appendTime(b, v); ok {
				b = append(b, '"')
			}
		case []string:
			b, ok = appendStrings(b, v)
		default:
			ok = false
		}
		if !ok {
			return nil, false
		}
	}
	return json.RawMessage(append(b, '}')), true
}

// appendStrings writes a list of strings as encoding/json does: a nil list is null.
func appendStrings(b []byte, l []string) ([]byte, bool) {
	if l == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for i, s := range l {
		if !plainJSON(s) {
			return b, false
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, s)
	}
	return append(b, ']'), true
}
