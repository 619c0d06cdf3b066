package ioc

import (
	"regexp"
	"sort"
	"strings"
)

const (
	redacted = "[REDACTED]"
	stars    = "****"
)

// MaskSecrets replaces what looks like a credential in text and reports how many it
// masked. Token types with a well-known prefix keep it so that readers know what leaked
// ("xoxb-****", "AKIA****", "ghp_****", "eyJ****"); URL passwords and webhook secrets
// become "****"; everything else, including values of password=/secret=/token=/api_key=
// style pairs, becomes "[REDACTED]" with the key kept. Text that is already masked is
// left alone, so MaskSecrets(MaskSecrets(s)) masks nothing more. Hashes, UUIDs and other
// indicators of compromise are not secrets and are never masked on their own.
func MaskSecrets(text string) (string, int) {
	spans := findSecrets(text)
	if len(spans) == 0 {
		return text, 0
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].a != spans[j].a {
			return spans[i].a < spans[j].a
		}
		return spans[i].b > spans[j].b
	})
	var sb strings.Builder
	sb.Grow(len(text))
	last, n := 0, 0
	for i := 0; i < len(spans); {
		// Overlapping spans form one group: mask their union with the text of the
		// member that covers most (the more specific rule on a tie).
		best, end := spans[i], spans[i].b
		j := i + 1
		for ; j < len(spans) && spans[j].a < end; j++ {
			s := spans[j]
			if s.b-s.a > best.b-best.a || s.b-s.a == best.b-best.a && s.rule < best.rule {
				best = s
			}
			end = max(end, s.b)
		}
		sb.WriteString(text[last:spans[i].a])
		sb.WriteString(best.repl)
		last, n, i = end, n+1, j
	}
	sb.WriteString(text[last:])
	return sb.String(), n
}

// secretSpan is a part of the text to replace with repl; rule orders the finders from
// the most specific (private key blocks, -1) to the least (key-value pairs).
type secretSpan struct {
	a, b int
	repl string
	rule int
}

// findSecrets returns the spans of text to mask, unordered and possibly overlapping.
//
// Apart from private key blocks, no secret spans lines, so each token rule runs only on
// the lines that hold one of its hints (lowercase literals, matched ignoring ASCII case)
// and key-value pairs are only read where a key word occurs: short inputs keep the
// regexp package on its fast path, and most lines are never looked at.
func findSecrets(text string) []secretSpan {
	return findFolded(findSecretsAsWritten(text), text, findSecretsAsWritten)
}

// findSecretsAsWritten is findSecrets without folding ſ and K (secretfold.go).
func findSecretsAsWritten(text string) []secretSpan {
	spans := findKeyBlocks(nil, text)
	set := hintsIn(text)
	if set == 0 {
		return spans
	}
	lower := lowerASCII(text)
	for ri := range tokenRules {
		r := &tokenRules[ri]
		hints := set.present(ruleHints[ri])
		if len(hints) == 0 || r.line != nil && !r.line(text) {
			continue
		}
		for _, l := range hintedLines(text, lower, hints) {
			if r.line == nil || r.line(text[l[0]:l[1]]) {
				spans = r.find(spans, ri, text, l[0], l[1])
			}
		}
	}
	return findKeyValues(spans, len(tokenRules), text, lower, set.present(keyHintIdx))
}

// tokenRule finds one kind of secret within a line. The first submatch group that took
// part is masked; what the rule matched around it (a recognisable prefix such as
// "xoxb-", a header name, a URL's user) is kept.
type tokenRule struct {
	re    *regexp.Regexp
	repl  string
	hints []string
	// line, if set, must also accept a hinted line. It looks for something within a line,
	// so a text none of whose lines it accepts is one it rejects whole (the prefilter,
	// secrethints.go, asks it about the whole text first).
	line func(line string) bool
	// edges: the whole match must not touch a token character on either side.
	edges bool
	// prev, if set, must accept the byte before the match (so that the regexp can
	// start with a literal and skip ahead quickly).
	prev func(byte) bool
	// check, if set, must accept the masked text.
	check func(secret string) bool
}

