package alerts

import (
	"unicode/utf8"
)

// decodeGeneric reads a generic body into g. A hand-written scanner takes the shapes
// senders send (each known field once, spelt exactly, of its own type); anything else —
// every body decodeStrict refuses, and the odd ones it takes (a field spelt in other case,
// a field twice, an escaped name, a null, a surrogate escape) — is decoded by decodeStrict,
// so every answer and every refusal is decodeStrict's. FuzzGenericDecode holds the scanner
// to that: whatever it takes, decodeStrict takes the same way.
func decodeGeneric(body []byte, g *genericBody) error {
	if scanGeneric(body, g) {
		return nil
	}
	*g = genericBody{}
	return decodeStrict(body, g)
}

// The generic fields, as bits of the set already seen.
const (
	fieldSummary = 1 << iota
	fieldDetails
	fieldSeverity
	fieldDedupKey
	fieldStatus
	fieldObservedAt
	fieldSourceURL
	fieldLabels
)

// genericScanner reads one body; ok is false once it meets anything it leaves to
// decodeStrict.
type genericScanner struct {
	b []byte
	i int
}

// scanGeneric fills g from body when the scanner takes it.
func scanGeneric(body []byte, g *genericBody) bool {
	s := genericScanner{b: body}
	if !s.skip('{') {
		return false
	}
	if s.skip('}') {
		return s.end()
	}
	seen := 0
	for {
		name, ok := s.name()
		if !ok || !s.skip(':') {
			return false
		}
		bit, ok := s.field(name, g)
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		if s.skip('}') {
			return s.end()
		}
		if !s.skip(',') {
			return false
		}
	}
}

// field reads the value of the field called name into g.
func (s *genericScanner) field(name []byte, g *genericBody) (bit int, ok bool) {
	var str *string
	switch string(name) {
	case "summary":
		var v string
		g.Summary, bit = &v, fieldSummary
		str = &v
	case "details":
		str, bit = &g.Details, fieldDetails
	case "dedup_key":
		str, bit = &g.DedupKey, fieldDedupKey
	case "status":
		str, bit = &g.Status, fieldStatus
	case "observed_at":
		str, bit = &g.ObservedAt, fieldObservedAt
	case "source_url":
		str, bit = &g.SourceURL, fieldSourceURL
	case "severity":
		raw, ok := s.severity()
		g.Severity = raw
		return fieldSeverity, ok
	case "labels":
		g.Labels, ok = s.labels()
		return fieldLabels, ok
	default:
		return 0, false
	}
	*str, ok = s.str()
	return bit, ok
}

// ws skips JSON's white space.
func (s *genericScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// skip passes white space and then c, reporting whether c was there.
func (s *genericScanner) skip(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (s *genericScanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// name reads an object member's name, which must be plain (no escape).
func (s *genericScanner) name() ([]byte, bool) {
	if !s.skip('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// str reads a string value.
func (s *genericScanner) str() (string, bool) {
	if !s.skip('"') {
		return "", false
	}
	start, ascii := s.i, true
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			raw := s.b[start : s.i-1]
			if !ascii && !utf8.Valid(raw) {
				return "", false
			}
			return string(raw), true
		case c == '\\':
			return s.escaped(start)
		case c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
		}
		s.i++
	}
	return "", false
}

// escaped finishes a string that holds an escape, from its first byte at start.
func (s *genericScanner) escaped(start int) (string, bool) {
	out := append(make([]byte, 0, s.i-start+16), s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			if !utf8.Valid(out) {
				return "", false
			}
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.b) {
			return "", false
		}
		e := s.b[s.i+1]
		s.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok || !utf8.ValidRune(r) { // a surrogate: decodeStrict pairs them
				return "", false
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", false
		}
	}
	return "", false
}

// hex4 reads the four hex digits of a \u escape.
func (s *genericScanner) hex4() (rune, bool) {
	if s.i+4 > len(s.b) {
		return 0, false
	}
	var r rune
	for _, c := range s.b[s.i : s.i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	s.i += 4
	return r, true
}

// severity reads the severity as its raw JSON (what json.RawMessage holds): a string or a
// number.
func (s *genericScanner) severity() ([]byte, bool) {
	s.ws()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '"' {
		if _, ok := s.str(); !ok {
			return nil, false
		}
	} else if !s.number() {
		return nil, false
	}
	return append([]byte(nil), s.b[start:s.i]...), true
}

// number passes a JSON number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func (s *genericScanner) number() bool {
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.digits() == 0:
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return false
		}
	}
	return true
}

func (s *genericScanner) digits() int {
	n := 0
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i, n = s.i+1, n+1
	}
	return n
}

// labels reads an object of strings (a name twice: the last one counts, as in
// decodeStrict).
func (s *genericScanner) labels() (map[string]string, bool) {
	if !s.skip('{') {
		return nil, false
	}
	m := map[string]string{}
	if s.skip('}') {
		return m, true
	}
	for {
		s.ws()
		k, ok := s.str()
		if !ok || !s.skip(':') {
			return nil, false
		}
		if m[k], ok = s.str(); !ok {
			return nil, false
		}
		if s.skip('}') {
			return m, true
		}
		if !s.skip(',') {
			return nil, false
		}
	}
}
