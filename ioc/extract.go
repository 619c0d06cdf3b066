// Package ioc finds indicators of compromise (IOCs) in incident chat text, defangs
// them for safe sharing in reports, and masks secrets that people paste into chat.
//
// Extract works on a refanged copy of the text (see Refang), so indicators that were
// already defanged (hxxp://evil[.]example, 10.0.0[.]1, user[@]example[.]com) are found
// and reported in their normal form. Everything is ASCII-oriented: internationalised
// domain names are found in their punycode (xn--) form only.
package ioc

import "sort"

// Kind is the type of an indicator.
type Kind string

// The kinds of indicator that Extract reports.
const (
	IPv4   Kind = "ipv4"
	IPv6   Kind = "ipv6"
	Domain Kind = "domain"
	URL    Kind = "url"
	Email  Kind = "email"
	MD5    Kind = "md5"
	SHA1   Kind = "sha1"
	SHA256 Kind = "sha256"
	CVE    Kind = "cve"
)

// IOC is one indicator of compromise.
//
// Value is normalised: hashes, domains, e-mail addresses and the scheme and host of
// URLs are lowercased, IPv6 addresses are in canonical (RFC 5952) form, CVE ids are
// uppercased. Defanged is Defang(Kind, Value).
type IOC struct {
	Kind     Kind   `json:"kind"`
	Value    string `json:"value"`
	Defanged string `json:"defanged"`
}

// claim bits over the refanged text: which kinds of candidate may still start there.
const (
	claimNet  = 1 << iota // covered by a URL, e-mail, IP or domain: no further network IOC here
	claimHash             // covered by a host name or address: no hash or CVE here
)

type cand struct {
	start int
	kind  Kind
	value string
}

// scan holds the state of one Extract call. Indicators never contain ASCII white
// space, so the text is scanned one white-space-separated token at a time: t is the
// current token, off its offset in the text. Short inputs let the regexp package use
// its fast backtracking matcher, and cheap byte tests skip most words of prose.
type scan struct {
	t     string
	off   int
	claim []byte
	cands []cand
	hosts map[string]bool // URL hosts (any kind) and e-mail domains (kind Domain)
}

func (s *scan) free(a, b int, bit byte) bool {
	for _, c := range s.claim[a:b] {
		if c&bit != 0 {
			return false
		}
	}
	return true
}

func (s *scan) take(a, b int, bits byte) {
	for i := a; i < b; i++ {
		s.claim[i] |= bits
	}
}

func (s *scan) add(a int, k Kind, v string) { s.cands = append(s.cands, cand{s.off + a, k, v}) }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// Extract returns the indicators of compromise in text, deduplicated, in order of first
// appearance. Network indicators (domain, IP, e-mail) inside a URL are part of that URL
// and are not listed on their own; neither is a domain or address that is the host of a
// URL or the domain of an e-mail address found anywhere in the text. Hashes and CVE ids
// inside a URL's path are listed (e.g. a sandbox report link). It returns nil if text
// holds no indicator.
func Extract(text string) []IOC {
	t := Refang(text)
	s := &scan{hosts: map[string]bool{}}
	for i := 0; i < len(t); {
		for i < len(t) && isSpace(t[i]) {
			i++
		}
		j := i
		for j < len(t) && !isSpace(t[j]) {
			j++
		}
		if j-i >= 4 { // the shortest indicator, a.io, has four bytes
			s.token(t[i:j], i)
		}
		i = j
	}
	if len(s.cands) == 0 {
		return nil
	}
	sort.SliceStable(s.cands, func(i, j int) bool { return s.cands[i].start < s.cands[j].start })
	var out []IOC
	seen := map[string]bool{}
	for _, c := range s.cands {
		switch c.kind {
		case Domain, IPv4, IPv6:
			if s.hosts[c.value] {
				continue
			}
		}
		key := string(c.kind) + "\x00" + c.value
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, IOC{Kind: c.kind, Value: c.value, Defanged: Defang(c.kind, c.value)})
	}
	return out
}

// token finds the indicators in one token. The passes run from the most to the least
// specific; each skips what an earlier one claimed.
func (s *scan) token(tok string, off int) {
	var dot, dotAlpha, dotDigit, at, cve bool // dotAlpha: "x.y", dotDigit: "1.2"
	colons := 0
	for i := 0; i < len(tok); i++ {
		switch c := tok[i]; {
		case c == '.':
			dot = true
			if i > 0 && i+1 < len(tok) && isAlnum(tok[i-1]) {
				dotAlpha = dotAlpha || isLetter(tok[i+1])
				dotDigit = dotDigit || isDigit(tok[i+1])
			}
		case c == ':':
			colons++
		case c == '@':
			at = true
		case (c == 'c' || c == 'C') && i+2 < len(tok) && tok[i+1]|0x20 == 'v' && tok[i+2]|0x20 == 'e':
			cve = true
		}
	}
	hashy := len(tok) >= 32 && hasHexRun(tok, 32)
	if !dot && colons < 2 && !hashy && !cve {
		return
	}
	s.t, s.off = tok, off
	if cap(s.claim) < len(tok) {
		s.claim = make([]byte, len(tok))
	}
	s.claim = s.claim[:len(tok)]
	clear(s.claim)
	if colons > 0 {
		s.urls()
	}
	if at && dot {
		s.emails()
	}
	if colons >= 2 {
		s.ipv6s()
	}
	if dotDigit && s.unclaimedDot(isDigit) {
		s.ipv4s()
	}
	if dotAlpha && s.unclaimedDot(isLetter) {
		s.domains()
	}
	if hashy {
		s.hashes()
	}
	if cve {
		s.cves()
	}
}

// unclaimedDot reports whether the token has a dot between an alphanumeric byte and a
// byte for which next is true, not yet covered by a URL, e-mail or address.
func (s *scan) unclaimedDot(next func(byte) bool) bool {
	for i := 1; i+1 < len(s.t); i++ {
		if s.t[i] == '.' && s.claim[i]&claimNet == 0 && isAlnum(s.t[i-1]) && next(s.t[i+1]) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func hasHexRun(t string, n int) bool {
	run := 0
	for i := 0; i < len(t); i++ {
		if isHex(t[i]) {
			if run++; run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// Merge concatenates IOC lists (e.g. the results of Extract over many messages),
// dropping repeats of the same kind and value and keeping first-appearance order.
func Merge(lists ...[]IOC) []IOC {
	var out []IOC
	seen := map[string]bool{}
	for _, l := range lists {
		for _, c := range l {
			key := string(c.Kind) + "\x00" + c.Value
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, c)
		}
	}
	return out
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isWord(c byte) bool { return isAlnum(c) || c == '_' }

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// before reports the byte before t[i] (0 at the start).
func before(t string, i int) byte {
	if i <= 0 {
		return 0
	}
	return t[i-1]
}

// after reports the byte at t[i] (0 past the end).
func after(t string, i int) byte {
	if i >= len(t) {
		return 0
	}
	return t[i]
}

// dottedOn reports whether t continues at i with a dot and another word (1.2.3.4.5,
// evil.com.1): the match is then only part of a longer dotted token.
func dottedOn(t string, i int) bool { return after(t, i) == '.' && isWord(after(t, i+1)) }

// dottedIn reports whether t has a word and a dot right before i.
func dottedIn(t string, i int) bool { return before(t, i) == '.' && isWord(before(t, i-1)) }
