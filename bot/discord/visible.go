package discord

import (
	"context"
	"net/http"

	"github.com/bwmarrin/discordgo"
	"github.com/warroom/warroom/bot"
)

// beforeVisible runs the delivery's last check (bot.BeforeVisible) as a request option:
// discordgo applies options once it holds the route's rate-limit bucket, right before the
// request goes out, so a redaction that committed during a rate limit's wait still stops
// the upload. A refusal swaps in a client that sends nothing and answers the refusal; a
// request retried after a 429 is checked again.
func beforeVisible(ctx context.Context) discordgo.RequestOption {
	return func(cfg *discordgo.RequestConfig) {
		if err := bot.BeforeVisible(ctx); err != nil {
			cfg.Client = &http.Client{Transport: refused{err}}
		}
	}
}

// refused is a transport that sends nothing.
type refused struct{ err error }

func (r refused) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return nil, r.err
}
