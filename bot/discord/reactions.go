package discord

import (
	"context"
	"errors"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// emojiNames maps the unicode emoji warroom acts on to their platform-neutral names. Other
// emoji are dropped here: reading the reacted message costs a REST call.
var emojiNames = map[string]string{
	"🚨": "rotating_light",
	"📌": "pushpin",
	"📍": "pushpin",
	"✅": "white_check_mark",
	"❌": "x",       // a redaction, by a commander, scribe or lead
	"🧾": "receipt", // an uploaded file as evidence (files.go)
}

func (a *Adapter) onReactionAdd(_ *discordgo.Session, r *discordgo.MessageReactionAdd) {
	if r.MessageReaction == nil {
		return
	}
	emoji, ok := emojiNames[r.Emoji.Name]
	if !ok || r.UserID == a.botUserID() || !a.served(r.GuildID) {
		a.stats.ignored.Add(1)
		return
	}
	// One person's one emoji on one message: however often the gateway delivers it.
	key := "reaction:" + r.ChannelID + ":" + r.MessageID + ":" + r.UserID + ":" + emoji
	if !a.seen.add(key) {
		a.stats.duplicates.Add(1)
		return
	}
	a.track(func(ctx context.Context) { a.handleReaction(ctx, r, emoji, key) })
}

func (a *Adapter) handleReaction(ctx context.Context, r *discordgo.MessageReactionAdd, emoji, key string) {
	user := bot.User{ID: r.UserID}
	if r.Member != nil && r.Member.User != nil {
		user.Name = displayName(r.Member.Nick, r.Member.User)
	}
	msg, err := a.fetchMessage(ctx, r.GuildID, r.ChannelID, r.MessageID)
	if err != nil {
		// The engine answers a reaction without its message ("could not read that message").
		a.log.Warn("discord: reading the reacted message failed", "channel", r.ChannelID, "message", r.MessageID, "err", err)
	}
	reply := a.handler.HandleReaction(ctx, bot.Reaction{
		Source:    bot.Source{Platform: Name, Team: r.GuildID, Channel: r.ChannelID, User: user, DedupKey: key},
		MessageID: r.MessageID, Emoji: emoji, Message: msg,
	})
	defer a.stats.reactions.Add(1)
	if reply.Text.Empty() {
		return
	}
	// A reaction has no interaction token, so the reply to the person reacting is a DM. It
	// does not go through the outbox; the reaction's key gives it a nonce all the same, so a
	// 502 that discordgo retries by itself does not send it twice.
	ctx = bot.WithDelivery(ctx, bot.Delivery{Key: replyKey(key)})
	if _, err := a.DM(ctx, r.UserID, bot.Message{Text: reply.Text}); err != nil {
		a.log.Warn("discord: telling the reactor failed", "verb", reply.Verb, "user", r.UserID, "err", err)
	}
}

// fetchMessage reads the message a reaction points at: its text (which needs the Message
// Content intent), author, time and a jump link. REST messages carry no guild_id, so the
// link uses the reaction's guild ("@me" in DMs).
func (a *Adapter) fetchMessage(ctx context.Context, guildID, channelID, messageID string) (*bot.ChatMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// A read is safe to repeat: one whose answer was lost is tried again, a few times.
	var m *discordgo.Message
	var err error
	for try := range ackTries {
		if try > 0 && !sleepCtx(ctx, time.Duration(try)*100*time.Millisecond) {
			break
		}
		m, err = a.s.ChannelMessage(channelID, messageID, discordgo.WithContext(ctx))
		if err == nil || errors.Is(classify(err, "reading a message"), bot.ErrPermanent) {
			break
		}
	}
	if err != nil {
		return nil, classify(err, "reading a message")
	}
	cm := &bot.ChatMessage{ID: m.ID, Channel: channelID, Text: messageText(m), At: m.Timestamp.UTC(),
		Permalink: permalink(guildID, channelID, m.ID), ReadFiles: a.attachmentsReader(m.Attachments)}
	if m.Author != nil {
		cm.Author = bot.User{ID: m.Author.ID, Name: displayName("", m.Author)}
		if m.Member != nil && m.Member.Nick != "" {
			cm.Author.Name = m.Member.Nick
		}
	}
	return cm, nil
}

// messageText is a message's content plus its attachments' links, so a pinned screenshot
// is not lost from the timeline.
func messageText(m *discordgo.Message) string {
	text := m.Content
	for _, at := range m.Attachments {
		if at == nil {
			continue
		}
		line := "[attachment: " + at.Filename
		if at.URL != "" {
			line += " " + at.URL
		}
		line += "]"
		if text != "" {
			text += "\n"
		}
		text += line
	}
	return text
}

// permalink is Discord's jump link to a message.
func permalink(guildID, channelID, messageID string) string {
	if guildID == "" {
		guildID = "@me"
	}
	return "https://discord.com/channels/" + guildID + "/" + channelID + "/" + messageID
}
