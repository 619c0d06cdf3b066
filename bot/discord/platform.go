package discord

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"mime"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// Post implements bot.Platform. A message longer than Discord's 2,000 characters goes out
// as several, buttons on the last; the first one's id is returned (the one pinned). If a
// later part fails, the parts already sent are remembered so the outbox's retry sends only
// the rest — nothing doubled. Each part carries an enforced nonce (createMessage), so a part
// whose answer was lost is not created twice either.
func (a *Adapter) Post(ctx context.Context, channelID string, m bot.Message) (string, error) {
	ch, err := a.resolveChannel(ctx, channelID)
	if err != nil {
		return "", err
	}
	return a.send(ctx, ch, m, "posting in channel "+ch)
}

func (a *Adapter) send(ctx context.Context, channelID string, m bot.Message, what string) (string, error) {
	parts := splitContent(a.render(m.Text), MaxContent)
	comps := components(m.Buttons, a.log)
	key := ""
	var ids []string
	if len(parts) > 1 {
		key = channelID + "/" + digest(m)
		a.mu.Lock()
		ids = slices.Clone(a.partial[key])
		a.mu.Unlock()
	}
	for i := len(ids); i < len(parts); i++ {
		ms := &discordgo.MessageSend{Content: parts[i], AllowedMentions: allowedMentions()}
		if i == len(parts)-1 {
			ms.Components = comps
		}
		err := a.held(discordgo.EndpointChannelMessages(channelID))
		var msg *discordgo.Message
		if err == nil {
			msg, err = a.createMessage(ctx, channelID, ms, messageNonce(deliveryKey(ctx), i))
		}
		if err != nil {
			if key != "" && len(ids) > 0 {
				a.mu.Lock()
				if len(a.partial) > 1000 { // abandoned after permanent failures; keep it bounded
					clear(a.partial)
				}
				a.partial[key] = ids
				a.mu.Unlock()
			}
			return "", classify(err, what)
		}
		ids = append(ids, msg.ID)
	}
	if key != "" {
		a.mu.Lock()
		delete(a.partial, key)
		a.mu.Unlock()
	}
	return ids[0], nil
}

func digest(m bot.Message) string {
	b, _ := json.Marshal(m)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Update implements bot.Platform (the incident card). An edit cannot grow into two messages,
// so text beyond 2,000 characters is cut with "…".
func (a *Adapter) Update(ctx context.Context, channelID, messageID string, m bot.Message) error {
	ch, err := a.resolveChannel(ctx, channelID)
	if err != nil {
		return err
	}
	content := truncate(a.render(m.Text), MaxContent)
	comps := components(m.Buttons, a.log)
	if comps == nil {
		comps = []discordgo.MessageComponent{} // an empty list removes buttons; nil would keep them
	}
	what := "editing a message in channel " + ch
	if err := a.held(discordgo.EndpointChannelMessage(ch, messageID)); err != nil {
		return classify(err, what)
	}
	_, err = a.s.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: messageID, Channel: ch, Content: &content,
		Components: &comps, AllowedMentions: allowedMentions()}, discordgo.WithContext(ctx))
	return classify(err, what)
}

// Ephemeral implements bot.Platform. Discord shows a message to one person only as an answer
// to their interaction, so while the person's latest interaction in that channel is fresh
// (its token lasts 15 minutes) the message is an ephemeral follow-up on it; otherwise a DM.
func (a *Adapter) Ephemeral(ctx context.Context, channelID, user string, m bot.Message) error {
	if in := a.tokens.fresh(channelID, user); in != nil {
		err := a.followup(ctx, in, m)
		if err == nil {
			return nil
		}
		a.log.Info("discord: ephemeral follow-up failed, sending a DM instead", "user", user, "err", err)
	}
	_, err := a.DM(ctx, user, m)
	return err
}

func (a *Adapter) followup(ctx context.Context, in *discordgo.Interaction, m bot.Message) error {
	parts := splitContent(a.render(m.Text), MaxContent)
	for i, p := range parts {
		params := &discordgo.WebhookParams{Content: p, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: allowedMentions()}
		if i == len(parts)-1 {
			params.Components = components(m.Buttons, a.log)
		}
		if _, err := a.s.FollowupMessageCreate(in, true, params, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(true)); err != nil {
			return classify(err, "sending an ephemeral follow-up")
		}
	}
	return nil
}

