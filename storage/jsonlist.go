package storage

import (
	"strings"
	"unicode/utf8"
)

// A batch's writes of many rows go as one statement whose rows are one JSON parameter
// (json_each on SQLite, jsonb_array_elements on PostgreSQL): the statement's text stays
// the same whatever the batch's size, so it stays one prepared statement, and it is bound
// once. On SQLite a separate statement costs about 1 µs beyond the row's own work (perf),
// so this pays little there; on PostgreSQL it saves a round trip a row.

// jsonCarries reports whether a JSON string gives s back byte for byte: valid UTF-8 (a
// JSON text is UTF-8) without NUL (PostgreSQL's jsonb has no \u0000). A row with a string
// that it does not is written with its own statement, as before.
func jsonCarries(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// appendJSONString writes s (jsonCarries) as a JSON string: quote, backslash and control
// characters escaped, everything else as it is.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		if c == '"' || c == '\\' {
			b = append(b, '\\', c)
		} else {
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
