package discord

import (
	"context"

	"github.com/bwmarrin/discordgo"
)

// Delete implements bot.Deleter: a redaction deletes the original message of a redacted
// entry (the bot needs Manage Messages in the channel; without it the platform refuses and
// the outbox records the failure).
func (a *Adapter) Delete(ctx context.Context, channelID, messageID string) error {
	ch, err := a.resolveChannel(ctx, channelID)
	if err != nil {
		return err
	}
	what := "deleting a message in channel " + ch
	if err := a.held(discordgo.EndpointChannelMessage(ch, messageID)); err != nil {
		return classify(err, what)
	}
	return classify(a.s.ChannelMessageDelete(ch, messageID, discordgo.WithContext(ctx)), what)
}
