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

// FormatTime writes t the way the timeline exports it (by hand for years 0–9999, which
// time.Format writes the same way: canonical.go).
func FormatTime(t time.Time) string {
	var buf [len(TimeFormat)]byte
	if b, ok := appendTime(buf[:0], t); ok {
		return string(b)
	}
	return formatTimeSlow(t)
}

func formatTimeSlow(t time.Time) string { return t.UTC().Format(TimeFormat) }

// ParseTime reads a time written by FormatTime (or any RFC 3339 time).
func ParseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// canonicalV1 fixes the key order of a first-release entry (docs/chain.md, version 1).
type canonicalV1 struct {
	Incident   string `json:"incident"`
	Seq        int64  `json:"seq"`
	At         string `json:"at"`
	OccurredAt string `json:"occurred_at"`
	Actor      string `json:"actor"`
	Kind       string `json:"kind"`
	Text       string `json:"text"`
}

// canonicalV2 fixes the key order of a version 2 entry: the text itself is left out and
// committed to by text_commit, so a redaction removes it without breaking the digest.
type canonicalV2 struct {
	V          int             `json:"v"`
	Incident   string          `json:"incident"`
	Seq        int64           `json:"seq"`
	At         string          `json:"at"`
	OccurredAt string          `json:"occurred_at"`
	Actor      string          `json:"actor"`
	Kind       string          `json:"kind"`
	Data       json.RawMessage `json:"data"`
	TextCommit string          `json:"text_commit"`
}

// CanonicalEntry is the exact byte string whose SHA-256 is the entry's digest (docs/chain.md).
// Version 1: {"incident","seq","at","occurred_at","actor","kind","text"}. Version 2:
// {"v":2,"incident","seq","at","occurred_at","actor","kind","data","text_commit"}. In that
// order, no spaces, HTML escaping off — the values as `warroom timeline --json` exports them.
func CanonicalEntry(e Entry) []byte {
	if e.V >= 2 {
		if b, ok := canonicalV2Fast(e); ok {
			return b
		}
	}
	return canonicalSlow(e)
}

// canonicalSlow is CanonicalEntry through encoding/json: every version 1 entry, and a
// version 2 entry with a value canonicalV2Fast leaves to it.
func canonicalSlow(e Entry) []byte {
	var v any = canonicalV1{
		Incident: e.Incident, Seq: e.Seq, At: FormatTime(e.At), OccurredAt: FormatTime(e.OccurredAt),
		Actor: e.Actor, Kind: e.Kind, Text: e.Text,
	}
	if e.V >= 2 {
		data := e.Data
		if len(data) == 0 {
			data = json.RawMessage("{}")
		}
		v = canonicalV2{V: 2, Incident: e.Incident, Seq: e.Seq, At: FormatTime(e.At), OccurredAt: FormatTime(e.OccurredAt),
			Actor: e.Actor, Kind: e.Kind, Data: data, TextCommit: e.TextCommit}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only malformed stored data can fail here; its digest then never matches.
		return []byte("invalid entry: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// EntryDigest is the lowercase hex SHA-256 of the canonical entry.
func EntryDigest(e Entry) string {
	sum := sha256.Sum256(CanonicalEntry(e))
	return hex.EncodeToString(sum[:])
}

// TextCommit is the lowercase hex SHA-256 of the raw salt bytes followed by the UTF-8 text.
// saltHex is the salt as exported (32 hex characters); a malformed salt commits to nothing.
func TextCommit(saltHex, text string) string {
	salt, err := hex.DecodeString(saltHex)
	if err != nil || len(salt) != SaltSize {
		return ""
	}
	sum := sha256.Sum256(append(salt, text...))
	return hex.EncodeToString(sum[:])
}

// SaltSize is the length in bytes of an entry's text salt.
const SaltSize = 16

// ChainHash links an entry to its predecessor: hex SHA-256 of the ASCII prev-hash + digest.
func ChainHash(prev, digest string) string {
	sum := sha256.Sum256([]byte(prev + digest))
	return hex.EncodeToString(sum[:])
}

// Seal fills e.TextCommit (version 2, whose Salt must be set), e.Digest and e.Hash given the
// previous entry's hash.
func Seal(e *Entry, prev string) {
	if e.V >= 2 {
		e.TextCommit = TextCommit(e.Salt, e.Text)
	}
	e.Digest = EntryDigest(*e)
	e.Hash = ChainHash(prev, e.Digest)
}
