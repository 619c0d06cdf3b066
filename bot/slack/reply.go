package slack

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// Replies are the engine's immediate answer to the person who acted. They do not go
// through the outbox (the engine returns them rather than queueing them), so the adapter
// retries them a few times itself.

const replyAttempts = 4

// respond answers through a command's or click's response_url (visible only to the
// person), falling back to chat.postEphemeral when there is none or it fails.
func (a *Adapter) respond(ctx context.Context, responseURL, channel, user string, reply bot.Reply) {
	if reply.Text.Empty() {
		return
	}
	if responseURL != "" && a.responseURLAllowed(responseURL) {
		msg := &slack.WebhookMessage{Text: slackText(reply.Text), ResponseType: slack.ResponseTypeEphemeral}
		err := a.retry(ctx, replyAttempts, 10*time.Second, func() error {
			return mapError(slack.PostWebhookCustomHTTPContext(ctx, responseURL, a.cfg.HTTPClient, msg))
		})
		if err == nil {
			return
		}
		a.log.Warn("slack: answering through response_url failed; trying an ephemeral message", "verb", reply.Verb, "channel", channel, "err", err)
	}
	a.ephemeralReply(ctx, channel, user, reply)
}

// ephemeralReply shows the reply to user in channel (chat.postEphemeral).
func (a *Adapter) ephemeralReply(ctx context.Context, channel, user string, reply bot.Reply) {
	err := a.retry(ctx, replyAttempts, 10*time.Second, func() error {
		return a.Ephemeral(ctx, channel, user, bot.Message{Text: reply.Text})
	})
	if err != nil {
		a.log.Error("slack: could not deliver a reply", "verb", reply.Verb, "channel", channel, "user", user, "err", err)
	}
}

// retry calls fn until it succeeds, fails permanently, or attempts run out, waiting with
// doubling backoff (or as long as a rate limit says) between attempts.
func (a *Adapter) retry(ctx context.Context, attempts int, maxWait time.Duration, fn func() error) error {
	wait := time.Second
	for i := 1; ; i++ {
		err := fn()
		if err == nil || errors.Is(err, bot.ErrPermanent) || i >= attempts || ctx.Err() != nil {
			return err
		}
		d := wait
		var rl *bot.RetryAfterError
		if errors.As(err, &rl) {
			d = rl.Wait
		}
		if !a.tasks.wait(a.clock, d) {
			return err
		}
		wait = min(wait*2, maxWait)
	}
}

// responseURLAllowed keeps replies on Slack's own hosts (or the configured API host, for
// tests and GovSlack): a response_url is where the reply's text goes, so it must not be
// somewhere else.
func (a *Adapter) responseURLAllowed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if u.Scheme == "https" && (host == "slack.com" || strings.HasSuffix(host, ".slack.com") ||
		host == "slack-gov.com" || strings.HasSuffix(host, ".slack-gov.com")) {
		return true
	}
	api, err := url.Parse(a.cfg.APIURL)
	return err == nil && api.Scheme == u.Scheme && strings.EqualFold(api.Host, u.Host)
}
