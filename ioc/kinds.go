package ioc

import (
	"net/netip"
	"regexp"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// This file holds the matchers for each kind of indicator; extract.go drives them.

const (
	labelPat  = `[a-z0-9](?:[a-z0-9-]*[a-z0-9])?`
	domainPat = labelPat + `(?:\.` + labelPat + `)*\.(?:xn--[a-z0-9-]*[a-z0-9]|[a-z]+)`
	dashes    = `[-\x{2010}\x{2011}\x{2013}]` // CVE ids copied from web pages often carry odd hyphens
)

var (
	reURL    = regexp.MustCompile(`(?i)\b(?:https?|ftps?)://[^\s\p{Z}<>"'\x60|\\^{}\x{201C}\x{201D}\x{2018}\x{2019}]+`)
	reEmail  = regexp.MustCompile(`(?i)[a-z0-9._%+-]+@` + domainPat)
	reDomain = regexp.MustCompile(`(?i)` + domainPat)
	reIPv4   = regexp.MustCompile(`[0-9]{1,3}(?:\.[0-9]{1,3}){3}`)
	reIPv6   = regexp.MustCompile(`(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})?`)
	reCVE    = regexp.MustCompile(`(?i)cve` + dashes + `([0-9]{4})` + dashes + `([0-9]{4,})`)
)

// fileExts are last labels that make a dotted word a file name rather than a domain
// (report.pdf, main.go, README.md, archive.tar.gz) when it stands alone. Inside a URL
// or an e-mail address they are accepted as top-level domains. TLDs with many real
// sites that are also extensions (.app, .cc, .pl, .so) are deliberately left out, while
// .zip, .mov, .md, .sh and .py are in: standalone, they are nearly always file names.
var fileExts = toSet(`
	apk asc asp aspx avi bak bat bin bmp cab cer cfg cgi chm class conf cpl cpp crt cs csr css csv
	cxx dat db deb der diff dll dmg dmp doc docm docx dylib elf eml env eot evtx exe gif go gpg gz
	hpp hta htm html ico img inf ini ipynb iso jar java jpeg jpg js jse json jsx key ko kt lnk lock
	log lua md mem mjs mod mov mp3 mp4 msg msi nupkg ocx one out ova ovf patch pcap pcapng pdf pem
	pfx php pkg plist png ppt pptm pptx psd psm1 pub py pyc rar raw rb reg rpm rs rtf scr sh sig
	sql sqlite sum svg swift sys tar tgz tif tiff tmp toml ts tsx txt vb vbe vbs vhd vhdx vmdk vmem
	vue wav webm webp wim wsf wsh xll xls xlsm xlsx xml xz yaml yml zip zst
`)

// reservedTLDs are names with no public registry that still appear in real incidents:
// RFC 2606/6761/6762 names, Tor, and the suffixes of internal networks.
var reservedTLDs = toSet(`example test invalid localhost local onion internal lan corp home intranet private`)

// knownTLD reports whether a standalone dotted word ends in a top-level domain that exists
// (in the Public Suffix List's ICANN section, which golang.org/x/net embeds) or a reserved
// one. Without it an account name is a domain: j.smith, svc.backup, r.oconnor — "smith"
// is no TLD, "com" is. Inside a URL or an e-mail address the host is taken as written.
func knownTLD(host string) bool {
	tld := host[strings.LastIndexByte(host, '.')+1:]
	if reservedTLDs[tld] || strings.HasPrefix(tld, "xn--") {
		return true
	}
	if strings.Count(host, ".") == 1 && strings.IndexByte(host, '.') == 1 && len(tld) >= 4 {
		// "k.weber", "j.smith": an initial and a surname is an account name even when
		// the surname is also a brand TLD (.weber exists); real two-label domains with a
		// one-letter name sit under short TLDs (t.co, x.com).
		return false
	}
	suffix, icann := publicsuffix.PublicSuffix(host)
	// An unknown TLD comes back as itself, not ICANN; a private suffix (pages.dev) has a
	// dot and sits under a real TLD.
	return icann || strings.Contains(suffix, ".")
}

func toSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

func (s *scan) urls() {
	if !strings.Contains(s.t, "://") {
		return
	}
	for _, m := range reURL.FindAllStringIndex(s.t, -1) {
		a, b := m[0], m[0]+len(trimURL(s.t[m[0]:m[1]]))
		v, hostA, hostB, host, ok := normURL(s.t[a:b])
		if !ok {
			continue
		}
		s.take(a, b, claimNet)
		s.take(a+hostA, a+hostB, claimHash)
		s.hosts[host] = true
		s.add(a, URL, v)
	}
}

// trimURL drops trailing punctuation that belongs to the sentence, not the URL:
// "see https://evil.example/x." and "(https://evil.example/x)".
func trimURL(u string) string {
	open := [2]int{strings.Count(u, "("), strings.Count(u, "[")}
	closed := [2]int{strings.Count(u, ")"), strings.Count(u, "]")}
	for len(u) > 0 {
		c := u[len(u)-1]
		switch c {
		case '.', ',', ';', ':', '!', '?', '*', '~':
		case ')', ']':
			k := 0
			if c == ']' {
				k = 1
			}
			if open[k] >= closed[k] {
				return u
			}
			closed[k]--
		default:
			return u
		}
		u = u[:len(u)-1]
	}
	return u
}

// normURL checks that u (scheme://...) has a usable host and returns it with the
// scheme and host lowercased, the host's offsets in u and the host's normal form.
func normURL(u string) (v string, hostA, hostB int, host string, ok bool) {
	i := strings.Index(u, "://")
	rest := u[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	auth := rest[:end]
	hostA = i + 3
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		hostA += at + 1
		auth = auth[at+1:]
	}
	hp := auth // host[:port]
	var port string
	if strings.HasPrefix(hp, "[") {
		cl := strings.IndexByte(hp, ']')
		if cl < 0 {
			return "", 0, 0, "", false
		}
		a, err := netip.ParseAddr(hp[1:cl])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", 0, 0, "", false
		}
		host, port = a.String(), hp[cl+1:]
		hostB = hostA + cl + 1
	} else {
		h := hp
		if c := strings.LastIndexByte(hp, ':'); c >= 0 {
			h, port = hp[:c], hp[c:]
		}
		hostB = hostA + len(h)
		h = strings.ToLower(h)
		if a, err := netip.ParseAddr(h); err == nil && a.Is4() {
			host = a.String()
		} else if validDomain(h) {
			host = h
		} else {
			return "", 0, 0, "", false
		}
	}
	if port != "" {
		if port[0] != ':' || len(port) > 6 {
			return "", 0, 0, "", false
		}
		for j := 1; j < len(port); j++ {
			if port[j] < '0' || port[j] > '9' {
				return "", 0, 0, "", false
			}
		}
	}
	// Only the scheme and host are case-insensitive; userinfo, path and query stay as written.
	v = strings.ToLower(u[:i+3]) + u[i+3:hostA] + strings.ToLower(u[hostA:hostB]) + u[hostB:]
	return v, hostA, hostB, host, true
}

