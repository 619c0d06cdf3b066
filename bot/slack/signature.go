package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Slack signs every HTTP request: X-Slack-Signature = "v0=" + hex(HMAC-SHA256(secret,
// "v0:" + X-Slack-Request-Timestamp + ":" + body)). slack-go's SecretsVerifier reads the
// wall clock and keeps no memory of what it accepted, so warroom checks signatures itself:
// with the injected clock, and refusing a request seen before within the window (a
// captured request replayed by someone on the path).

// SignatureWindow is how far a request's timestamp may be from now, either way.
const SignatureWindow = 5 * time.Minute

// Reasons a request is refused. They are safe to log: none carries a secret or the
// signature itself.
var (
	ErrMissingSignature = errors.New("missing X-Slack-Signature or X-Slack-Request-Timestamp")
	ErrBadTimestamp     = errors.New("malformed X-Slack-Request-Timestamp")
	ErrStaleTimestamp   = errors.New("timestamp outside the 5-minute window")
	ErrBadSignature     = errors.New("signature does not match")
	ErrReplayed         = errors.New("request replayed within the 5-minute window")
)

// Verifier checks Slack request signatures and remembers the ones it accepted for the
// window, so each signed request is processed at most once.
type Verifier struct {
	secret []byte
	clock  clockwork.Clock

	mu        sync.Mutex
	seen      map[string]time.Time // signature → when it may be forgotten
	nextSweep time.Time
}

// NewVerifier returns a verifier for the app's signing secret.
func NewVerifier(secret string, clock clockwork.Clock) *Verifier {
	return &Verifier{secret: []byte(secret), clock: clock, seen: map[string]time.Time{}}
}

// Verify checks one request's headers against its raw body. Only a request that passes
// every check is remembered, so nobody without the secret can fill the replay memory.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	sig, tsText := h.Get("X-Slack-Signature"), h.Get("X-Slack-Request-Timestamp")
	if sig == "" || tsText == "" {
		return ErrMissingSignature
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil || len(tsText) > 12 {
		return ErrBadTimestamp
	}
	now := v.clock.Now()
	if d := now.Sub(time.Unix(ts, 0)); d > SignatureWindow || d < -SignatureWindow {
		return ErrStaleTimestamp
	}
	got, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return ErrBadSignature
	}
	gotMAC, err := hex.DecodeString(got)
	if err != nil {
		return ErrBadSignature
	}
	mac := hmac.New(sha256.New, v.secret)
	mac.Write([]byte("v0:" + tsText + ":"))
	mac.Write(body)
	if !hmac.Equal(gotMAC, mac.Sum(nil)) {
		return ErrBadSignature
	}
	return v.remember(hex.EncodeToString(gotMAC), time.Unix(ts, 0).Add(SignatureWindow), now)
}

// remember records an accepted signature until its timestamp leaves the window (after
// that the freshness check refuses it anyway). Check and insert happen under one lock, so
// two copies of a request racing in are not both accepted.
func (v *Verifier) remember(sig string, until, now time.Time) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if now.After(v.nextSweep) {
		for k, exp := range v.seen {
			if now.After(exp) {
				delete(v.seen, k)
			}
		}
		v.nextSweep = now.Add(time.Minute)
	}
	if exp, ok := v.seen[sig]; ok && !now.After(exp) {
		return ErrReplayed
	}
	v.seen[sig] = until
	return nil
}
