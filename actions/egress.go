package actions

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrPrivate is a call refused because the address connected to is loopback, private,
// link-local or otherwise not on the public internet, and egress.allow_private is off.
var ErrPrivate = errors.New("egress: address is not public")

// cgnat is the shared address space (RFC 6598), not covered by netip's IsPrivate.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// public says whether a is an address on the public internet.
func public(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsGlobalUnicast() && !a.IsPrivate() && !cgnat.Contains(a) && !a.IsLoopback() && !a.IsLinkLocalUnicast()
}

// guard is a net.Dialer Control function: it runs after DNS resolution, on the address
// about to be connected to, so a name that resolves (or re-resolves) inside is refused
// whatever the URL said.
func guard(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("egress: %v", err)
		}
		if !allowPrivate && !public(ap.Addr()) {
			return fmt.Errorf("%w: %s", ErrPrivate, ap.Addr())
		}
		return nil
	}
}

// NewClient is the HTTP client for action calls: no proxy from the environment (the guard
// must see the real destination), no redirects (a redirect could leave the allowlist), and
// every connection checked by the egress guard.
func NewClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, Control: guard(allowPrivate)}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         func(ctx context.Context, n, a string) (net.Conn, error) { return d.DialContext(ctx, n, a) },
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConns:        4,
		IdleConnTimeout:     30 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
