package browser

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

var signInLink = regexp.MustCompile(`\[@alice \d+\] warroom: Your sign-in link[^\n]*?(http://\S+/login\?token=[A-Za-z0-9_-]{43})`)

// problems collects what the page's script throws, console errors and the browser's own
// error log (where Chromium reports CSP violations).
type problems struct {
	mu       sync.Mutex
	list     []string
	expected map[string]bool // URLs meant to fail (a refused incident's 404)
}

func (p *problems) watch(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		p.mu.Lock()
		defer p.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			p.list = append(p.list, "exception: "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				p.list = append(p.list, "console error")
			}
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError && !p.expected[e.Entry.URL] {
				p.list = append(p.list, "log: "+e.Entry.Text)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
}

func (p *problems) check(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.list) > 0 {
		t.Errorf("the browser reported problems:\n%s", strings.Join(p.list, "\n"))
	}
}

func text(t *testing.T, ctx context.Context, sel chromedp.Search) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("%s: %v", sel, err)
	}
	return s
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// TestInTheBrowser is what a manager outside chat does: gets a link by /incident web,
// signs in, opens the incident, watches a note typed in chat appear without reloading,
// downloads the report, and is refused someone else's incident. One browser, one tab,
// step by step.
func TestInTheBrowser(t *testing.T) {
	ctx := browser(t)
	b := startBot(t)
	b.send(
		"@carol #general",
		"/incident declare Carol's private matter sev3",
		"@alice #general",
		"/incident declare Phishing wave sev2",
		"#inc-2-phishing-wave",
		"/incident note mail came from hxxp://evil[.]example/login, sender 203.0.113.7",
		"/incident role analyst @bob",
		"/incident task add reset the finance passwords @bob due 2h",
		"/incident web",
	)
	link := b.waitFor(signInLink)[1]
	var seen problems
	seen.watch(t, ctx)
	step := func(name string, fn func(t *testing.T, ctx context.Context)) {
		if !t.Run(name, func(t *testing.T) {
			sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			fn(t, sctx)
		}) {
			t.FailNow() // each step needs the one before
		}
	}

	step("sign in from the link", func(t *testing.T, ctx context.Context) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(link),
			chromedp.WaitVisible(chromedp.CSS(`button[type=submit].primary`)),
			chromedp.Click(chromedp.CSS(`button[type=submit].primary`)),
			chromedp.WaitVisible(chromedp.CSS(`table.list`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		if h := text(t, ctx, "main h1"); h != "Incidents" {
			t.Errorf("after sign-in the page is %q", h)
		}
		if c := eval[string](t, ctx, `document.cookie`); c != "" {
			t.Errorf("the session cookie is readable by script: %q", c)
		}
		if list := text(t, ctx, "table.list"); !strings.Contains(list, "Phishing wave") || strings.Contains(list, "Carol's private matter") {
			t.Errorf("alice's list:\n%s", list)
		}
	})

	step("open the incident", func(t *testing.T, ctx context.Context) {
		err := chromedp.Do(ctx,
			chromedp.Click(`//a[contains(., "Phishing wave")]`),
			chromedp.WaitVisible(chromedp.CSS(`#timeline`)),
			// The live stream is open once the page says so.
			chromedp.WaitVisible(chromedp.CSS(`#live.on`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		if title := text(t, ctx, "#card h1"); !strings.Contains(title, "INC-2") || !strings.Contains(title, "Phishing wave") {
			t.Errorf("card title %q", title)
		}
		if iocs := text(t, ctx, "#iocs"); !strings.Contains(iocs, "hxxp://evil[.]example/login") || !strings.Contains(iocs, "203.0.113[.]7") {
			t.Errorf("indicators not defanged:\n%s", iocs)
		}
		if eval[bool](t, ctx, `document.querySelector("button.copy").hidden`) {
			t.Error("the copy buttons stay hidden with script on")
		}
	})

	step("a note sent in chat appears without reload", func(t *testing.T, ctx context.Context) {
		eval[bool](t, ctx, `window.notReloaded = true`)
		start := time.Now()
		b.send("/incident note containment: blocked the sender at the gateway")
		err := chromedp.Do(ctx, chromedp.WaitVisible(`//table[@id="timeline"]//td[contains(., "blocked the sender at the gateway")]`))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("note typed in chat → row in the browser: %v", time.Since(start).Round(time.Millisecond))
		if !eval[bool](t, ctx, `window.notReloaded === true`) {
			t.Error("the page was reloaded")
		}
		if row := text(t, ctx, `//table[@id="timeline"]//tr[td[contains(., "blocked the sender")]]`); !strings.Contains(row, "alice") || !strings.Contains(row, "note") {
			t.Errorf("the new row: %q", row)
		}
		// A role change refreshes the page's other sections too.
		b.send("/incident role scribe @bob")
		if err := chromedp.Do(ctx, chromedp.WaitVisible(`//section[@id="roles"]//td[.="scribe"]`)); err != nil {
			t.Fatalf("the roles section did not refresh: %v", err)
		}
	})

	step("download the report", func(t *testing.T, ctx context.Context) {
		dir := t.TempDir()
		done := make(chan struct{}, 1)
		if err := chromedp.ListenBrowser(ctx, func(ev any) {
			if e, ok := ev.(*cdpbrowser.EventDownloadProgress); ok && e.State == cdpbrowser.DownloadProgressStateCompleted {
				select {
				case done <- struct{}{}:
				default:
				}
			}
		}); err != nil {
			t.Fatal(err)
		}
		on := true
		if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &on}); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Click(`//p[@class="downloads"]/a[.="Markdown"]`)); err != nil {
			t.Fatal(err)
		}
		select {
		case <-done:
		case <-ctx.Done():
			t.Fatal("the download did not complete")
		}
		data, err := os.ReadFile(filepath.Join(dir, "report-INC-2-draft.md"))
		if err != nil {
			entries, _ := os.ReadDir(dir)
			t.Fatalf("%v (downloaded: %v)", err, entries)
		}
		md := string(data)
		for _, want := range []string{"# INC-2 · Phishing wave — lessons-learned report", "blocked the sender at the gateway", "## Read-in", "- alice, "} {
			if !strings.Contains(md, want) {
				t.Errorf("the report lacks %q", want)
			}
		}
	})

	step("the page works without script and prints without its controls", func(t *testing.T, ctx context.Context) {
		tab, cancel := chromedp.NewContext(ctx) // a second tab, same browser and session
		defer cancel()
		if _, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(tab, chromedp.Navigate(b.base+"/incidents/INC-2?kind=note"), chromedp.WaitReady(chromedp.CSS("#timeline"))); err != nil {
			t.Fatal(err)
		}
		rows := text(t, tab, "#timeline tbody")
		if !strings.Contains(rows, "blocked the sender at the gateway") || strings.Contains(rows, "declared") || strings.Contains(rows, "analyst") {
			t.Errorf("the server-side kind filter, without script:\n%s", rows)
		}
		// Without script the live line and the copy buttons stay hidden: nothing that
		// cannot work is shown.
		for _, sel := range []string{"#live", "button.copy"} {
			attrs, err := chromedp.Run(tab, chromedp.Attributes(chromedp.CSS(sel)))
			if err != nil {
				t.Fatal(err)
			}
			if _, hidden := attrs["hidden"]; !hidden {
				t.Errorf("%s is shown without script", sel)
			}
		}
		if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		for _, sel := range []string{"header.top", "form.filters", "p.downloads"} {
			box, err := chromedp.Run(tab, chromedp.Dimensions(chromedp.CSS(sel)))
			if err == nil && box != nil && box.Width > 0 {
				t.Errorf("%s is printed", sel)
			}
		}
		pdf, err := chromedp.Run(tab, chromedp.PrintToPDF())
		if err != nil || len(pdf) < 1000 {
			t.Errorf("printing the page: %d bytes, %v", len(pdf), err)
		}
	})

	step("another person's incident is refused", func(t *testing.T, ctx context.Context) {
		seen.mu.Lock()
		seen.expected = map[string]bool{b.base + "/incidents/INC-1": true}
		seen.mu.Unlock()
		if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/incidents/INC-1")); err != nil {
			t.Fatal(err)
		}
		heading, body := text(t, ctx, "main h1"), text(t, ctx, "body")
		if heading != "Not found" || strings.Contains(body, "Carol") {
			t.Errorf("INC-1 (carol's) shown to alice: %q\n%s", heading, body)
		}
	})
	seen.check(t)
}
