package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzIncidentPageQuery feeds the incident page and its live stream arbitrary filters,
// paths and event ids: every answer is a page, a 404 or a redirect, never a
// server error (and a 200 page is the incident's), and text from the query never reaches the page unescaped.
func FuzzIncidentPageQuery(f *testing.F) {
	s := newSite(f, "")
	ch := s.declare("alice", "Phishing wave")
	s.cmd("alice", ch, "note mail from 203.0.113.7")
	alice := s.signIn("alice")
	f.Add("INC-1", "note", "alice", "mail", "1")
	f.Add("1", "", "", "<script>alert(1)</script>", "-1")
	f.Add("INC-99999999999999999999", "\x00", "a\"b", "%%", "99999999999999999999")
	f.Add("INC-1", "k\"><img src=x>", "<b>", "'\"", "abc")
	f.Fuzz(func(t *testing.T, id, kind, person, q, after string) {
		query := url.Values{"kind": {kind}, "person": {person}, "q": {q}, "after": {after}}.Encode()
		for _, path := range []string{"/incidents/" + url.PathEscape(id) + "?" + query, "/incidents/" + url.PathEscape(id) + "/timeline.csv"} {
			req, err := http.NewRequest("GET", s.http.URL+path, nil)
			if err != nil {
				return
			}
			resp, err := alice.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			buf := make([]byte, 64<<10)
			for {
				n, err := resp.Body.Read(buf)
				b.WriteString(string(buf[:n]))
				if err != nil {
					break
				}
			}
			resp.Body.Close()
			// A path the router cleans ("/incidents/.") is redirected; nothing is a 5xx.
			if resp.StatusCode >= 500 || resp.StatusCode == 200 && !strings.Contains(b.String(), "Phishing wave") && strings.HasSuffix(path, query) {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			for _, in := range []string{kind, person, q} {
				if strings.ContainsAny(in, "<>\"") && len(in) > 3 && strings.Contains(b.String(), in) && resp.Header.Get("Content-Type") == "text/html; charset=utf-8" {
					t.Fatalf("%s: the page holds %q unescaped", path, in)
				}
			}
		}
	})
}
