package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzEscape: whatever chat sends, the Markdown cell stays one cell on one line with no
// live markup or mention, and the HTML has no tag but the <br> it adds.
func FuzzEscape(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("@everyone\\|\\\\|<!here>")
	f.Add("\xff\xfe broken utf-8 \xc3")
	f.Fuzz(func(t *testing.T, s string) {
		m := md(s)
		if strings.ContainsAny(m, "\n\r") {
			t.Fatalf("md(%q) has a line break: %q", s, m)
		}
		if unescapedPipes("|"+m+"|") != 2 {
			t.Fatalf("md(%q) opens a cell: %q", s, m)
		}
		for _, c := range []string{"<", ">", "[", "]", "`", "*", "_"} {
			if i := unescapedIndex(strings.ReplaceAll(m, "<br>", ""), c); i >= 0 {
				t.Fatalf("md(%q) has an unescaped %s: %q", s, c, m)
			}
		}
		if pings(m) {
			t.Fatalf("md(%q) pings: %q", s, m)
		}
		if !utf8.ValidString(m) {
			t.Fatalf("md(%q) is not UTF-8: %q", s, m)
		}
		h := strings.ReplaceAll(string(appendHTML(nil, s)), "<br>", "")
		if strings.ContainsAny(h, "<>\"'") || !utf8.ValidString(h) {
			t.Fatalf("appendHTML(%q) = %q", s, h)
		}
	})
}

// pings is the oracle: a platform mention syntax (<!…>, <@…>, <#…>), or @everyone, @here,
// @channel or @all not followed by a word character or a domain's ".x".
func pings(s string) bool {
	l := strings.ToLower(s)
	if strings.Contains(l, "<!") || strings.Contains(l, "<@") || strings.Contains(l, "<#") {
		return true
	}
	for _, w := range []string{"@everyone", "@here", "@channel", "@all"} {
		for i := 0; ; {
			j := strings.Index(l[i:], w)
			if j < 0 {
				break
			}
			end := i + j + len(w)
			next, after := byte(0), byte(0)
			if end < len(l) {
				next = l[end]
			}
			if end+1 < len(l) {
				after = l[end+1]
			}
			word := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' }
			if !word(next) && !(next == '.' && word(after)) {
				return true
			}
			i = i + j + 1
		}
	}
	return false
}
