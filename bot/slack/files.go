package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// Reading the files of a 🧾-reacted message. conversations.history lists a message's files
// with url_private_download; slack-go's GetFile sends the bot token there (only to a Slack
// host or the API host: ensureURLMayReceiveToken) and streams the body into a bounded
// SHA-256 writer. The download needs the files:read scope. It runs on its own HTTP client:
// the Web API client's 30-second limit covers a whole answer, too short for a 100 MiB file,
// which bot.ReadFile bounds by its own deadline instead.

// fileAttempts is how often one download is tried when Slack or the network fails.
const fileAttempts = 3

// filesReader is the ReadFiles of a message with files (nil without).
func (a *Adapter) filesReader(files []slack.File) func(context.Context) []bot.FileReceipt {
	if len(files) == 0 {
		return nil
	}
	files = slices.Clone(files)
	return func(ctx context.Context) []bot.FileReceipt {
		out := make([]bot.FileReceipt, 0, len(files))
		for _, f := range files {
			out = append(out, a.readFile(ctx, f))
		}
		return out
	}
}

// readFile downloads and hashes one file, or says why it could not.
func (a *Adapter) readFile(ctx context.Context, f slack.File) bot.FileReceipt {
	name := f.Name
	if name == "" {
		name = f.Title
	}
	link := f.URLPrivateDownload
	if link == "" {
		link = f.URLPrivate
	}
	why := ""
	switch {
	case f.Mode == "tombstone":
		why = "Slack says it was deleted"
	case f.Mode == "hidden_by_limit":
		why = "Slack hides it beyond the workspace's history limit"
	case f.IsExternal || f.Mode == "external":
		why = "it is a link to a file kept outside Slack"
	case link == "":
		why = "Slack gave no download link for it"
	}
	if why != "" {
		return bot.FileReceipt{ID: f.ID, Name: name, Err: why}
	}
	download := func(ctx context.Context, w *bot.FileHasher) error { return a.files.GetFileContext(ctx, link, w) }
	r := bot.ReadFile(ctx, f.ID, name, int64(f.Size), a.cfg.MaxFileBytes, fileAttempts, download, transientDownload, describeDownload)
	if r.Err != "" {
		a.log.Warn("slack: could not read a file for a 🧾", "file", f.ID, "err", r.Err)
	}
	return r
}

// transientDownload: 5xx, 429 and network trouble may pass; a refusal will not.
func transientDownload(err error) bool {
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code >= 500 || sc.Code == http.StatusTooManyRequests || sc.Code == http.StatusRequestTimeout
	}
	var rl *slack.RateLimitedError
	return errors.As(err, &rl) || !strings.Contains(err.Error(), "sign-in page") && !strings.Contains(err.Error(), "refusing to send the token")
}

// describeDownload words a failed download for the person who reacted. slack-go's errors
// name the URL (no token), which the reply leaves out.
func describeDownload(err error) string {
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &sc):
		return fmt.Sprintf("Slack answered HTTP %d", sc.Code)
	case strings.Contains(err.Error(), "sign-in page"):
		return "Slack did not let warroom read it (the app needs the files:read scope and must be in the channel)"
	case strings.Contains(err.Error(), "refusing to send the token"):
		return "its download link is not on a Slack host"
	}
	return "the download failed"
}
