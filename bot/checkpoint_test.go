package bot

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

func TestCheckpointSignAndParse(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	c := SignCheckpoint(Checkpoint{Incident: "INC-7", Seq: 42, Hash: strings.Repeat("ab", 32), At: time.Date(2026, 3, 1, 9, 0, 0, 5, time.UTC)}, priv)
	if got := string(c.SignedBytes()); got != `{"incident":"INC-7","seq":42,"hash":"`+strings.Repeat("ab", 32)+`","at":"2026-03-01T09:00:00.000000005Z"}` {
		t.Fatalf("signed bytes %s", got)
	}
	back, err := ParseCheckpointLine("🔏 pasted from chat: " + c.Line() + " (end)")
	if err != nil || back.Line() != c.Line() || !back.VerifySignature(pub) {
		t.Fatalf("round trip: %v %+v", err, back)
	}
	back.Seq++
	if back.VerifySignature(pub) {
		t.Fatal("a changed checkpoint still verifies")
	}
	k, err := ParsePublicKey(FormatPublicKey(pub))
	if err != nil || !k.Equal(pub) {
		t.Fatalf("public key round trip: %v", err)
	}
	for _, bad := range []string{"", "ed25519:", "ed25519:AAAA", "rsa:" + FormatPublicKey(pub)[8:]} {
		if _, err := ParsePublicKey(bad); err == nil {
			t.Errorf("%q accepted as a public key", bad)
		}
	}
}

func FuzzParseCheckpointLine(f *testing.F) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	f.Add(SignCheckpoint(Checkpoint{Incident: "INC-1", Seq: 3, Hash: strings.Repeat("0", 64), At: time.Unix(0, 0)}, priv).Line())
	f.Add(`{"incident":"INC-1","seq":-1}`)
	f.Add("no checkpoint {")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCheckpointLine(s)
		if err != nil {
			return
		}
		// Whatever parses is a well-formed checkpoint that reads back to itself.
		if c.Seq <= 0 || len(c.Hash) != 64 || c.Sig == "" {
			t.Fatalf("accepted %+v", c)
		}
		again, err := ParseCheckpointLine(c.Line())
		if err != nil || again.Line() != c.Line() {
			t.Fatalf("%q does not read back: %v", c.Line(), err)
		}
	})
}
