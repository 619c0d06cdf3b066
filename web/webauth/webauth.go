// Package webauth holds the secrets of the web view's sign-in: one-time link tokens and
// session tokens. Both are 32 random bytes, given to the person once and stored only as
// their SHA-256, so someone who reads the database cannot sign in with what they find.
package webauth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"time"
)

const (
	// LinkTTL is how long a sign-in link stays valid (and it works once).
	LinkTTL = 10 * time.Minute
	// SessionTTL is how long a session lasts from sign-in.
	SessionTTL = 12 * time.Hour
	// tokenBytes is the entropy of every token: 256 bits.
	tokenBytes = 32
)

// ErrUsed and ErrExpired say why a sign-in link was refused (besides bot.ErrNotFound for
// one warroom never issued).
var (
	ErrUsed    = errors.New("sign-in link already used")
	ErrExpired = errors.New("sign-in link expired")
)

// NewToken returns a fresh random token (URL-safe, 43 characters) and the hash to store.
func NewToken() (token, hash string) {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, Hash(token)
}

// Hash is the lowercase hex SHA-256 of a token: what the database holds.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// WellFormed reports whether s could be a token warroom issued; anything else is refused
// before it reaches the database.
func WellFormed(s string) bool {
	if len(s) != 43 {
		return false
	}
	// Strict: a lenient decoder also takes strings whose unused last bits are set, so one
	// token would have several spellings.
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == tokenBytes
}

// LoginURL is the sign-in link for token on the web view at base ("https://warroom.example").
func LoginURL(base, token string) string {
	return strings.TrimRight(base, "/") + "/login?token=" + url.QueryEscape(token)
}

// CheckBaseURL validates --web-url: an absolute http or https URL with a host and no
// query or fragment.
func CheckBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("it must start with http:// or https://")
	}
	if u.Host == "" {
		return errors.New("it has no host")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return errors.New("it must not carry a query, a fragment or a user")
	}
	return nil
}