// DM implements bot.Platform.
func (a *Adapter) DM(ctx context.Context, user string, m bot.Message) (string, error) {
	ch, err := a.dmChannel(ctx, user)
	if err != nil {
		return "", err
	}
	return a.send(ctx, ch, m, "sending a direct message")
}

// dmChannel opens (once per process) the DM channel with a user.
func (a *Adapter) dmChannel(ctx context.Context, user string) (string, error) {
	a.mu.Lock()
	id, ok := a.dms[user]
	a.mu.Unlock()
	if ok {
		return id, nil
	}
	if !isSnowflake(user) {
		return "", bot.Permanent(&APIError{Status: 400, What: "opening a DM with " + user, Message: "not a Discord user id"})
	}
	what := "opening a DM"
	if err := a.held(discordgo.EndpointUserChannels("@me")); err != nil {
		return "", classify(err, what)
	}
	ch, err := a.s.UserChannelCreate(user, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify(err, what)
	}
	a.mu.Lock()
	a.dms[user] = ch.ID
	a.mu.Unlock()
	return ch.ID, nil
}

// SetTopic implements bot.Platform. Discord allows two channel edits per ten minutes; the
// topic is a view of the incident's state that every change sets again, so when Discord
// says "later" the newest topic is applied then, in the background, and the outbox lane —
// which carries the incident's real messages — moves on instead of waiting minutes.
func (a *Adapter) SetTopic(ctx context.Context, channelID, topic string) error {
	topic = truncate(topic, maxTopic)
	a.mu.Lock()
	same := a.topics[channelID] == topic
	a.pendingTopics[channelID] = topic // the newest wanted; a deferred older one yields to it
	a.mu.Unlock()
	if same {
		return nil
	}
	what := "setting the topic of channel " + channelID
	err := a.held(discordgo.EndpointChannel(channelID))
	if err == nil {
		_, err = a.s.ChannelEditComplex(channelID, &discordgo.ChannelEdit{Topic: topic}, discordgo.WithContext(ctx))
	}
	err = classify(err, what)
	var rl *bot.RetryAfterError
	if errors.As(err, &rl) && rl.Wait > shortWait {
		a.later(channelID, topic, rl.Wait)
		return nil
	}
	if err == nil {
		a.mu.Lock()
		a.topics[channelID] = topic
		a.mu.Unlock()
	}
	return err
}

// later applies the newest topic after wait, unless a newer one was set meanwhile.
func (a *Adapter) later(channelID, topic string, wait time.Duration) {
	a.clock.AfterFunc(wait+100*time.Millisecond, func() {
		a.mu.Lock()
		current := a.pendingTopics[channelID]
		a.mu.Unlock()
		if current != topic || a.ctx == nil || a.ctx.Err() != nil {
			return
		}
		if err := a.SetTopic(a.ctx, channelID, topic); err != nil {
			a.log.Warn("discord: deferred topic update failed", "channel", channelID, "err", err)
		}
	})
}

// Pin implements bot.Platform.
func (a *Adapter) Pin(ctx context.Context, channelID, messageID string) error {
	what := "pinning a message in channel " + channelID
	if err := a.held(discordgo.EndpointChannelMessagePin(channelID, messageID)); err != nil {
		return classify(err, what)
	}
	return classify(a.s.ChannelMessagePin(channelID, messageID, discordgo.WithContext(ctx)), what)
}

// Upload implements bot.Platform: the file is a message attachment, its comment the text.
func (a *Adapter) Upload(ctx context.Context, channelID string, f bot.File) error {
	ch, err := a.resolveChannel(ctx, channelID)
	if err != nil {
		return err
	}
	what := "uploading " + f.Name
	ms := &discordgo.MessageSend{Content: truncate(a.render(f.Comment), MaxContent), AllowedMentions: allowedMentions(),
		Files: []*discordgo.File{{Name: f.Name, ContentType: contentType(f.Name), Reader: bytes.NewReader(f.Data)}}}
	if err := a.held(discordgo.EndpointChannelMessages(ch)); err != nil {
		return classify(err, what)
	}
	_, err = a.createMessage(ctx, ch, ms, messageNonce(deliveryKey(ctx), 0), beforeVisible(ctx))
	if errors.Is(err, bot.ErrRewritten) {
		return err // not sent: the deliverer reads the upload again
	}
	return classify(err, what)
}

func contentType(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md":
		return "text/markdown; charset=utf-8"
	case ".json":
		return "application/json"
	case ".csv":
		return "text/csv; charset=utf-8"
	}
	if t := mime.TypeByExtension(filepath.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
