package discord

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// Discord JSON error codes the adapter treats specially.
const (
	codeUnknownChannel     = 10003
	codeUnknownMessage     = 10008
	codeUnknownInteraction = 10062
	codeMaxPins            = 30003
	codeMaxGuildChannels   = 30013
	codeRequestTooLarge    = 40005
	codeAlreadyAcked       = 40060
	codeMissingAccess      = 50001
	codeMissingPermissions = 50013
	codeCannotDM           = 50007
	codeInvalidForm        = 50035
)

// APIError is a Discord refusal in words a person can act on. It never carries the token
// or request headers, only the status, Discord's code and message, and what warroom was doing.
type APIError struct {
	Status  int
	Code    int
	Message string
	What    string // "creating channel #inc-3-x"
	Hint    string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("discord: %s: HTTP %d", e.What, e.Status)
	if e.Code != 0 || e.Message != "" {
		s += fmt.Sprintf(" %s (code %d)", e.Message, e.Code)
	}
	if e.Hint != "" {
		s += " — " + e.Hint
	}
	return s
}

// hints explain the refusals an operator can fix.
var hints = map[int]string{
	codeMaxGuildChannels:   "the Discord server has reached its limit of 500 channels; delete old channels (closed incidents are kept in the \"Incidents archive\" category) so warroom can open new ones",
	codeMissingAccess:      "the bot cannot see that channel; check its role and the channel's permissions (docs/discord/README.md lists what it needs)",
	codeMissingPermissions: "the bot lacks a permission it needs there (docs/discord/README.md lists them)",
	codeCannotDM:           "that person does not accept direct messages from server members",
	codeUnknownChannel:     "the channel no longer exists",
	codeMaxPins:            "the channel already has 50 pinned messages",
	codeRequestTooLarge:    "the file is larger than Discord accepts (10 MiB on a server without boosts)",
}

// classify maps an error from discordgo onto the outbox's contract: a 429 becomes
// *bot.RetryAfterError, a refusal no retry can fix (4xx) becomes bot.Permanent, and 5xx,
// timeouts and network errors stay plain so they are retried with backoff.
func classify(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("discord: %s: %w", what, err)
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		return &bot.RetryAfterError{Wait: max(rl.RetryAfter, 50*time.Millisecond), Err: fmt.Errorf("discord: %s: rate limited", what)}
	}
	var held *heldError
	if errors.As(err, &held) {
		return &bot.RetryAfterError{Wait: held.wait, Err: fmt.Errorf("discord: %s: %s", what, held.reason)}
	}
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		return fmt.Errorf("discord: %s: %w", what, err)
	}
	e := &APIError{Status: re.Response.StatusCode, What: what}
	if re.Message != nil {
		e.Code, e.Message = re.Message.Code, re.Message.Message
	}
	e.Hint = hints[e.Code]
	switch {
	case e.Status == http.StatusTooManyRequests:
		return &bot.RetryAfterError{Wait: time.Second, Err: e}
	case e.Status >= 500 || e.Status == http.StatusRequestTimeout:
		return e
	case e.Status == http.StatusUnauthorized:
		// A revoked or reset token: fixing it and restarting delivers what is queued, so the
		// outbox keeps it (the guard keeps the retries from piling up refusals).
		e.Hint = "Discord no longer accepts the bot token; set a valid DISCORD_BOT_TOKEN and restart"
		return e
	case e.Status >= 400:
		return bot.Permanent(e)
	}
	return e
}

// apiCode is Discord's JSON error code of err (0 when it is not a REST refusal).
func apiCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

// categoryFull reports Discord's answer for a category holding 50 channels: 400 50035 with
// CHANNEL_PARENT_MAX_CHANNELS on parent_id (not a 300xx code).
func categoryFull(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Message != nil && re.Message.Code == codeInvalidForm &&
		bytes.Contains(re.ResponseBody, []byte("CHANNEL_PARENT_MAX_CHANNELS"))
}
