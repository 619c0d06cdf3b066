package slack

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

func TestVerifier(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Unix(1_700_000_000, 0))
	v := NewVerifier("s3cret", clock)
	good := slackfake.Signer{Secret: "s3cret"}
	body := []byte("command=%2Fincident&text=status")
	signed := func(s slackfake.Signer, at time.Time, b []byte) http.Header {
		h := http.Header{}
		s.Sign(h, at, b)
		return h
	}
	now := clock.Now()

	h := signed(good, now, body)
	if err := v.Verify(h, body); err != nil {
		t.Fatalf("valid request refused: %v", err)
	}
	if err := v.Verify(h, body); !errors.Is(err, ErrReplayed) {
		t.Fatalf("replay: %v", err)
	}
	// The same MAC in upper-case hex is the same request, not a new one.
	upper := h.Clone()
	upper.Set("X-Slack-Signature", "v0="+strings.ToUpper(strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0=")))
	if err := v.Verify(upper, body); !errors.Is(err, ErrReplayed) {
		t.Fatalf("replay in upper case: %v", err)
	}
	for name, tc := range map[string]struct {
		h    http.Header
		body []byte
		want error
	}{
		"forged":        {signed(slackfake.Signer{Secret: "guess"}, now, body), body, ErrBadSignature},
		"tampered body": {signed(good, now.Add(time.Second), body), append([]byte("x"), body...), ErrBadSignature},
		"stale":         {signed(good, now.Add(-6*time.Minute), body), body, ErrStaleTimestamp},
		"future":        {signed(good, now.Add(6*time.Minute), body), body, ErrStaleTimestamp},
		"missing":       {http.Header{}, body, ErrMissingSignature},
		"no timestamp":  {http.Header{"X-Slack-Signature": {"v0=00"}}, body, ErrMissingSignature},
		"bad timestamp": {http.Header{"X-Slack-Signature": {"v0=00"}, "X-Slack-Request-Timestamp": {"soon"}}, body, ErrBadTimestamp},
		"wrong version": {http.Header{"X-Slack-Signature": {"v1=00"}, "X-Slack-Request-Timestamp": {strconv.FormatInt(now.Unix(), 10)}}, body, ErrBadSignature},
		"not hex":       {http.Header{"X-Slack-Signature": {"v0=zz"}, "X-Slack-Request-Timestamp": {strconv.FormatInt(now.Unix(), 10)}}, body, ErrBadSignature},
	} {
		if err := v.Verify(tc.h, tc.body); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	// Inside the window, a signature 4 minutes old is still fine; the replay memory is
	// swept as time passes without forgetting what is still fresh.
	h2 := signed(good, now.Add(-4*time.Minute), []byte("b2"))
	if err := v.Verify(h2, []byte("b2")); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Second)
	if err := v.Verify(h2, []byte("b2")); !errors.Is(err, ErrReplayed) {
		t.Fatalf("replay after sweep: %v", err)
	}
	clock.Advance(2 * time.Minute)
	if err := v.Verify(h2, []byte("b2")); !errors.Is(err, ErrStaleTimestamp) {
		t.Fatalf("old replay: %v", err)
	}
	// The next accepted request sweeps: h2 is forgotten, the first (still fresh) is kept.
	if err := v.Verify(signed(good, clock.Now(), []byte("b3")), []byte("b3")); err != nil {
		t.Fatal(err)
	}
	if len(v.seen) != 2 {
		t.Fatalf("replay memory holds %d signatures, want 2", len(v.seen))
	}
}