const tokenChars = `[A-Za-z0-9_-]`

// tokenRules are listed most specific first; when matches overlap, the one that masks
// the most wins and the union of the overlapping spans is masked.
var tokenRules = []tokenRule{
	// Passwords in URLs: scheme://user:PASSWORD@host (the user is kept).
	{re: regexp.MustCompile(`://[^\s:/@<>"'\x60]+:([^\s/@<>"'\x60]+)@`),
		repl: stars, hints: []string{"://"}, line: hasAt, prev: isLetter},
	// Incoming webhooks: the last path segment is the secret.
	{re: regexp.MustCompile(`(?i)\bhttps://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Z0-9]+/[A-Z0-9]+/([A-Za-z0-9]+)`),
		repl: stars, hints: []string{"hooks.slack.com/"}},
	{re: regexp.MustCompile(`(?i)\bhttps://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]+/(` + tokenChars + `+)`),
		repl: stars, hints: []string{"/api/webhooks/"}},
	// Slack bot/user/app/refresh tokens.
	{re: regexp.MustCompile(`(?:xoxe\.xox[bp]-|xox[abposre]-|xapp-)([A-Za-z0-9-]{10,})`),
		repl: stars, edges: true, hints: []string{"xox", "xapp-"}},
	// GitHub and GitLab tokens.
	{re: regexp.MustCompile(`gh[pousr]_([A-Za-z0-9]{30,})`),
		repl: stars, edges: true, hints: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}},
	{re: regexp.MustCompile(`github_pat_([A-Za-z0-9_]{20,})`), repl: stars, edges: true, hints: []string{"github_pat_"}},
	{re: regexp.MustCompile(`glpat-(` + tokenChars + `{20,})`), repl: stars, edges: true, hints: []string{"glpat-"}},
	// AWS access key ids and Google API keys.
	{re: regexp.MustCompile(`(?:AKIA|ASIA)([A-Z0-9]{16})`), repl: stars, edges: true, hints: []string{"akia", "asia"}},
	{re: regexp.MustCompile(`AIza(` + tokenChars + `{35})`), repl: stars, edges: true, hints: []string{"aiza"}},
	// JSON Web Tokens: header.payload.signature, header starting {" (eyJ).
	{re: regexp.MustCompile(`eyJ(` + tokenChars + `{5,}\.` + tokenChars + `{5,}\.` + tokenChars + `*)`),
		repl: stars, edges: true, hints: []string{"eyj"}},
	// Discord bot tokens: base64(user id).timestamp.hmac.
	{re: regexp.MustCompile(`([MNO]` + tokenChars + `{23,27}\.` + tokenChars + `{6,7}\.` + tokenChars + `{27,})`),
		repl: redacted, edges: true, hints: []string{"."}, line: longRunThenDot},
	// HTTP Authorization header (curl -H, pasted requests): mask the credentials.
	{re: regexp.MustCompile(`(?i)\bauthorization["']?[ \t]*[:=][ \t]*["']?(?:bearer|basic|token|bot)[ \t]+([A-Za-z0-9._~+/=-]+)`),
		repl: redacted, hints: []string{"authorization"}},
	// A bearer token on its own: long, with a digit, so that prose ("the bearer of") is left alone.
	{re: regexp.MustCompile(`(?i)\bbearer[ \t]+([A-Za-z0-9._~+/-]{16,}=*)`),
		repl: redacted, check: hasDigit, hints: []string{"bearer"}},
	// --password value, --api-key value on a command line.
	{re: regexp.MustCompile(`(?i)(?:^|\s)--(?:[a-z0-9]+-)*(?:password|passwd|pwd|token|secret|api-key|apikey)[ \t]+([^\s-]\S*)`),
		repl: redacted, hints: []string{"--"}},
}

