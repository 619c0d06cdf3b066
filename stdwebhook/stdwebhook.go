// Package stdwebhook signs and verifies HTTP webhooks by the Standard Webhooks scheme
// (standardwebhooks.com, v1 symmetric): three headers, `webhook-id`, `webhook-timestamp`
// (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256(key, id "." timestamp "."
// body)>`, with several space-separated signatures allowed so a key can be rotated.
//
// warroom verifies incoming alerts with it and signs its outgoing calls with it, so both
// directions share one implementation and one test vector.
package stdwebhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The header names (HTTP header names are case-insensitive; these are the spec's spelling).
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// Tolerance is how far a timestamp may be from the receiver's clock, either way.
const Tolerance = 5 * time.Minute

// secretPrefix marks a secret written as base64 key bytes.
const secretPrefix = "whsec_"

// maxIDLen bounds webhook-id: it is stored to refuse replays.
const maxIDLen = 256

// Errors a verification reports. Each is distinct so a receiver can count them; none
// carries the secret or the expected signature.
var (
	ErrMissingHeaders = errors.New("missing webhook-id, webhook-timestamp or webhook-signature header")
	ErrBadID          = errors.New("webhook-id is too long or contains characters other than printable ASCII")
	ErrBadTimestamp   = errors.New("webhook-timestamp is not a Unix time in seconds")
	ErrOutsideWindow  = errors.New("webhook-timestamp is more than 5 minutes from the receiver's clock")
	ErrNoMatch        = errors.New("no webhook-signature matches the body")
)

// Key is a decoded signing key.
type Key []byte

// MinKeyLen is the shortest signing key taken, in bytes. One captured request carries the
// id, timestamp, body and signature, so a short key is found offline and then signs
// anything; the spec asks for 24 to 64 random bytes, and bearer tokens need 16 characters.
const MinKeyLen = 16

// ParseSecret reads a secret as the spec writes it: "whsec_" followed by the base64 key
// bytes, or any other string taken as the raw key bytes. An empty key, a key shorter than
// MinKeyLen, or a whsec_ secret that is not base64, is an error (naming neither the secret
// nor its bytes).
func ParseSecret(s string) (Key, error) {
	k := Key(s)
	if rest, ok := strings.CutPrefix(s, secretPrefix); ok {
		b, err := base64.StdEncoding.DecodeString(rest)
		if err != nil {
			return nil, errors.New("a secret starting with whsec_ must continue in standard base64")
		}
		k = Key(b)
	}
	switch {
	case len(k) == 0:
		return nil, errors.New("the secret is empty")
	case len(k) < MinKeyLen:
		return nil, fmt.Errorf("the secret's key is %d bytes; use at least %d (24 to 64 random bytes, as the Standard Webhooks spec asks)", len(k), MinKeyLen)
	}
	return k, nil
}

// Sign returns the "v1,<base64>" signature of body sent as id at ts.
func (k Key) Sign(id string, ts time.Time, body []byte) string {
	return "v1," + base64.StdEncoding.EncodeToString(k.mac(id, strconv.FormatInt(ts.Unix(), 10), body))
}

func (k Key) mac(id, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// SetHeaders signs body and sets the three headers on h (for a sender).
func (k Key) SetHeaders(h http.Header, id string, ts time.Time, body []byte) {
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, k.Sign(id, ts, body))
}

// Verify checks h's signature of body against k, with the timestamp within Tolerance of
// now. It returns the webhook-id, which the receiver must remember to refuse a replay. A
// receiver that verifies many requests with one key keeps a Verifier instead.
func (k Key) Verify(h http.Header, body []byte, now time.Time) (string, error) {
	return (&Verifier{key: k}).Verify(h, body, now)
}

// String never shows the key.
func (k Key) String() string { return fmt.Sprintf("stdwebhook.Key(%d bytes)", len(k)) }
