package slack

import (
	"context"
	"errors"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// Exactly once when Slack's answer is lost. Every message warroom posts carries message
// metadata naming its outbox row; after an attempt that may have landed (bot.Delivery's
// MaybeDone) the adapter looks for that row's id in the channel's recent history before it
// posts again, and records the message it finds instead. A channel whose creation answer was
// lost is found by name and adopted (see adoptable).

// metadataEventType is the event_type of warroom's message metadata.
const metadataEventType = "warroom_outbox"

// lookupPages bounds the history read after an ambiguous failure: 3 pages of 100 newest
// messages. The lane is strictly ordered, so a message whose answer was lost is among the
// newest unless people wrote hundreds of messages while Slack was failing.
const lookupPages = 3

// outboxMetadata tags a post with its outbox row.
func outboxMetadata(key string) slack.MsgOption {
	return slack.MsgOptionMetadata(slack.SlackMetadata{EventType: metadataEventType, EventPayload: map[string]any{"id": key}})
}

// postOnce posts m in channel ch exactly once per outbox row: with the row's metadata, and
// after a possibly-applied attempt only if the channel's history does not show it already.
func (a *Adapter) postOnce(ctx context.Context, ch string, m bot.Message) (string, error) {
	d := bot.DeliveryFrom(ctx)
	opts, blocks := messageParts(m, true)
	if d.Key != "" {
		if d.MaybeDone {
			ts, err := a.findPosted(ctx, ch, d.Key)
			switch {
			case err == nil && ts != "":
				a.log.Info("slack: the message was posted by an attempt whose answer was lost; recording it, not posting again",
					"channel", ch, "ts", ts, "outbox_id", d.Key)
				return ts, nil
			case err != nil && !errors.Is(err, bot.ErrPermanent):
				return "", err // cannot tell yet: try the lookup again later, never post blind
			case err != nil:
				// History is closed to the bot here (a missing scope): posting may
				// duplicate, not posting would lose the message.
				a.log.Warn("slack: cannot read the channel to check for a lost answer; posting again", "channel", ch, "err", err)
			}
		}
		opts = append(opts, outboxMetadata(d.Key))
	}
	ts, err := a.postMessage(ctx, ch, blocks, opts...)
	if err != nil {
		return "", mapError(err)
	}
	return ts, nil
}

// findPosted returns the ts of the bot's message carrying outbox key in the channel's recent
// history, or "" when there is none.
func (a *Adapter) findPosted(ctx context.Context, ch, key string) (string, error) {
	cursor := ""
	for range lookupPages {
		res, err := a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: ch, Limit: 100, Cursor: cursor, IncludeAllMetadata: true})
		if err != nil {
			return "", mapError(err)
		}
		for _, msg := range res.Messages {
			if msg.Metadata.EventType != metadataEventType || (msg.User != a.botUserID && msg.BotID == "") {
				continue
			}
			if id, _ := msg.Metadata.EventPayload["id"].(string); id == key {
				return msg.Timestamp, nil
			}
		}
		if !res.HasMore || res.ResponseMetaData.NextCursor == "" {
			return "", nil
		}
		cursor = res.ResponseMetaData.NextCursor
	}
	return "", nil
}

// channelPurpose is the purpose warroom gives a channel it created: the mark by which a
// retry recognises it, with the outbox row that opened it.
func channelPurpose(key string) string {
	if key == "" {
		return "Incident war room opened by warroom."
	}
	return "Incident war room opened by warroom [outbox " + key + "]."
}

// existingChannels lists the public and private channels the bot can see, by name
// (conversations.list; private ones need groups:read), to find one a lost answer created.
func (a *Adapter) existingChannels(ctx context.Context) (map[string]slack.Channel, error) {
	out := map[string]slack.Channel{}
	cursor := ""
	for {
		chans, next, err := a.api.GetConversationsContext(ctx, &slack.GetConversationsParameters{
			Types: []string{"public_channel", "private_channel"}, ExcludeArchived: true, Limit: 1000, Cursor: cursor})
		if err != nil {
			return nil, mapError(err)
		}
		for _, c := range chans {
			out[c.Name] = c
		}
		if next == "" {
			return out, nil
		}
		cursor = next
	}
}

// adoptable reports whether c, whose name conversations.create just called taken, is the
// channel an earlier attempt of this very operation created: the bot created it, it is not
// archived, and its purpose is this row's mark or — when that attempt's answer was lost
// before the purpose could be set — empty.
func (a *Adapter) adoptable(c slack.Channel, d bot.Delivery) bool {
	if c.Creator != a.botUserID || c.IsArchived {
		return false
	}
	switch c.Purpose.Value {
	case channelPurpose(d.Key):
		return d.Key != ""
	case "":
		return d.MaybeDone
	}
	return false
}
