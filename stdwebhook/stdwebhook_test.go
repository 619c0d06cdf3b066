package stdwebhook

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The specification's published test vector (standard-webhooks, libraries' sign tests).
const (
	vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTS     = 1614265330
	vectorBody   = `{"test": 2432232314}`
	vectorSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func vectorKey(t *testing.T) Key {
	t.Helper()
	k, err := ParseSecret(vectorSecret)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSignMatchesTheSpecVector(t *testing.T) {
	if got := vectorKey(t).Sign(vectorID, time.Unix(vectorTS, 0), []byte(vectorBody)); got != vectorSig {
		t.Fatalf("Sign = %s, want %s", got, vectorSig)
	}
}

func vectorHeaders(sig string) http.Header {
	h := http.Header{}
	h.Set(HeaderID, vectorID)
	h.Set(HeaderTimestamp, strconv.Itoa(vectorTS))
	h.Set(HeaderSignature, sig)
	return h
}

func TestVerifyTheSpecVector(t *testing.T) {
	k := vectorKey(t)
	now := time.Unix(vectorTS, 0)
	id, err := k.Verify(vectorHeaders(vectorSig), []byte(vectorBody), now)
	if err != nil || id != vectorID {
		t.Fatalf("Verify = %q, %v", id, err)
	}
	// Rotation: several signatures, one of them good, others of unknown versions.
	multi := "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1a,xyz " + vectorSig
	if _, err := k.Verify(vectorHeaders(multi), []byte(vectorBody), now); err != nil {
		t.Fatalf("multi-signature header: %v", err)
	}
}

func TestVerifyRefuses(t *testing.T) {
	k := vectorKey(t)
	at := time.Unix(vectorTS, 0)
	cases := []struct {
		name string
		h    http.Header
		body string
		now  time.Time
		want error
	}{
		{"tampered body", vectorHeaders(vectorSig), `{"test": 2432232315}`, at, ErrNoMatch},
		{"other signature", vectorHeaders("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="), vectorBody, at, ErrNoMatch},
		{"v2 only", vectorHeaders(strings.Replace(vectorSig, "v1,", "v2,", 1)), vectorBody, at, ErrNoMatch},
		{"not base64", vectorHeaders("v1,!!!"), vectorBody, at, ErrNoMatch},
		{"too old", vectorHeaders(vectorSig), vectorBody, at.Add(Tolerance + time.Second), ErrOutsideWindow},
		{"from the future", vectorHeaders(vectorSig), vectorBody, at.Add(-Tolerance - time.Second), ErrOutsideWindow},
		{"no id", func() http.Header { h := vectorHeaders(vectorSig); h.Del(HeaderID); return h }(), vectorBody, at, ErrMissingHeaders},
		{"no signature", func() http.Header { h := vectorHeaders(vectorSig); h.Del(HeaderSignature); return h }(), vectorBody, at, ErrMissingHeaders},
		{"timestamp in ms", func() http.Header { h := vectorHeaders(vectorSig); h.Set(HeaderTimestamp, "1614265330x"); return h }(), vectorBody, at, ErrBadTimestamp},
		{"id with a space", func() http.Header { h := vectorHeaders(vectorSig); h.Set(HeaderID, "a b"); return h }(), vectorBody, at, ErrBadID},
	}
	for _, c := range cases {
		if _, err := k.Verify(c.h, []byte(c.body), c.now); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	// The edges of the window are inside it.
	if _, err := k.Verify(vectorHeaders(vectorSig), []byte(vectorBody), at.Add(Tolerance)); err != nil {
		t.Errorf("exactly 5 minutes old: %v", err)
	}
}

func TestParseSecret(t *testing.T) {
	raw, err := ParseSecret("correct horse battery staple")
	if err != nil || string(raw) != "correct horse battery staple" {
		t.Fatalf("raw secret = %q, %v", raw, err)
	}
	for _, bad := range []string{"", "whsec_", "whsec_not*base64", "hunter2", "fifteen-bytes!!", "whsec_eA=="} {
		if _, err := ParseSecret(bad); err == nil {
			t.Errorf("ParseSecret(%q) accepted", bad)
		} else if len(bad) > 6 && strings.Contains(err.Error(), bad) {
			t.Errorf("the error shows the secret: %v", err)
		}
	}
	if _, err := ParseSecret("sixteen-bytes!!!"); err != nil {
		t.Errorf("a 16-byte secret: %v", err)
	}
	if s := vectorKey(t).String(); strings.Contains(s, "MfKQ") {
		t.Errorf("String shows the key: %s", s)
	}
}

func TestSetHeadersRoundTrip(t *testing.T) {
	k, _ := ParseSecret("raw-secret-of-16-bytes")
	h := http.Header{}
	now := time.Unix(1_800_000_000, 0)
	k.SetHeaders(h, "msg_1", now, []byte("body"))
	if id, err := k.Verify(h, []byte("body"), now.Add(time.Minute)); err != nil || id != "msg_1" {
		t.Fatalf("round trip: %q %v", id, err)
	}
	other, _ := ParseSecret("other-secret-of-16-bytes")
	if _, err := other.Verify(h, []byte("body"), now); !errors.Is(err, ErrNoMatch) {
		t.Fatalf("another key verified: %v", err)
	}
}
