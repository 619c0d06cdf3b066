// Package export writes an incident's timeline in the exchange formats of `warroom
// timeline --json` and `--format csv`, for the CLI and the web view's downloads alike.
package export

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/warroom/warroom/bot"
)

// Entries streams a timeline in seq order (storage's EachEntry for one incident).
type Entries func(fn func(bot.Entry) error) error

// EntryJSON is the contract of `timeline --json` (docs/chain.md): the canonical entry's
// values plus digest and hash, so anyone can re-verify the chain. Version 2 entries add
// v, data, salt and text_commit; version 1 entries leave them out.
type EntryJSON struct {
	Incident   string          `json:"incident,omitempty"`
	V          int             `json:"v,omitempty"`
	Seq        int64           `json:"seq"`
	At         string          `json:"at"`
	OccurredAt string          `json:"occurred_at"`
	Actor      string          `json:"actor"`
	Kind       string          `json:"kind"`
	Data       json.RawMessage `json:"data,omitempty"`
	Text       string          `json:"text"`
	Salt       string          `json:"salt,omitempty"`
	TextCommit string          `json:"text_commit,omitempty"`
	Redacted   bool            `json:"redacted,omitempty"`
	Digest     string          `json:"digest"`
	Hash       string          `json:"hash"`
}

// ToEntryJSON is one entry as the export writes it.
func ToEntryJSON(e bot.Entry) EntryJSON {
	j := EntryJSON{Incident: e.Incident, Seq: e.Seq, At: bot.FormatTime(e.At), OccurredAt: bot.FormatTime(e.OccurredAt), Actor: e.Actor, Kind: e.Kind,
		Text: e.Text, Redacted: e.Redacted, Digest: e.Digest, Hash: e.Hash}
	if e.V >= 2 {
		j.V, j.Data, j.Salt, j.TextCommit = 2, e.Data, e.Salt, e.TextCommit
		if len(j.Data) == 0 {
			j.Data = json.RawMessage("{}")
		}
	}
	return j
}

// TimelineJSON streams the array so a 100,000-entry timeline is never held twice.
func TimelineJSON(w io.Writer, each Entries) error {
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	first := true
	err := each(func(e bot.Entry) error {
		b, err := marshalNoEscape(ToEntryJSON(e))
		if err != nil {
			return err
		}
		sep := ",\n  "
		if first {
			sep, first = "\n  ", false
		}
		_, err = fmt.Fprintf(w, "%s%s", sep, b)
		return err
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n]\n")
	return err
}

func marshalNoEscape(v any) ([]byte, error) {
	var buf jsonBuffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := buf.b
	return b[:len(b)-1], nil
}

type jsonBuffer struct{ b []byte }

func (j *jsonBuffer) Write(p []byte) (int, error) { j.b = append(j.b, p...); return len(p), nil }

// TimelineCSV writes the timeline as CSV with a header row; cells that a spreadsheet would
// run as a formula are defused.
func TimelineCSV(w io.Writer, each Entries) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"seq", "at", "occurred_at", "actor", "kind", "text", "redacted", "digest", "hash"}); err != nil {
		return err
	}
	err := each(func(e bot.Entry) error {
		return cw.Write([]string{strconv.FormatInt(e.Seq, 10), bot.FormatTime(e.At), bot.FormatTime(e.OccurredAt), csvSafe(e.Actor), e.Kind,
			csvSafe(e.Text), strconv.FormatBool(e.Redacted), e.Digest, e.Hash})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses spreadsheet formula injection: a cell that starts with = + - @ is shown as
// text. The JSON export keeps the exact text for verification.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
