package storage

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// A batch's writes of many rows go as one statement whose rows are one JSON parameter
// (json_each on SQLite, jsonb_array_elements on PostgreSQL): the statement's text stays
// the same whatever the batch's size, so it stays one prepared statement, and it is bound
// once. On SQLite a separate statement costs about 1 µs beyond the row's own work (perf),
// so this pays little there; on PostgreSQL it saves a round trip a row.

// jsonCarries reports whether a JSON string gives s back byte for byte: valid UTF-8
// (json.Marshal writes U+FFFD for an invalid byte) without NUL (PostgreSQL's jsonb has no
// \u0000). A row with a string that it does not is written with its own statement.
func jsonCarries(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// execList runs q (a batched write above) with rows, JSON-encoded, as its one parameter.
func (t *Tx) execList(q string, rows any) error {
	list, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	_, err = t.exec(q, string(list))
	return err
}
