//go:build screenshots

package browser

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestScreenshotsReport (build tag screenshots; make screenshots runs it with
// TestScreenshots) photographs the HTML lessons-learned report for docs/screenshots/: the
// seeded incident of report's golden test, which TestGolden holds byte for byte equal to
// what the renderer writes for it. The web view serves the report as a download (Chromium
// would abort that navigation), so the file is opened directly, as someone who saved it
// would open it; it makes no outside requests (its CSP forbids them), so file:// shows it
// exactly. Two views: the top (marking, executive summary, impact, phases) and the part a
// regulator or auditor checks (evidence and custody, clocks, integrity, sign-off).
func TestScreenshotsReport(t *testing.T) {
	dir := os.Getenv("WARROOM_SCREENSHOTS")
	if dir == "" {
		t.Fatal("WARROOM_SCREENSHOTS must name the directory the screenshots go to (make screenshots sets it)")
	}
	src, err := filepath.Abs("../../report/testdata/INC-7.html")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := func(name string, height int64, heading string) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, chromedp.EmulateViewport(1100, height), chromedp.Navigate("file://"+src), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
			t.Fatal(err)
		}
		if heading != "" {
			// Scroll the section's heading to the top; fail if the report has no such section.
			found, err := chromedp.Run(sctx, chromedp.Evaluate[bool](`(() => {
				const h = [...document.querySelectorAll("h2")].find(e => e.textContent.startsWith(`+"`"+heading+"`"+`));
				if (!h) return false;
				window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 12);
				return true;
			})()`))
			if err != nil || !found {
				t.Fatalf("no section %q in the report (%v)", heading, err)
			}
		}
		png, err := chromedp.Run(sctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, name)
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", out, len(png))
	}
	shot("report.png", 1900, "")
	shot("report-custody.png", 1780, "Evidence and chain of custody")
}
