package discord

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// transport carries every discordgo REST call (Session.Client) and the gateway discovery
// (GET /gateway). It points them at DISCORD_API_URL when that is set — discordgo's Endpoint*
// package variables are computed once at init and shared by every session in the process,
// so they are left alone — and it feeds the guard every answer.
type transport struct {
	base   http.RoundTripper
	target *url.URL // nil: talk to discord.com
	guard  *guard
}

// exempt routes are answers to people who just acted (interaction callbacks and follow-ups):
// they are few, authenticated by their own token, and must not wait behind a pause.
func exempt(path string) bool {
	return strings.Contains(path, "/interactions/") || strings.Contains(path, "/webhooks/")
}

func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	path := r.URL.Path
	if !exempt(path) {
		if h := t.guard.hold(path); h != nil {
			if r.Body != nil {
				r.Body.Close()
			}
			return nil, h
		}
	}
	if t.target != nil {
		r2 := r.Clone(r.Context())
		r2.URL.Scheme, r2.URL.Host, r2.Host = t.target.Scheme, t.target.Host, t.target.Host
		if p := strings.TrimSuffix(t.target.Path, "/"); p != "" {
			r2.URL.Path = p + r2.URL.Path
		}
		r = r2
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	t.guard.observe(path, resp.StatusCode, resp.Header)
	return resp, nil
}

// newHTTPClient builds the session's client. base is the transport to use underneath (tests
// pass the fake's); apiURL is DISCORD_API_URL.
func newHTTPClient(base http.RoundTripper, apiURL string, g *guard) (*http.Client, error) {
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	t := &transport{base: base, guard: g}
	if apiURL != "" {
		u, err := url.Parse(apiURL)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("DISCORD_API_URL %q is not an http(s) URL", apiURL)
		}
		if u.Host != "discord.com" || strings.Trim(u.Path, "/") != "" {
			t.target = u
		}
	}
	return &http.Client{Transport: t, Timeout: 20 * time.Second}, nil
}
