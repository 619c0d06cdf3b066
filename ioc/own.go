package ioc

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// Own is what belongs to the organisation itself: its domains (with every subdomain) and
// its address ranges. A mention of them in incident notes — the VPN gateway that was
// attacked, the victim's mailbox, an internal host — is an affected asset, not an
// indicator to block or share, so it is never listed.
type Own struct {
	domains []string
	nets    []netip.Prefix
}

// NewOwn reads own domains ("example.com") and networks ("10.0.0.0/8", or one address).
func NewOwn(domains, networks []string) (*Own, error) {
	o := &Own{}
	for _, d := range domains {
		v := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(d), "."))
		if !validDomain(v) {
			return nil, fmt.Errorf("%q is not a domain name", d)
		}
		o.domains = append(o.domains, v)
	}
	for _, n := range networks {
		p, err := parseNetwork(n)
		if err != nil {
			return nil, err
		}
		o.nets = append(o.nets, p)
	}
	return o, nil
}

func parseNetwork(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a network like 10.0.0.0/8 or 2001:db8::/32", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address or a network like 10.0.0.0/8", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Contains reports whether x is the organisation's own: a domain at or under an own
// domain, an e-mail address or URL there, or an address in an own network (a URL whose
// host is one included). A nil Own owns nothing.
func (o *Own) Contains(x IOC) bool {
	if o == nil {
		return false
	}
	switch x.Kind {
	case Domain:
		return o.ownHost(x.Value)
	case Email:
		_, domain, _ := strings.Cut(x.Value, "@")
		return o.ownHost(domain)
	case IPv4, IPv6:
		return o.ownAddr(x.Value)
	case URL:
		u, err := url.Parse(x.Value)
		if err != nil {
			return false
		}
		h := strings.ToLower(u.Hostname())
		return o.ownHost(h) || o.ownAddr(h)
	}
	return false
}

// Filter returns list without what is the organisation's own.
func (o *Own) Filter(list []IOC) []IOC {
	if o == nil {
		return list
	}
	var out []IOC
	for _, x := range list {
		if !o.Contains(x) {
			out = append(out, x)
		}
	}
	return out
}

func (o *Own) ownHost(h string) bool {
	h = strings.TrimSuffix(h, ".")
	for _, d := range o.domains {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}

func (o *Own) ownAddr(s string) bool {
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range o.nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
