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

// TestScreenshots (build tag screenshots, so it is not part of make test) regenerates docs/screenshots/ (make screenshots sets
// WARROOM_SCREENSHOTS to the directory): the pages of a small, realistic session, on a
// laptop and on a phone.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("WARROOM_SCREENSHOTS")
	if dir == "" {
		t.Fatal("WARROOM_SCREENSHOTS must name the directory the screenshots go to (make screenshots sets it)")
	}
	ctx := browser(t)
	b := startBot(t)
	b.send(
		"@bob #general",
		"/incident declare Suspicious login from new country sev3",
		"#inc-1-suspicious-login-from-new-country",
		"/incident close false-positive the user was travelling",
		"@carol #general",
		"/incident drill phishing",
		"@alice #general",
		"/incident declare Phishing wave against finance sev2",
		"#inc-3-phishing-wave-against-finance",
		"/incident role commander me",
		"/incident role analyst @bob",
		"/incident role scribe @carol",
		"/incident type phishing",
		"/incident note 14 users received mail from payroll@evil-payroll.example linking to hxxps://evil-payroll[.]example/login",
		"/incident note sender IP 203.0.113.7, attachment sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"/incident task add reset the passwords of the 3 users who clicked @bob due 2h",
		"/incident task add block the sender domain at the gateway @alice due 30m",
		"/incident clock gdpr",
		"/incident check 1", "/incident check 2", "/incident check 3", "/incident check 4", "/incident check 5", "/incident check 6", "/incident check 7",
		"/incident phase next",
		"/incident note containment: sender blocked, 3 mailboxes quarantined",
		"/incident task done 2",
		"/incident update contained; resetting credentials now",
		"/incident web",
	)
	b.waitFor(signInLink)
	link := b.webLogin("dave") // a lead: the list shows every incident
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := func(name string, width, height int64, url string) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		err := chromedp.Do(sctx, chromedp.EmulateViewport(width, height), chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("main")))
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // the live-status line settles
		png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", filepath.Join(dir, name), len(png))
	}
	shot("login.png", 1100, 600, b.base+"/login")
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.Click(chromedp.CSS(`button[type=submit].primary`)), chromedp.WaitVisible(chromedp.CSS("table.list"))); err != nil {
		t.Fatal(err)
	}
	shot("incidents.png", 1100, 500, b.base+"/")
	shot("incident.png", 1280, 900, b.base+"/incidents/INC-3")
	shot("incident-phone.png", 390, 844, b.base+"/incidents/INC-3?kind=note")
	shot("stats.png", 1280, 800, b.base+"/stats")
}
