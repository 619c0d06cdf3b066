package report

import (
	"strings"
	"unicode/utf8"
)

// Text from chat is hostile until escaped. The Markdown report is uploaded to chat and
// pasted into tickets and wikis, so a note must not be able to open a table cell, start a
// heading, forge a link ("[click](javascript:…)"), smuggle HTML ("<script>") or ping a
// whole workspace when the file is previewed or its text re-posted. The HTML report goes
// through html/template, and its chronology through appendHTML below.

// zwsp is a zero-width space: "@\u200beveryone" reads as @everyone but pings nobody.
const zwsp = "\u200b"

// massPings are the words that notify everyone after an @ (Slack, Discord, Mattermost).
var massPings = []string{"everyone", "here", "channel", "all"}

// neutralise breaks every mention that could notify people: @everyone, @here, @channel,
// @all, and the platforms' escape syntax — Slack's <!channel>, <!here>, <!subteam^…>,
// <@U123>, <#C123>, Discord's <@123>, <@!123>, <@&role>. A zero-width space after the @
// or the < keeps the text readable and copyable while no client parses a mention.
func neutralise(s string) string {
	if strings.IndexByte(s, '@') < 0 && strings.IndexByte(s, '<') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		b.WriteByte(c)
		switch c {
		case '@':
			rest := s[i+1:]
			for _, w := range massPings {
				if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) && endsMention(rest[len(w):]) {
					b.WriteString(zwsp)
					break
				}
			}
		case '<':
			if n := byteAt(s, i+1); n == '!' || n == '@' || n == '#' {
				b.WriteString(zwsp)
			}
		}
	}
	return b.String()
}

// endsMention reports whether what follows "@everyone" ends the word: not another word
// character ("@everyones") and not a domain going on ("me@here.example"); whatever is
// before the @ does not matter (Discord pings on "x@everyone").
func endsMention(after string) bool {
	c := byteAt(after, 0)
	if isWordByte(c) {
		return false
	}
	return c != '.' || !isWordByte(byteAt(after, 1))
}

func byteAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// mdSpecial are the characters escaped anywhere in inline Markdown: emphasis, code, links,
// images, raw HTML and autolinks, table cells, strikethrough, entities.
const mdSpecial = "\\`*_[]<>|~&"

// mdPlain[c] is true for an ASCII byte appendMD copies as it is: a table lookup, because
// this runs on every byte of a 100,000-entry chronology.
var mdPlain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = strings.IndexByte(mdSpecial, byte(c)) < 0
	}
	return t
}()

// md escapes chat text for inline Markdown (a table cell, a list item, a paragraph).
func md(s string) string { return string(appendMD(nil, s)) }

// appendMD appends s escaped for inline Markdown. Line breaks become <br> (the only way to
// keep one in a GFM table cell); a block marker at the start (#, >, -, +, =, "1.") is
// escaped so it stays text; control and bidirectional-override characters, which can
// hide or reorder what a reader sees, are replaced.
func appendMD(dst []byte, s string) []byte {
	s = neutralise(s)
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	if n := blockMarker(s); n > 0 {
		dst = append(dst, s[:n-1]...)
		dst = append(dst, '\\', s[n-1])
		s = s[n:]
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && mdPlain[c] {
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf && mdPlain[s[j]] {
				j++
			}
			dst = append(dst, s[i:j]...)
			i = j
			continue
		}
		switch {
		case c == '\r':
			if byteAt(s, i+1) != '\n' {
				dst = append(dst, "<br>"...)
			}
			i++
		case c == '\n':
			dst = append(dst, "<br>"...)
			i++
		case c == '\t':
			dst = append(dst, ' ')
			i++
		case c < 0x20 || c == 0x7f:
			dst = append(dst, "\uFFFD"...)
			i++
		case c < utf8.RuneSelf:
			dst = append(dst, '\\', c) // one of mdSpecial
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if hiddenRune(r) {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
		}
	}
	return dst
}

// blockMarker returns the length of a Markdown block marker that s starts with, the
// marker's last byte being the one to escape (0 if none): "#", ">", "-", "+", "=", "12."
// or "12)".
func blockMarker(s string) int {
	if s == "" {
		return 0
	}
	switch s[0] {
	case '#', '-', '+', '=':
		return 1
	}
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return i + 1
	}
	return 0
}

// hiddenRune reports characters that change how text is displayed without being seen:
// bidirectional overrides and isolates ("Trojan Source"), and the line/paragraph
// separators some renderers treat as line breaks.
func hiddenRune(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x2028 || r == 0x2029 || r == utf8.RuneError
}

// clean replaces control characters (but line breaks and tabs) and hidden runes, for
// text html/template will escape: it escapes markup, not what misleads a reader.
func clean(s string) string {
	dirty := false
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f || hiddenRune(r) {
			dirty = true
			break
		}
	}
	if !dirty {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f || hiddenRune(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// code writes s as a Markdown code span — for indicators and hashes, which must be
// copied exactly — using a fence longer than any backtick run inside. A pipe is escaped
// even there, because GFM splits table cells before it parses code spans.
func code(s string) string {
	s = codeReplacer.Replace(s)
	if s == "" {
		return ""
	}
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 || s[0] == ' ' || s[len(s)-1] == ' ' {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

var codeReplacer = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", "\\|")

// appendHTML appends s escaped for HTML element content, line breaks as <br>; used for
// the chronology rows the HTML report writes without html/template (for speed).
func appendHTML(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '&':
			dst = append(dst, "&amp;"...)
		case '<':
			dst = append(dst, "&lt;"...)
		case '>':
			dst = append(dst, "&gt;"...)
		case '"':
			dst = append(dst, "&#34;"...)
		case '\'':
			dst = append(dst, "&#39;"...)
		case '\n':
			dst = append(dst, "<br>"...)
		case '\r':
			if byteAt(s, i+1) != '\n' {
				dst = append(dst, "<br>"...)
			}
		default:
			if c < 0x20 && c != '\t' || c == 0x7f {
				dst = append(dst, "\uFFFD"...)
				break
			}
			if c >= utf8.RuneSelf {
				r, size := utf8.DecodeRuneInString(s[i:])
				if hiddenRune(r) {
					dst = append(dst, "\uFFFD"...)
				} else {
					dst = append(dst, s[i:i+size]...)
				}
				i += size
				continue
			}
			dst = append(dst, c)
		}
		i++
	}
	return dst
}
