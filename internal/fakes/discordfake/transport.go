package discordfake

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// rewriteTransport sends every Discord-bound request to the fake. Rewriting at the transport is
// what keeps discordgo's global Endpoint* variables untouched (mutating them would race between
// parallel tests).
type rewriteTransport struct {
	target *url.URL
	base   *http.Transport
}

func newRewriteTransport(rawURL string) *rewriteTransport {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	// A private transport, not http.DefaultTransport: no proxy from the environment, and Close
	// can drop its idle connections without affecting other tests.
	base := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     30 * time.Second,
	}
	return &rewriteTransport{target: u, base: base}
}

// discordHosts are the hosts discordgo talks to for REST, CDN and the gateway.
func isDiscordHost(host string) bool {
	host = strings.ToLower(host)
	for _, h := range []string{"discord.com", "discordapp.com", "discord.gg", "discordapp.net"} {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}

func (t *rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !isDiscordHost(r.URL.Hostname()) && r.URL.Host != t.target.Host {
		// A safety net: a test that forgot to redirect something must fail loudly, not reach
		// the network. RoundTrip must close the body even when it fails.
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("discordfake: refusing request to non-Discord host %q", r.URL.Host)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = t.target.Scheme
	r2.URL.Host = t.target.Host
	r2.Host = t.target.Host
	return t.base.RoundTrip(r2)
}

// Transport returns a RoundTripper that rewrites discord.com (and related hosts) to the fake and
// refuses any other non-fake host.
func (s *Server) Transport() http.RoundTripper { return s.rt }

// Client returns a new http.Client using Transport, with discordgo's default 20 s timeout. Assign
// it to discordgo.Session.Client. Each call returns a fresh client so callers may tune Timeout.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: s.rt, Timeout: 20 * time.Second}
}
