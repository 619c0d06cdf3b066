package slackfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"
)

// Signer produces Slack v0 request signatures:
// X-Slack-Signature = "v0=" + hex(HMAC-SHA256(secret, "v0:"+ts+":"+body)).
type Signer struct {
	Secret string
}

// Signature returns the X-Slack-Signature value for body sent at timestamp ts
// (Unix seconds as a decimal string).
func (s Signer) Signature(ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(s.Secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// Sign sets X-Slack-Request-Timestamp and X-Slack-Signature on h for body
// sent at t. Receivers (slack.NewSecretsVerifier) compare against the real
// clock with a 5-minute window, so t should normally be time.Now().
func (s Signer) Sign(h http.Header, t time.Time, body []byte) {
	ts := strconv.FormatInt(t.Unix(), 10)
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", s.Signature(ts, body))
}

// Headers returns a header set signed for body at the current time.
func (s Signer) Headers(body []byte) http.Header {
	h := http.Header{}
	s.Sign(h, time.Now(), body)
	return h
}
