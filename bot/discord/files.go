package discord

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// Reading the attachments of a 🧾-reacted message. The REST message lists them with a
// signed CDN URL; warroom GETs it without the bot token (the CDN needs none, and the token
// goes to no host but Discord's API), streaming the body into a bounded SHA-256 writer
// (bot.ReadFile). Only https URLs on Discord's CDN hosts are fetched.

// fileAttempts is how often one download is tried when the CDN or the network fails.
const fileAttempts = 3

// cdnHosts are where Discord serves attachments.
var cdnHosts = []string{"cdn.discordapp.com", "media.discordapp.net"}

// errHTTPStatus is a CDN answer other than 200.
type errHTTPStatus int

func (e errHTTPStatus) Error() string { return fmt.Sprintf("HTTP %d", int(e)) }

// attachmentsReader is the ReadFiles of a message with attachments (nil without).
func (a *Adapter) attachmentsReader(atts []*discordgo.MessageAttachment) func(context.Context) []bot.FileReceipt {
	atts = slices.DeleteFunc(slices.Clone(atts), func(at *discordgo.MessageAttachment) bool { return at == nil })
	if len(atts) == 0 {
		return nil
	}
	return func(ctx context.Context) []bot.FileReceipt {
		out := make([]bot.FileReceipt, 0, len(atts))
		for _, at := range atts {
			out = append(out, a.readAttachment(ctx, at))
		}
		return out
	}
}

// readAttachment downloads and hashes one attachment, or says why it could not.
func (a *Adapter) readAttachment(ctx context.Context, at *discordgo.MessageAttachment) bot.FileReceipt {
	u, err := url.Parse(at.URL)
	if err != nil || u.Scheme != "https" || !slices.Contains(cdnHosts, strings.ToLower(u.Hostname())) {
		return bot.FileReceipt{ID: at.ID, Name: at.Filename, Err: "its link is not on Discord's CDN"}
	}
	download := func(ctx context.Context, w *bot.FileHasher) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return err
		}
		resp, err := a.files.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return errHTTPStatus(resp.StatusCode)
		}
		_, err = io.Copy(w, resp.Body)
		return err
	}
	r := bot.ReadFile(ctx, at.ID, at.Filename, int64(at.Size), a.cfg.MaxFileBytes, fileAttempts, download, transientDownload, describeDownload)
	if r.Err != "" {
		a.log.Warn("discord: could not read an attachment for a 🧾", "attachment", at.ID, "err", r.Err)
	}
	return r
}

// transientDownload: 5xx, 429 and network trouble may pass; 403/404 (an expired or revoked
// link) will not.
func transientDownload(err error) bool {
	var st errHTTPStatus
	if errors.As(err, &st) {
		return st >= 500 || st == http.StatusTooManyRequests
	}
	return true
}

// describeDownload words a failed download for the person who reacted (never the URL: it
// carries the CDN's signature).
func describeDownload(err error) string {
	var st errHTTPStatus
	switch {
	case errors.As(err, &st) && (st == http.StatusNotFound || st == http.StatusForbidden):
		return fmt.Sprintf("Discord's CDN answered HTTP %d: the file is gone or its link expired; react again to get a fresh one", int(st))
	case errors.As(err, &st):
		return fmt.Sprintf("Discord's CDN answered HTTP %d", int(st))
	}
	return "the download failed"
}
