package webauth

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestTokensAreFreshWellFormedAndHashed(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, hash := NewToken()
		if !WellFormed(tok) || seen[tok] || hash != Hash(tok) || len(hash) != 64 || strings.Contains(hash, tok) {
			t.Fatalf("token %q hash %q", tok, hash)
		}
		seen[tok] = true
	}
	if got := LoginURL("https://w.example/", "abc"); got != "https://w.example/login?token=abc" {
		t.Errorf("LoginURL: %s", got)
	}
}

// FuzzWellFormed: whatever WellFormed accepts is exactly the canonical encoding of 32
// bytes, so nothing but a token warroom could have issued reaches the database.
func FuzzWellFormed(f *testing.F) {
	tok, _ := NewToken()
	f.Add(tok)
	f.Add(tok + "=")
	f.Add(strings.Repeat("A", 43))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if !WellFormed(s) {
			return
		}
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) != 32 || base64.RawURLEncoding.EncodeToString(b) != s {
			t.Fatalf("WellFormed accepted %q", s)
		}
	})
}
