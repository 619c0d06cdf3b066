package stdwebhook

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// A Verifier reuses its HMACs and buffers, so nothing of one request may reach the next:
// one Verifier answers a mixed run of good and refused requests, each twice and in both
// orders, exactly as a fresh Key.Verify does; a long signature and a timestamp of 2,000
// digits (leading zeros, still a valid Unix time) take the ways around its buffers.
func TestAVerifierAnswersAsKeyVerifyRequestAfterRequest(t *testing.T) {
	k := vectorKey(t)
	at := time.Unix(vectorTS, 0)
	longTS := strings.Repeat("0", 2000) + strconv.Itoa(vectorTS)
	longSig := "v1," + base64.StdEncoding.EncodeToString(k.mac(vectorID, longTS, []byte(vectorBody)))
	type req struct {
		sig, ts, body string
		want          error
	}
	reqs := []req{
		{vectorSig, "", vectorBody, nil},
		{vectorSig, "", `{"test": 2432232315}`, ErrNoMatch},
		{"v1," + strings.Repeat("A", 200) + " " + vectorSig, "", vectorBody, nil},
		{"v1," + strings.Repeat("A", 200), "", vectorBody, ErrNoMatch},
		{"v1,!!! v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE", "", vectorBody, ErrNoMatch},
		{longSig, longTS, vectorBody, nil},
		{vectorSig, longTS, vectorBody, ErrNoMatch},
		{"v1," + strings.TrimSuffix(strings.TrimPrefix(vectorSig, "v1,"), "="), "", vectorBody, ErrNoMatch},
	}
	v := k.Verifier()
	run := func(r req) {
		t.Helper()
		h := vectorHeaders(r.sig)
		if r.ts != "" {
			h.Set(HeaderTimestamp, r.ts)
		}
		id, err := v.Verify(h, []byte(r.body), at)
		kid, kerr := k.Verify(h, []byte(r.body), at)
		if !errors.Is(err, r.want) || id != kid || !errors.Is(err, kerr) || (err == nil && id != vectorID) {
			t.Fatalf("sig %.50q ts %.20q body %q: Verifier %q %v, Key.Verify %q %v, want %v", r.sig, r.ts, r.body, id, err, kid, kerr, r.want)
		}
	}
	for _, a := range reqs {
		for _, b := range reqs {
			run(a)
			run(b)
			run(a)
		}
	}
}

// Requests verified at once share the Verifier's pool (run with -race).
func TestAVerifierIsSafeForConcurrentUse(t *testing.T) {
	k := vectorKey(t)
	v := k.Verifier()
	at := time.Unix(vectorTS, 0)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				body := vectorBody
				if (g+i)%2 == 1 {
					body = `{"test": ` + strconv.Itoa(i) + `}`
				}
				_, err := v.Verify(vectorHeaders(vectorSig), []byte(body), at)
				if (body == vectorBody) != (err == nil) {
					errs <- fmt.Sprintf("%s: %v", body, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
