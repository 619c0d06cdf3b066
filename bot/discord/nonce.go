package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// Exactly once when Discord's answer is lost. Every message warroom creates for an outbox
// row carries a nonce derived from the row (one per part of a split message) with
// enforce_nonce: Discord then answers a repeated request — the outbox's retry after a lost
// answer, or discordgo's own retry of a 502 — with the message the first one created
// instead of creating another. Discord remembers a nonce for a few minutes only; see the
// README for what that leaves.

// maxNonce is Discord's limit on a nonce's length.
const maxNonce = 25

// messageNonce is the nonce of part i of the message delivered for outbox key ("" without a
// key: a send outside the outbox is not deduplicated).
func messageNonce(key string, part int) string {
	if key == "" {
		return ""
	}
	n := "wr" + key + "." + strconv.Itoa(part)
	if len(n) > maxNonce {
		return ""
	}
	return n
}

// nonceSend is discordgo's MessageSend plus the two fields discordgo v0.29 does not have.
type nonceSend struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// createMessage is ChannelMessageSendComplex with an enforced nonce (when nonce != "").
func (a *Adapter) createMessage(ctx context.Context, channelID string, ms *discordgo.MessageSend, nonce string, opts ...discordgo.RequestOption) (*discordgo.Message, error) {
	opts = append([]discordgo.RequestOption{discordgo.WithContext(ctx)}, opts...)
	if nonce == "" {
		return a.s.ChannelMessageSendComplex(channelID, ms, opts...)
	}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	data := nonceSend{MessageSend: ms, Nonce: nonce, EnforceNonce: true}
	var body []byte
	var err error
	if len(ms.Files) > 0 {
		contentType, payload, encErr := discordgo.MultipartBodyWithJSON(data, ms.Files)
		if encErr != nil {
			return nil, encErr
		}
		body, err = a.s.RequestRaw("POST", endpoint, contentType, payload, endpoint, 0, opts...)
	} else {
		body, err = a.s.RequestWithBucketID("POST", endpoint, data, endpoint, opts...)
	}
	if err != nil {
		return nil, err
	}
	var m discordgo.Message
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// replyKey turns a reply's dedup key (which can be long) into a short delivery key for its
// nonce.
func replyKey(dedup string) string {
	sum := sha256.Sum256([]byte(dedup))
	return "r" + hex.EncodeToString(sum[:8])
}

// deliveryKey is the outbox key of the operation ctx delivers ("" outside the outbox).
func deliveryKey(ctx context.Context) string { return bot.DeliveryFrom(ctx).Key }