// validDomain reports whether h (lowercase) is a host name with at least one dot,
// labels of 1–63 letters, digits and inner hyphens, at most 253 bytes, and a TLD of
// 2–24 letters or an xn-- (punycode) label.
func validDomain(h string) bool {
	if len(h) > 253 {
		return false
	}
	last := strings.LastIndexByte(h, '.')
	if last <= 0 {
		return false
	}
	for rest := h; ; {
		l := rest
		i := strings.IndexByte(rest, '.')
		if i >= 0 {
			l, rest = rest[:i], rest[i+1:]
		}
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for j := 0; j < len(l); j++ {
			if c := l[j]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
		if i < 0 {
			break
		}
	}
	tld := h[last+1:]
	if strings.HasPrefix(tld, "xn--") {
		return len(tld) > 4
	}
	if len(tld) < 2 || len(tld) > 24 {
		return false
	}
	for j := 0; j < len(tld); j++ {
		if tld[j] < 'a' || tld[j] > 'z' {
			return false
		}
	}
	return true
}

func (s *scan) emails() {
	if !strings.Contains(s.t, "@") {
		return
	}
	for _, m := range reEmail.FindAllStringIndex(s.t, -1) {
		a, b := m[0], m[1]
		for a < b && s.t[a] == '.' {
			a++
		}
		v := strings.ToLower(s.t[a:b])
		at := strings.LastIndexByte(v, '@')
		if at <= 0 || isWord(after(s.t, b)) || after(s.t, b) == '-' || dottedOn(s.t, b) ||
			!validDomain(v[at+1:]) || !s.free(a, b, claimNet) {
			continue
		}
		s.take(a, b, claimNet|claimHash)
		s.hosts[v[at+1:]] = true
		s.add(a, Email, v)
	}
}

func (s *scan) ipv6s() {
	if strings.Count(s.t, ":") < 2 {
		return
	}
	for _, m := range reIPv6.FindAllStringIndex(s.t, -1) {
		a, b := m[0], m[1]
		// "fe80::1: is down": a single trailing colon is punctuation.
		if b-a > 2 && s.t[b-1] == ':' && s.t[b-2] != ':' {
			b--
		}
		p, n := before(s.t, a), after(s.t, b)
		if isWord(p) || p == ':' || p == '.' || isWord(n) || dottedOn(s.t, b) ||
			n == ':' && isHex(after(s.t, b+1)) || !s.free(a, b, claimNet) {
			continue
		}
		addr, err := netip.ParseAddr(s.t[a:b])
		if err != nil || !addr.Is6() || !plausibleIPv6(addr.String()) {
			continue
		}
		s.take(a, b, claimNet|claimHash)
		s.add(a, IPv6, addr.String())
	}
}

// plausibleIPv6 keeps short colon runs that parse as IPv6 but are usually something
// else ("::", "1::2" in a slice, "a::b" in C++) out of the results: the canonical form
// must have a group of three or more hex digits (2001:db8::1, fe80::1) or at least three
// groups. The unspecified and loopback addresses (::, ::1) are therefore never reported.
func plausibleIPv6(canon string) bool {
	groups := 0
	for _, g := range strings.Split(canon, ":") {
		if len(g) >= 3 {
			return true
		}
		if g != "" {
			groups++
		}
	}
	return groups >= 3
}

func (s *scan) ipv4s() {
	for _, m := range reIPv4.FindAllStringIndex(s.t, -1) {
		a, b := m[0], m[1]
		if isWord(before(s.t, a)) || dottedIn(s.t, a) || isWord(after(s.t, b)) || dottedOn(s.t, b) ||
			!s.free(a, b, claimNet) {
			continue
		}
		addr, err := netip.ParseAddr(s.t[a:b]) // rejects octets > 255 and leading zeros
		if err != nil {
			continue
		}
		s.take(a, b, claimNet|claimHash)
		s.add(a, IPv4, addr.String())
	}
}

func (s *scan) domains() {
	for _, m := range reDomain.FindAllStringIndex(s.t, -1) {
		a, b := m[0], m[1]
		p, n := before(s.t, a), after(s.t, b)
		if isWord(p) || p == '-' || isWord(n) || n == '-' || dottedOn(s.t, b) {
			continue
		}
		v := strings.ToLower(s.t[a:b])
		if !validDomain(v) || fileExts[v[strings.LastIndexByte(v, '.')+1:]] || !knownTLD(v) || !s.free(a, b, claimNet) {
			continue
		}
		s.take(a, b, claimNet|claimHash)
		s.add(a, Domain, v)
	}
}

// hashes looks at each maximal run of hex digits: only a run of exactly 32, 40 or 64
// digits that does not touch a letter, digit or underscore is a hash.
func (s *scan) hashes() {
	for a := 0; a < len(s.t); {
		if !isHex(s.t[a]) {
			a++
			continue
		}
		b := a + 1
		for b < len(s.t) && isHex(s.t[b]) {
			b++
		}
		var k Kind
		switch b - a {
		case 32:
			k = MD5
		case 40:
			k = SHA1
		case 64:
			k = SHA256
		}
		if k != "" && !isWord(before(s.t, a)) && !isWord(after(s.t, b)) && s.free(a, b, claimHash) {
			s.take(a, b, claimHash)
			s.add(a, k, strings.ToLower(s.t[a:b]))
		}
		a = b
	}
}

func (s *scan) cves() {
	for _, m := range reCVE.FindAllStringSubmatchIndex(s.t, -1) {
		a, b := m[0], m[1]
		year, num := s.t[m[2]:m[3]], s.t[m[4]:m[5]]
		if len(num) > 9 || isWord(before(s.t, a)) || isWord(after(s.t, b)) || !s.free(a, b, claimHash) {
			continue
		}
		s.take(a, b, claimHash)
		s.add(a, CVE, "CVE-"+year+"-"+num)
	}
}