// rescanLimit: after a match no longer than this, the search goes on from the byte after
// the match's start rather than from its end, so that a match beginning inside another
// ("Authorization: Bearer Authorization: Bot x") is not lost. Longer matches are skipped
// whole, which keeps the cost linear.
const rescanLimit = 512

// find appends the spans that rule ri masks in text[from:to].
func (r *tokenRule) find(spans []secretSpan, ri int, text string, from, to int) []secretSpan {
	for from < to {
		m := r.re.FindStringSubmatchIndex(text[from:to])
		if m == nil {
			break
		}
		for k := range m {
			if m[k] >= 0 {
				m[k] += from
			}
		}
		from = m[1]
		if m[1]-m[0] <= rescanLimit {
			from = m[0] + 1
		}
		if r.edges && (isTokenByte(before(text, m[0])) || before(text, m[0]) == '.' || isTokenByte(after(text, m[1]))) ||
			r.prev != nil && !r.prev(before(text, m[0])) {
			continue
		}
		a, b := m[2], m[3]
		if a < 0 || a == b || masked(text[a:b]) || r.check != nil && !r.check(text[a:b]) {
			continue
		}
		spans = append(spans, secretSpan{a, b, r.repl, ri})
	}
	return spans
}

// masked reports whether s already holds a mask, so that masking twice changes nothing.
func masked(s string) bool { return strings.Contains(s, stars) || strings.Contains(s, redacted) }

var (
	reKeyBegin = regexp.MustCompile(`^-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----`)
	reKeyEnd   = regexp.MustCompile(`-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----`)
	// reKeyBody is what follows a BEGIN line that has no END line (a truncated paste):
	// base64 lines and PEM header lines.
	reKeyBody = regexp.MustCompile(`^(?:\s*(?:[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9+/]*={1,2}|(?:Proc-Type|DEK-Info|Comment|Version): ?[^\n]*))+`)
)

// findKeyBlocks appends the bodies of PEM, OpenSSH and PGP private key blocks: all that
// lies between the BEGIN and END lines, which are kept, as are the line breaks around
// the body.
func findKeyBlocks(spans []secretSpan, text string) []secretSpan {
	if !strings.Contains(text, "PRIVATE KEY") {
		return spans
	}
	ends := reKeyEnd.FindAllStringIndex(text, -1)
	for from := 0; ; {
		i := strings.Index(text[from:], "-----BEGIN")
		if i < 0 {
			return spans
		}
		i += from
		from = i + 1
		h := reKeyBegin.FindStringIndex(text[i:min(len(text), i+80)])
		if h == nil {
			continue
		}
		a, b := i+h[1], -1
		if e := sort.Search(len(ends), func(k int) bool { return ends[k][0] >= a }); e < len(ends) {
			b = ends[e][0]
		} else if m := reKeyBody.FindStringIndex(text[a:]); m != nil {
			b = a + m[1]
		} else {
			continue
		}
		from = b
		body := text[a:b]
		a += len(body) - len(strings.TrimLeft(body, " \t\r\n"))
		b -= len(body) - len(strings.TrimRight(body, " \t\r\n"))
		if a < b && !masked(text[a:b]) {
			spans = append(spans, secretSpan{a, b, redacted, -1})
		}
	}
}

// reKey matches, at a key word, a password/secret/token/API-key name and its separator:
// key=value, key: value, "key": "value", key := value. The key may have any prefix
// (DB_PASSWORD, client_secret, X-Api-Key, accessToken): the search starts at the words
// in keyHints.
var (
	reKey    = regexp.MustCompile(`^(?i)(?:password|passwd|passphrase|pwd|secret|api[_-]?key|token|access[_-]?key|private[_-]?key)["']?[ \t]*(?::=|=>|[:=])[ \t]*`)
	keyHints = []string{"pass", "pwd", "secret", "api", "token", "access", "private"}
)

