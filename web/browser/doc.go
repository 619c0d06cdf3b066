// Package browser holds the web view's end-to-end tests: the real warroom binary, built by
// the tests, driven through its console workspace, and headless Chromium (chromedp) as
// the person reading along. Without a browser the tests skip saying why; with CI set in
// the environment they fail instead, because CI always installs one (.ci/run).
//
// `make screenshots` runs TestScreenshots here to regenerate docs/screenshots/.
package browser
