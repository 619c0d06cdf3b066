package report

import (
	"regexp"
	"strings"
	"testing"
)

var (
	tagRe    = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>`)
	attrRe   = regexp.MustCompile(`([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>` + "`" + `]+)`)
	styleRe  = regexp.MustCompile(`(?s)<style[^>]*>(.*?)</style>`)
	schemeRe = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// resourceAttrs are the attributes that make a browser fetch or navigate.
var resourceAttrs = map[string]bool{
	"src": true, "href": true, "srcset": true, "action": true, "formaction": true, "poster": true, "data": true,
	"xlink:href": true, "background": true, "ping": true, "manifest": true, "codebase": true, "longdesc": true, "lowsrc": true,
}

// fetchingTags load something by their nature, whatever their attributes.
var fetchingTags = map[string]bool{"script": true, "link": true, "iframe": true, "frame": true, "object": true, "embed": true,
	"img": true, "video": true, "audio": true, "source": true, "base": true, "form": true, "image": true, "use": true, "foreignobject": true}

// checkNoExternal parses the page's tags and fails on anything that would make a browser
// request something: a fetching element, a resource attribute with a scheme other than
// data: (or a protocol-relative //host), a meta refresh, and @import or url() in CSS.
func checkNoExternal(t *testing.T, page string) {
	t.Helper()
	for _, m := range tagRe.FindAllStringSubmatch(page, -1) {
		tag := strings.ToLower(m[1])
		if fetchingTags[tag] {
			t.Errorf("a <%s> element: %.120s", tag, m[0])
		}
		for _, a := range attrRe.FindAllStringSubmatch(m[2], -1) {
			name := strings.ToLower(a[1])
			value := strings.Trim(a[2], `"'`)
			switch {
			case resourceAttrs[name]:
				v := strings.TrimSpace(value)
				if strings.HasPrefix(v, "//") || schemeRe.MatchString(v) && !strings.HasPrefix(strings.ToLower(v), "data:") {
					t.Errorf("<%s %s=%q> would be fetched", tag, name, value)
				}
			case name == "style" && (strings.Contains(value, "url(") || strings.Contains(value, "@import")):
				t.Errorf("<%s style=%q> loads a resource", tag, value)
			case strings.HasPrefix(name, "on"):
				t.Errorf("<%s %s=…> event handler", tag, name)
			case tag == "meta" && name == "http-equiv" && strings.EqualFold(value, "refresh"):
				t.Errorf("a meta refresh")
			}
		}
	}
	for _, m := range styleRe.FindAllStringSubmatch(page, -1) {
		css := strings.ToLower(m[1])
		if strings.Contains(css, "@import") || strings.Contains(css, "url(") {
			t.Errorf("the stylesheet loads a resource:\n%s", m[1])
		}
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		// Chat text may hold URLs: they must only ever be text, never in a tag.
		for _, m := range tagRe.FindAllString(page, -1) {
			if strings.Contains(m, "http://") || strings.Contains(m, "https://") {
				t.Errorf("a URL inside a tag: %.160s", m)
			}
		}
	}
}

func TestHTMLSelfContained(t *testing.T) {
	r := Build(seededData())
	page := render(t, &r, "html")
	checkNoExternal(t, page)
	for _, want := range []string{"<!DOCTYPE html>", "<style>", "@media print", "<svg class=\"chart\"", "</svg>",
		`Content-Security-Policy" content="default-src 'none'`, `<tr id="e32">`, "</html>"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// One bar per phase span, each with its duration as a tooltip.
	if n := strings.Count(page, "<title>"); n != 1+len(r.Phases) {
		t.Errorf("%d <title> elements, want the page's and one per phase span (%d)", n, len(r.Phases))
	}
}

// TestCheckNoExternalCatches makes sure the checker itself would notice.
func TestCheckNoExternalCatches(t *testing.T) {
	for _, page := range []string{
		`<img src="https://x.example/a.png">`,
		`<a href="//x.example/">x</a>`,
		`<div style="background: url(https://x.example/a.png)">`,
		`<style>@import "https://x.example/a.css";</style>`,
		`<link rel=stylesheet href=https://x.example/a.css>`,
		`<svg><image xlink:href="https://x.example/a.png"/></svg>`,
		`<meta http-equiv="refresh" content="0;url=https://x.example/">`,
	} {
		ft := &testing.T{}
		checkNoExternal(ft, page)
		if !ft.Failed() {
			t.Errorf("checkNoExternal passed %s", page)
		}
	}
}
