package ioc

import (
	"net/netip"
	"strings"
)

// Defang makes an indicator safe to paste into chat, tickets and reports: it can no
// longer be clicked or auto-linked, but Extract (and people) can still read it.
// Conventions (v may already be defanged; it is refanged first, so Defang is idempotent):
//
//   - IPv4: only the last dot is bracketed: 10.0.0[.]1.
//   - IPv6: every colon is bracketed: 2001[:]db8[:][:]1.
//   - Domain: every dot is bracketed: evil[.]example[.]com.
//   - Email: the @ and every dot of the domain are bracketed; the local part is kept:
//     first.last[@]evil[.]example.
//   - URL: http→hxxp, https→hxxps, ftp→fxp, ftps→fxps, and the host is defanged as
//     above (a bracketed IPv6 host is left as is); userinfo, port, path and query are
//     kept: hxxps://evil[.]example:8443/login?next=a.b.
//   - MD5, SHA1, SHA256, CVE and unknown kinds: unchanged.
func Defang(k Kind, v string) string {
	v = Refang(v)
	switch k {
	case IPv4:
		return defangIPv4(v)
	case IPv6:
		return strings.ReplaceAll(v, ":", "[:]")
	case Domain:
		return strings.ReplaceAll(v, ".", "[.]")
	case Email:
		at := strings.LastIndexByte(v, '@')
		if at < 0 {
			return strings.ReplaceAll(v, ".", "[.]")
		}
		return v[:at] + "[@]" + strings.ReplaceAll(v[at+1:], ".", "[.]")
	case URL:
		return defangURL(v)
	}
	return v
}

func defangIPv4(v string) string {
	i := strings.LastIndexByte(v, '.')
	if i < 0 {
		return v
	}
	return v[:i] + "[.]" + v[i+1:]
}

func defangHost(h string) string {
	if a, err := netip.ParseAddr(h); err == nil && a.Is4() {
		return defangIPv4(h)
	}
	return strings.ReplaceAll(h, ".", "[.]")
}

var schemeDefang = map[string]string{"http": "hxxp", "https": "hxxps", "ftp": "fxp", "ftps": "fxps"}

func defangURL(v string) string {
	var scheme string
	rest := v
	if i := strings.Index(v, "://"); i >= 0 {
		scheme, rest = v[:i], v[i+3:]
		if d, ok := schemeDefang[strings.ToLower(scheme)]; ok {
			scheme = d
		}
		scheme += "://"
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	auth, tail := rest[:end], rest[end:]
	at := strings.LastIndexByte(auth, '@')
	user, hp := auth[:at+1], auth[at+1:]
	if strings.HasPrefix(hp, "[") { // [IPv6]:port — the scheme change is enough
		return scheme + auth + tail
	}
	host, port := hp, ""
	if c := strings.LastIndexByte(hp, ':'); c >= 0 {
		host, port = hp[:c], hp[c:]
	}
	return scheme + user + defangHost(host) + port + tail
}

// Refang undoes common defanging so the text can be scanned: [.] (.) {.} [dot] → ".",
// [@] (@) {@} [at] → "@", [:] → ":", [://] → "://", hxxp:// hxxps:// fxp:// → http://,
// https://, ftp:// (case-insensitive). Brackets of any of the three kinds are accepted,
// nested forms such as [[.]] collapse fully, and the result is a fixed point:
// Refang(Refang(s)) == Refang(s).
func Refang(s string) string {
	if !strings.ContainsAny(s, "])}/") {
		return s
	}
	var out []byte
	changed := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		out = append(out, c)
		if c != ']' && c != ')' && c != '}' && c != '/' {
			continue
		}
		for {
			n, ok := reduce(out)
			if !ok {
				break
			}
			out, changed = n, true
		}
	}
	if !changed {
		return s
	}
	return string(out)
}

var fangInner = []struct{ in, out string }{
	{".", "."}, {"dot", "."}, {"@", "@"}, {"at", "@"}, {":", ":"}, {"://", "://"},
}

var fangSchemes = []struct{ in, out string }{
	{"hxxps://", "https://"}, {"hxxp://", "http://"}, {"fxps://", "ftps://"}, {"fxp://", "ftp://"},
}

// reduce rewrites one defanging pattern that ends at the end of b, if there is one.
func reduce(b []byte) ([]byte, bool) {
	n := len(b)
	if n == 0 {
		return b, false
	}
	var open byte
	switch b[n-1] {
	case ']':
		open = '['
	case ')':
		open = '('
	case '}':
		open = '{'
	case '/':
		for _, p := range fangSchemes {
			l := len(p.in)
			if n >= l && foldEq(b[n-l:], p.in) && !isWord(byteAt(b, n-l-1)) {
				return append(b[:n-l], p.out...), true
			}
		}
		return b, false
	default:
		return b, false
	}
	for _, p := range fangInner {
		l := len(p.in) + 2
		if n >= l && b[n-l] == open && foldEq(b[n-l+1:n-1], p.in) {
			return append(b[:n-l], p.out...), true
		}
	}
	return b, false
}

func byteAt(b []byte, i int) byte {
	if i < 0 || i >= len(b) {
		return 0
	}
	return b[i]
}

// foldEq reports whether b equals the lowercase ASCII string s, ignoring ASCII case.
func foldEq(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
