package web_test

import (
	"bufio"
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/storage"
)

var wantHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "no-referrer",
	"X-Frame-Options":         "DENY",
}

func TestEveryResponseCarriesTheSecurityHeaders(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Phishing wave")
	s.cmd("alice", ch, "note <script>alert(1)</script> <img src=x onerror=alert(2)> from 203.0.113.7")
	alice := s.signIn("alice")
	anon := s.client()
	forged := strings.Repeat("A", 43)
	checks := []struct {
		c      *http.Client
		method string
		path   string
		status int
	}{
		{anon, "GET", "/login", 200},
		{anon, "GET", "/login?token=" + forged, 200},
		{anon, "POST", "/login", 400},
		{anon, "GET", "/", 303},
		{anon, "GET", "/static/app.css", 200},
		{anon, "GET", "/static/app.js", 200},
		{anon, "GET", "/static/", 404},
		{alice, "GET", "/", 200},
		{alice, "GET", "/stats", 200},
		{alice, "GET", "/incidents/INC-1", 200},
		{alice, "GET", "/incidents/INC-1?kind=note&q=x", 200},
		{alice, "GET", "/incidents/INC-1/report.html", 200},
		{alice, "GET", "/incidents/INC-1/timeline.csv", 200},
		{alice, "GET", "/incidents/INC-2", 404},
		{alice, "GET", "/stats?since=yesterday", 400},
		{alice, "DELETE", "/incidents/INC-1", 404},
		{alice, "POST", "/logout", 303},
	}
	for _, c := range checks {
		req, _ := http.NewRequest(c.method, s.http.URL+c.path, nil)
		resp, err := c.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, resp.StatusCode, c.status)
		}
		for k, v := range wantHeaders {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s %s: %s = %q, want %q", c.method, c.path, k, got, v)
			}
		}
		if ct := resp.Header.Get("Content-Type"); ct == "" && resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s %s: no Content-Type", c.method, c.path)
		}
	}
	// The rate limit's answer too.
	for range 12 {
		resp := s.post(anon, "/login", "token="+forged)
		if resp.StatusCode == http.StatusTooManyRequests {
			for k, v := range wantHeaders {
				if resp.Header.Get(k) != v {
					t.Errorf("429: %s missing", k)
				}
			}
		}
	}
}

var (
	scriptTag   = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)
	handlerAttr = regexp.MustCompile(`(?i)<[^>]+\son[a-z]+\s*=`)
	styleAttr   = regexp.MustCompile(`(?i)<[^>]+\sstyle\s*=`)
	externalRef = regexp.MustCompile(`(?i)(src|href|action)\s*=\s*"(https?:)?//`)
)

// TestPagesHaveNoInlineScriptAndFetchNothingElsewhere checks what the CSP enforces, so a
// page that would break under it (or rely on a CDN) fails here rather than in a browser.
func TestPagesHaveNoInlineScriptAndFetchNothingElsewhere(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Phishing <b>wave</b>")
	s.cmd("alice", ch, `note "><script>alert(1)</script><svg onload=alert(2)> hxxp://evil[.]example/x 203.0.113.7`)
	s.cmd("alice", ch, "task add reset the passwords")
	alice := s.signIn("alice")
	for _, p := range []string{"/login", "/", "/stats", "/incidents/INC-1", "/incidents/INC-1?q=%22%3E%3Cscript%3E"} {
		body := s.get(alice, p).body
		for _, m := range scriptTag.FindAllStringSubmatch(body, -1) {
			if !strings.Contains(m[1], `src="/static/`) || strings.TrimSpace(m[2]) != "" {
				t.Errorf("%s: inline or foreign script %q", p, m[0])
			}
		}
		if m := handlerAttr.FindString(body); m != "" {
			t.Errorf("%s: an event handler attribute: %q", p, m)
		}
		if m := styleAttr.FindString(body); m != "" {
			t.Errorf("%s: a style attribute (blocked by the CSP): %q", p, m)
		}
		if m := externalRef.FindString(body); m != "" {
			t.Errorf("%s: a reference to another site: %q", p, m)
		}
	}
	page := s.get(alice, "/incidents/INC-1").body
	if !strings.Contains(page, "evil[.]example") || !strings.Contains(page, `data-copy="hxxp://evil[.]example/x"`) {
		t.Error("the indicators are not listed defanged with a copy button")
	}
	if !strings.Contains(page, "Phishing &lt;b&gt;wave&lt;/b&gt;") {
		t.Error("the title is not escaped")
	}
}

func TestLiveEventsCarryNewEntries(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Phishing wave")
	alice := s.signIn("alice")
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.http.URL+"/incidents/INC-1/events", nil)
	alice.Timeout = 0
	resp, err := alice.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := bufio.NewScanner(resp.Body)
	lines.Scan() // retry:
	// The stream starts from the head at connection: the note committed now is sent.
	s.cmd("alice", ch, "note token xoxb-1234567890-abcdefghijklmnop found in the repo")
	var got []string
	for lines.Scan() {
		got = append(got, lines.Text())
		if strings.HasPrefix(lines.Text(), "data: ") && strings.Contains(lines.Text(), "found in the repo") {
			break
		}
	}
	joined := strings.Join(got, "\n")
	if !strings.Contains(joined, "event: entry") || !strings.Contains(joined, `"kind":"note"`) {
		t.Fatalf("no note event:\n%s", joined)
	}
	if strings.Contains(joined, "abcdefghijklmnop") {
		t.Errorf("a secret reached the browser unmasked:\n%s", joined)
	}
	// Reconnecting with Last-Event-ID replays what was missed, nothing more.
	req2, _ := http.NewRequestWithContext(ctx, "GET", s.http.URL+"/incidents/INC-1/events", nil)
	req2.Header.Set("Last-Event-ID", "1")
	resp2, err := alice.Do(req2)
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	sc := bufio.NewScanner(resp2.Body)
	var ids []string
	for sc.Scan() && len(ids) < 2 {
		if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) != 2 || ids[0] != "2" {
		t.Errorf("replay after entry 1: ids %v", ids)
	}
}

func TestAnOpenLiveStreamStopsWhenTheSessionOrTheMembershipEnds(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Phishing wave")
	s.cmd("alice", ch, "invite @bob")
	open := func(c *http.Client) *bufio.Scanner {
		c.Timeout = 0
		req, _ := http.NewRequestWithContext(s.ctx, "GET", s.http.URL+"/incidents/INC-1/events", nil)
		resp, err := c.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("events: %v", err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return bufio.NewScanner(resp.Body)
	}
	ended := func(sc *bufio.Scanner) bool {
		done := make(chan bool, 1)
		go func() {
			saw := false
			for sc.Scan() {
				saw = saw || sc.Text() == "event: signedout"
			}
			done <- saw
		}()
		select {
		case saw := <-done:
			return saw
		case <-time.After(5 * time.Second):
			return false
		}
	}
	alice, bob := s.signIn("alice"), s.signIn("bob")
	aliceStream, bobStream := open(alice), open(bob)
	if err := s.db.Update(s.ctx, func(tx *storage.Tx) error { _, err := tx.RevokeWebAccess("alice", s.clock.Now()); return err }); err != nil {
		t.Fatal(err)
	}
	if !ended(aliceStream) {
		t.Error("a revoked session's stream did not end with signedout")
	}
	s.cmd("alice", ch, "remove @bob")
	if !ended(bobStream) {
		t.Error("a removed member's stream did not end with signedout")
	}
}
