package bot

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// GenesisHash is the "previous hash" of an incident's first timeline entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// TimeFormat is how entry times are written in the timeline export and in the canonical
// entry: RFC 3339, UTC, always nine fractional digits so the text never changes shape.
const TimeFormat = "2006-01-02T15:04:05.000000000Z"

// FormatTime writes t the way the timeline exports it.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// ParseTime reads a time written by FormatTime (or any RFC 3339 time).
func ParseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// canonicalEntry fixes the key order of the digested object (DESIGN.md §3).
type canonicalEntry struct {
	Incident   string `json:"incident"`
	Seq        int64  `json:"seq"`
	At         string `json:"at"`
	OccurredAt string `json:"occurred_at"`
	Actor      string `json:"actor"`
	Kind       string `json:"kind"`
	Text       string `json:"text"`
}

// CanonicalEntry is the exact byte string whose SHA-256 is the entry's digest: the JSON object
// {"incident","seq","at","occurred_at","actor","kind","text"} in that order, no spaces, HTML
// escaping off — the values as `warroom timeline --json` exports them.
func CanonicalEntry(e Entry) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(canonicalEntry{
		Incident: e.Incident, Seq: e.Seq, At: FormatTime(e.At), OccurredAt: FormatTime(e.OccurredAt),
		Actor: e.Actor, Kind: e.Kind, Text: e.Text,
	})
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// EntryDigest is the lowercase hex SHA-256 of the canonical entry.
func EntryDigest(e Entry) string {
	sum := sha256.Sum256(CanonicalEntry(e))
	return hex.EncodeToString(sum[:])
}

// ChainHash links an entry to its predecessor: hex SHA-256 of the ASCII prev-hash + digest.
func ChainHash(prev, digest string) string {
	sum := sha256.Sum256([]byte(prev + digest))
	return hex.EncodeToString(sum[:])
}

// Seal fills e.Digest and e.Hash given the previous entry's hash.
func Seal(e *Entry, prev string) {
	e.Digest = EntryDigest(*e)
	e.Hash = ChainHash(prev, e.Digest)
}
