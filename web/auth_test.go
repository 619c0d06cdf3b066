package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/web/webauth"
)

func sessionCookie(t *testing.T, resp response) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == "warroom_session" {
			return c
		}
	}
	t.Fatalf("no session cookie; Set-Cookie: %v", resp.Header.Values("Set-Cookie"))
	return nil
}

func TestSignInLinkWorksOnceAndSetsAStrictCookie(t *testing.T) {
	s := newSite(t, "")
	token := s.link("alice")
	c := s.client()
	// Opening the link (what a chat client's link preview does too) does not use it.
	for range 2 {
		page := s.get(c, "/login?token="+token)
		if page.StatusCode != 200 || !strings.Contains(page.body, `name="token" value="`+token+`"`) || len(page.Cookies()) != 0 {
			t.Fatalf("GET of the link: %d cookies %v\n%s", page.StatusCode, page.Cookies(), page.body)
		}
	}
	resp := s.post(c, "/login", "token="+token)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("sign-in: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	ck := sessionCookie(t, resp)
	if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" || ck.MaxAge != 12*3600 || ck.Secure {
		t.Errorf("cookie attributes: %+v", ck)
	}
	if home := s.get(c, "/"); home.StatusCode != 200 || !strings.Contains(home.body, "Signed in as <strong>alice</strong>") {
		t.Fatalf("home after sign-in: %d\n%s", home.StatusCode, home.body)
	}
	// The same link again, from anyone: refused, no session.
	again := s.post(s.client(), "/login", "token="+token)
	if again.StatusCode != http.StatusBadRequest || !strings.Contains(again.body, "already used") || len(again.Cookies()) != 0 {
		t.Errorf("reused link: %d %v\n%s", again.StatusCode, again.Cookies(), again.body)
	}
}