// keyWindow bounds the text that reKey looks at: a key and its separator are short.
const keyWindow = 64

// maxQuoted bounds the search for the closing quote of a quoted value, so that a line
// full of unclosed quotes costs linear time.
const maxQuoted = 1024

// findKeyValues appends the values of key-value pairs whose key names a secret.
// hints are the keyHints that occur in text.
func findKeyValues(spans []secretSpan, rule int, text, lower string, hints []string) []secretSpan {
	for _, h := range hints {
		end := -1 // end of the line holding the current hint
		for from := 0; ; {
			i := strings.Index(lower[from:], h)
			if i < 0 {
				break
			}
			i += from
			from = i + len(h)
			if i > end {
				end = lineEnd(text, i)
			}
			m := reKey.FindStringIndex(text[i:min(end, i+keyWindow)])
			if m == nil {
				continue
			}
			v := i + m[1]
			if reKey.MatchString(text[v:min(end, v+keyWindow)]) {
				// The value is itself a key and its separator ("pwd= pwd = x"): that key
				// comes next in the search, and its value is the one to mask. Masking the
				// key instead skipped past it, and the secret stayed.
				continue
			}
			a, b := kvValue(text, v, end)
			if a >= b {
				continue
			}
			from = max(from, b) // a key inside this value is masked with it
			if !masked(text[a:b]) {
				spans = append(spans, secretSpan{a, b, redacted, rule})
			}
		}
	}
	return spans
}

// kvValue returns the span of the value that starts at text[v] and ends by end: the
// inside of a '…' or "…" string, or else a run of bytes up to white space or one of
// " ' , ; & (a value may not start with =, which rules out "token == nil").
func kvValue(text string, v, end int) (a, b int) {
	if v >= end {
		return v, v
	}
	if q := text[v]; q == '"' || q == '\'' {
		if c := strings.IndexByte(text[v+1:min(end, v+1+maxQuoted)], q); c >= 0 {
			return v + 1, v + 1 + c
		}
		v++ // an unclosed quote: take what follows as a plain value
	}
	if v >= end || text[v] == '=' {
		return v, v
	}
	b = v
	for b < end && !isSpace(text[b]) && strings.IndexByte(`"',;&`, text[b]) < 0 {
		b++
	}
	return v, b
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func hasAt(s string) bool { return strings.IndexByte(s, '@') >= 0 }

func isTokenByte(c byte) bool { return isWord(c) || c == '-' }

// longRunThenDot reports whether s has 24 token characters in a row followed by a dot,
// the start of a Discord token.
func longRunThenDot(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isTokenByte(c):
			run++
		case c == '.' && run >= 24:
			return true
		default:
			run = 0
		}
	}
	return false
}

// lowerASCII lowercases ASCII letters only, so that offsets stay those of s.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// lineEnd returns the offset of the end of the line holding text[i].
func lineEnd(text string, i int) int {
	if e := strings.IndexByte(text[i:], '\n'); e >= 0 {
		return i + e
	}
	return len(text)
}

// hintedLines returns the [start, end) offsets, in order and without repeats, of the
// lines of text (lower is its lowerASCII form) that hold one of hints.
func hintedLines(text, lower string, hints []string) [][2]int {
	var lines [][2]int
	for _, h := range hints {
		for from := 0; from < len(lower); {
			i := strings.Index(lower[from:], h)
			if i < 0 {
				break
			}
			i += from
			a, b := strings.LastIndexByte(text[:i], '\n')+1, lineEnd(text, i)
			lines = append(lines, [2]int{a, b})
			from = b + 1
		}
	}
	if len(hints) > 1 {
		sort.Slice(lines, func(i, j int) bool { return lines[i][0] < lines[j][0] })
		out := lines[:0]
		for _, l := range lines {
			if len(out) == 0 || out[len(out)-1][0] != l[0] {
				out = append(out, l)
			}
		}
		lines = out
	}
	return lines
}
