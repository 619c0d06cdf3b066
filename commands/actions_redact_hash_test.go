package commands

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// The call's entry records the SHA-256 of the body warroom sent, and the body is built
// from the run's parameters and values everyone in the incident knows (its id, the run's
// number). After `redact run`, an attacker who reads the timeline (the web view, an
// export) and knows the action's template hashes candidate addresses — 2^32 of them at
// most, a /24 at once — until one matches: the hash must go with the parameters.
func TestActionRedactionRemovesTheBodyHash(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	const ip = "203.0.113.7"
	h.mustSay("alice", ch, "run block-ip "+ip, "waiting")
	h.mustSay("bob", ch, "approve 1", "queued")
	h.step()
	h.flush()
	if len(h.rc.bodies) != 1 {
		t.Fatalf("%d calls, want 1", len(h.rc.bodies))
	}
	sum := sha256.Sum256([]byte(h.rc.bodies[0]))
	bodyHash := hex.EncodeToString(sum[:])
	if len(h.everywhere(t, bodyHash)) == 0 {
		t.Fatal("the body's hash is nowhere before the redaction: the test would prove nothing")
	}
	h.mustSay("bob", ch, "redact run 1 the address is confidential", "redacted")
	h.flush()
	if where := h.everywhere(t, bodyHash); len(where) != 0 {
		t.Fatalf("the body's hash is still in %v", where)
	}
	// The attack itself: hash the template over the /24 and look for a match.
	for _, e := range h.entries(1) {
		for i := 0; i < 256; i++ {
			cand := fmt.Sprintf(`{"ip": "203.0.113.%d", "incident": "INC-1", "run": 1}`, i)
			s := sha256.Sum256([]byte(cand))
			if strings.Contains(e.Text, hex.EncodeToString(s[:])) {
				t.Fatalf("entry %d gives the address away: %s", e.Seq, cand)
			}
		}
	}
	if v := h.verify(1); !v.OK {
		t.Fatalf("verify after the redaction: %+v", v)
	}
}
