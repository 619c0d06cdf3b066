package outbox

import (
	"context"

	"github.com/warroom/warroom/bot"
)

// The channel of a followed lane. An incident's operations name no channel of their own:
// the deliverer reads the incident's channel (and card message) for each. While Run's
// goroutine follows one incident's lane, that channel cannot change: it is set when the
// channel creation is recorded, and a creation is never followed (chain.go), so a new
// channel always starts a new run. Profiled at 1,000 notes/s, the read per post was 2 % of
// the bot's CPU. A card still reads afresh: its message id may have been recorded by the
// operation just before it.

// laneChannel is the incident channel one following goroutine has read.
type laneChannel struct {
	incident int64
	channel  string
}

// incidentChannel gives o's incident's channel and card message, from known when it holds
// that incident's channel and o is not a card.
func (d *Deliverer) incidentChannel(ctx context.Context, o bot.Outbound, known *laneChannel) (channel, card string, err error) {
	if known != nil && known.channel != "" && known.incident == o.Incident && o.Op != bot.OpCard {
		return known.channel, "", nil
	}
	channel, card, err = d.store.IncidentChannel(ctx, o.Incident)
	if err == nil && known != nil {
		known.incident, known.channel = o.Incident, channel
	}
	return channel, card, err
}