func TestForgedLinksAreRefused(t *testing.T) {
	s := newSite(t, "")
	issued := s.link("alice")
	var storedHash string
	if err := s.raw().QueryRow(`SELECT hash FROM web_tokens`).Scan(&storedHash); err != nil {
		t.Fatal(err)
	}
	if storedHash != webauth.Hash(issued) || strings.Contains(storedHash, issued) {
		t.Fatalf("the table must hold the SHA-256 of the link, not the link: %q", storedHash)
	}
	never, _ := webauth.NewToken()
	flipped := []byte(issued)
	flipped[10] ^= 1
	for name, tok := range map[string]string{
		"never issued":        never,
		"one bit changed":     string(flipped),
		"the stored hash":     storedHash, // an insider who read the table
		"malformed":           "abc",
		"empty":               "",
		"sql":                 "' OR 1=1 --",
		"too long":            issued + "A",
		"valid but url-mixed": url.QueryEscape(issued + "%00"),
	} {
		resp := s.post(s.client(), "/login", "token="+url.QueryEscape(tok))
		if resp.StatusCode != http.StatusBadRequest || len(resp.Cookies()) != 0 {
			t.Errorf("%s: %d %v", name, resp.StatusCode, resp.Cookies())
		}
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM web_sessions`); n != 0 {
		t.Errorf("%d sessions from forged links", n)
	}
	// The real link still works: failed attempts did not burn it.
	s.post(s.client(), "/login", "token="+issued)
	if n := countRows(t, s, `SELECT COUNT(*) FROM web_sessions`); n != 1 {
		t.Errorf("the issued link did not sign in: %d sessions", n)
	}
}

func TestExpiredLinkIsRefused(t *testing.T) {
	s := newSite(t, "")
	early := s.link("alice")
	late := s.link("bob")
	s.clock.Advance(webauth.LinkTTL - time.Second)
	if resp := s.post(s.client(), "/login", "token="+early); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a link one second before expiry: %d", resp.StatusCode)
	}
	s.clock.Advance(time.Second)
	resp := s.post(s.client(), "/login", "token="+late)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(resp.body, "expired") || len(resp.Cookies()) != 0 {
		t.Errorf("an expired link: %d %v\n%s", resp.StatusCode, resp.Cookies(), resp.body)
	}
}

func TestWithoutAValidSessionEveryPageRedirectsToLogin(t *testing.T) {
	s := newSite(t, "")
	s.declare("alice", "Phishing wave")
	good := s.signIn("alice")
	u, _ := url.Parse(s.http.URL)
	cookie := good.Jar.Cookies(u)[0].Value
	var hash string
	if err := s.raw().QueryRow(`SELECT hash FROM web_sessions`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if hash != webauth.Hash(cookie) {
		t.Fatalf("the session table must hold the cookie's SHA-256")
	}
	tampered := []byte(cookie)
	tampered[0] ^= 2
	paths := []string{"/", "/stats", "/incidents/INC-1", "/incidents/INC-1/report.md", "/incidents/INC-1/timeline.csv",
		"/incidents/INC-1/events", "/incidents/INC-99", "/nonsense"}
	for name, value := range map[string]string{"missing": "", "tampered": string(tampered), "the stored hash": hash, "garbage": "x;y"} {
		for _, p := range paths {
			req, _ := http.NewRequest("GET", s.http.URL+p, nil)
			if value != "" {
				req.Header.Set("Cookie", "warroom_session="+value)
			}
			resp, err := s.client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
				t.Errorf("%s cookie, %s: %d %q", name, p, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
	}
	if page := s.get(s.client(), "/login"); !strings.Contains(page.body, "/incident web") || !strings.Contains(page.body, "warroom web-login") {
		t.Errorf("/login must explain how to get a link:\n%s", page.body)
	}
	// A session ends after 12 hours.
	s.clock.Advance(webauth.SessionTTL)
	if resp := s.get(good, "/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a 12-hour-old session: %d", resp.StatusCode)
	}
}

func TestRevokedAndSignedOutSessionsAreRefused(t *testing.T) {
	s := newSite(t, "")
	alice, alice2, bob := s.signIn("alice"), s.signIn("alice"), s.signIn("bob")
	pending := s.link("alice")
	// What `warroom web-logout alice` does.
	var ended int
	if err := s.db.Update(s.ctx, func(tx *storage.Tx) (err error) {
		ended, err = tx.RevokeWebAccess("alice", s.clock.Now())
		return err
	}); err != nil || ended != 2 {
		t.Fatalf("revoke: %d %v", ended, err)
	}
	for _, c := range []*http.Client{alice, alice2} {
		if resp := s.get(c, "/"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("a revoked session: %d", resp.StatusCode)
		}
	}
	if resp := s.post(s.client(), "/login", "token="+pending); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an unused link of a signed-out person still signs in: %d", resp.StatusCode)
	}
	if resp := s.get(bob, "/"); resp.StatusCode != 200 {
		t.Errorf("bob's session ended too: %d", resp.StatusCode)
	}
	// Sign-out: the cookie is cleared and, replayed, no longer works.
	u, _ := url.Parse(s.http.URL)
	old := bob.Jar.Cookies(u)[0].Value
	out := s.post(bob, "/logout", "")
	if out.StatusCode != http.StatusSeeOther || out.Header.Get("Location") != "/login" {
		t.Fatalf("sign-out: %d", out.StatusCode)
	}
	replay := s.client()
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: "warroom_session", Value: old}})
	if resp := s.get(replay, "/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a signed-out cookie, replayed: %d", resp.StatusCode)
	}
}

func TestSignInIsRateLimited(t *testing.T) {
	s := newSite(t, "")
	c := s.client()
	forged, _ := webauth.NewToken()
	for i := range 10 {
		if resp := s.post(c, "/login", "token="+forged); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
		}
	}
	real := s.link("alice")
	resp := s.post(c, "/login", "token="+real)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || len(resp.Cookies()) != 0 {
		t.Fatalf("the 11th attempt: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp := s.get(c, "/login?token="+real); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("opening a link while limited: %d", resp.StatusCode)
	}
	// The refused attempt did not use the link; once the bucket refills it works.
	s.clock.Advance(7 * time.Second)
	if resp := s.post(c, "/login", "token="+real); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after waiting: %d %s", resp.StatusCode, resp.body)
	}
}

func TestFormsFromAnotherSiteAreRefused(t *testing.T) {
	s := newSite(t, "")
	token := s.link("alice")
	for _, h := range []map[string]string{
		{"Origin": "https://evil.example"},
		{"Origin": "null", "Sec-Fetch-Site": "cross-site"},
	} {
		req, _ := http.NewRequest("POST", s.http.URL+"/login", strings.NewReader("token="+token))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := s.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
			t.Errorf("%v: %d", h, resp.StatusCode)
		}
	}
	// The browser's own form (same origin; Origin: null under no-referrer) signs in.
	req, _ := http.NewRequest("POST", s.http.URL+"/login", strings.NewReader("token="+token))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.http.URL)
	resp, err := s.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("same-origin form: %d", resp.StatusCode)
	}
}

func countRows(t *testing.T, s *site, q string) int {
	t.Helper()
	var n int
	if err := s.raw().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
