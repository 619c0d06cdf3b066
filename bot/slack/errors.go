package slack

import (
	"errors"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// The outbox decides what to do with a failed operation from the error's kind alone:
// *bot.RetryAfterError waits as told, bot.Permanent gives up, anything else is retried with
// backoff. mapError sorts Slack's answers into those three.

// transientCodes are ok:false answers that mean "Slack had a problem": retrying helps.
var transientCodes = map[string]bool{
	"internal_error":      true,
	"fatal_error":         true,
	"service_unavailable": true,
	"request_timeout":     true,
	"ratelimited":         true, // sometimes sent as ok:false with HTTP 200
	"team_added_to_org":   true, // workspace migrating; Slack asks clients to retry
	// Authentication problems block every call alike, so giving up would only drop what the
	// bot meant to say; the operator fixes the token and the queue drains in order.
	"invalid_auth":     true,
	"not_authed":       true,
	"account_inactive": true,
	"token_revoked":    true,
	"token_expired":    true,
}

// defaultRetryAfter applies to a 429 that came without a Retry-After header.
const defaultRetryAfter = 5 * time.Second

// mapError classifies a slack-go error for the outbox.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		wait := rl.RetryAfter
		if wait <= 0 {
			wait = defaultRetryAfter
		}
		return &bot.RetryAfterError{Wait: wait, Err: err}
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		switch {
		case sc.Code == http.StatusTooManyRequests:
			return &bot.RetryAfterError{Wait: defaultRetryAfter, Err: err}
		case sc.Code >= 500, sc.Code == http.StatusRequestTimeout:
			return err
		default:
			// 4xx: the request itself is wrong (unknown method, bad URL); a retry sends
			// the same request again.
			return bot.Permanent(err)
		}
	}
	if code := errorCode(err); code != "" {
		if transientCodes[code] {
			return err
		}
		// Any other ok:false answer is Slack refusing this particular request
		// (channel_not_found, not_in_channel, missing_scope, is_archived, user_not_found,
		// invalid_blocks, msg_too_long …). Retrying would block the lane behind it forever.
		return bot.Permanent(err)
	}
	// Network errors, timeouts, truncated answers: retry.
	return err
}

// errorCode is Slack's ok:false error code, or "" for other errors.
func errorCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// isCode reports whether err is the ok:false answer code.
func isCode(err error, codes ...string) bool {
	c := errorCode(err)
	if c == "" {
		return false
	}
	for _, x := range codes {
		if c == x {
			return true
		}
	}
	return false
}
