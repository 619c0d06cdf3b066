package stdwebhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The header names as net/http keys them. Header.Get canonicalises its argument on every
// call, and for these three names that is a new string each time.
var (
	keyID        = textproto.CanonicalMIMEHeaderKey(HeaderID)
	keyTimestamp = textproto.CanonicalMIMEHeaderKey(HeaderTimestamp)
	keySignature = textproto.CanonicalMIMEHeaderKey(HeaderSignature)
)

// Verifier verifies requests signed with one key, as Key.Verify does. It keeps its keyed
// HMACs for reuse (hmac.New hashes the key into fresh inner and outer states, ~1 µs and
// five allocations a request); a Verifier is safe for concurrent use.
type Verifier struct {
	key  Key
	macs sync.Pool // of *macState
}

// macState is one request's working space: a keyed HMAC, reset between uses, and buffers
// for the signed prefix, the expected MAC and a decoded signature.
type macState struct {
	mac    hash.Hash
	prefix []byte
	want   [sha256.Size]byte
	text   [64]byte // a signature's base64, copied so Decode needs no converted string
	got    [48]byte // its bytes: base64 of 64 characters is at most 48 bytes
}

// maxKeptPrefix bounds the prefix buffer a pooled state keeps: a timestamp may carry any
// number of leading zeros, and one such request must not pin a large buffer.
const maxKeptPrefix = 1024

// Verifier returns a Verifier for k.
func (k Key) Verifier() *Verifier { return &Verifier{key: k} }

// Verify is Key.Verify with the Verifier's key.
func (v *Verifier) Verify(h http.Header, body []byte, now time.Time) (string, error) {
	id, tsText, sigs := first(h, keyID), first(h, keyTimestamp), first(h, keySignature)
	if id == "" || tsText == "" || sigs == "" {
		return "", ErrMissingHeaders
	}
	if len(id) > maxIDLen || strings.IndexFunc(id, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		return "", ErrBadID
	}
	sec, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil || sec < 0 {
		return "", ErrBadTimestamp
	}
	ts := time.Unix(sec, 0)
	if ts.Before(now.Add(-Tolerance)) || ts.After(now.Add(Tolerance)) {
		return "", ErrOutsideWindow
	}
	st := v.state()
	defer v.release(st)
	want := st.sum(id, tsText, body)
	for sig := range strings.FieldsSeq(sigs) {
		version, value, ok := strings.Cut(sig, ",")
		if !ok || version != "v1" {
			continue // another scheme (v1a is asymmetric): not ours to check
		}
		got, err := st.decode(value)
		if err != nil {
			continue
		}
		if hmac.Equal(got, want) {
			return id, nil
		}
	}
	return "", ErrNoMatch
}

// first is h.Get(key) for a key already canonical.
func first(h http.Header, key string) string {
	if vs := h[key]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func (v *Verifier) state() *macState {
	if st, ok := v.macs.Get().(*macState); ok {
		return st
	}
	return &macState{mac: hmac.New(sha256.New, v.key)}
}

func (v *Verifier) release(st *macState) {
	if cap(st.prefix) > maxKeptPrefix {
		st.prefix = nil
	}
	v.macs.Put(st)
}

// sum is the HMAC of id "." ts "." body, as Key.mac computes it.
func (st *macState) sum(id, ts string, body []byte) []byte {
	st.mac.Reset()
	st.prefix = append(append(append(append(st.prefix[:0], id...), '.'), ts...), '.')
	st.mac.Write(st.prefix)
	st.mac.Write(body)
	return st.mac.Sum(st.want[:0])
}

// decode is base64.StdEncoding.DecodeString(s), into the state's buffer when it fits.
func (st *macState) decode(s string) ([]byte, error) {
	if len(s) > len(st.text) {
		return base64.StdEncoding.DecodeString(s)
	}
	n, err := base64.StdEncoding.Decode(st.got[:], st.text[:copy(st.text[:], s)])
	return st.got[:n], err
}
