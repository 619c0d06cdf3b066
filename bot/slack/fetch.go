package slack

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// Reading the message a reaction points at. reaction_added carries only the channel and
// ts, so the adapter fetches the text, author and permalink before calling the engine.
// This happens after the ack, with retries: a reaction made during a Slack hiccup is
// still acted on once the API answers again.

const (
	fetchAttempts = 8                // about two minutes of trying
	fetchMaxWait  = 30 * time.Second // between attempts
)

// fetchMessage reads the reacted message. ok is false when the work was abandoned
// (shutdown); msg is nil when the message could not be read at all.
func (a *Adapter) fetchMessage(ctx context.Context, channel, ts string) (msg *bot.ChatMessage, ok bool) {
	if strings.HasPrefix(channel, "D") {
		// A direct message with the bot (✅ on a page): reading it would need im:history,
		// which warroom does not ask for; the engine goes by the message id alone.
		return nil, true
	}
	var err error
	if _, _, valid := splitTS(ts); valid {
		r := a.readShared(ctx, channel, ts)
		msg, err = r.msg, r.err
	} else {
		// Not a timestamp (Slack sends none such): read alone, so a window of others'
		// reactions is not refused for it.
		err = a.retry(ctx, fetchAttempts, fetchMaxWait, func() error {
			m, err := a.readMessage(ctx, channel, ts)
			msg = m
			return err
		})
	}
	if err == nil {
		return msg, true
	}
	if ctx.Err() != nil || (!errors.Is(err, bot.ErrPermanent) && a.tasks.isStopping()) {
		return nil, false
	}
	a.log.Warn("slack: could not read a reacted message", "channel", channel, "ts", ts, "err", err)
	return nil, true
}

// readMessage finds one message by ts: conversations.history for a channel message (one
// message at exactly ts), conversations.replies when it is a thread reply (history leaves
// replies out), then its permalink. Reactions with a proper ts are read together instead
// (fetchbatch.go).
func (a *Adapter) readMessage(ctx context.Context, channel, ts string) (*bot.ChatMessage, error) {
	hist, err := a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: channel, Latest: ts, Oldest: ts, Inclusive: true, Limit: 1})
	if err != nil {
		return nil, mapError(err)
	}
	if found := findTS(hist.Messages, ts); found != nil {
		return a.chatMessage(ctx, channel, ts, found), nil
	}
	return a.readReply(ctx, channel, ts)
}

// readReply reads message ts that is not a top-level message of channel from its thread.
func (a *Adapter) readReply(ctx context.Context, channel, ts string) (*bot.ChatMessage, error) {
	replies, _, _, err := a.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
		ChannelID: channel, Timestamp: ts, Latest: ts, Oldest: ts, Inclusive: true, Limit: 2})
	if err != nil && !isCode(err, "thread_not_found") {
		return nil, mapError(err)
	}
	found := findTS(replies, ts)
	if found == nil {
		return nil, bot.Permanent(errors.New("slack: message " + ts + " not found in " + channel))
	}
	return a.chatMessage(ctx, channel, ts, found), nil
}

// chatMessage is message ts of channel, as read, for the engine.
func (a *Adapter) chatMessage(ctx context.Context, channel, ts string, found *slack.Message) *bot.ChatMessage {
	author := found.User
	if author == "" {
		author = found.BotID
	}
	m := &bot.ChatMessage{ID: ts, Channel: channel, Author: bot.User{ID: author, Name: found.Username},
		Text: plainText(found.Text), At: tsTime(ts), ReadFiles: a.filesReader(found.Files)}
	m.Permalink = a.permalink(ctx, channel, ts, found.ThreadTimestamp)
	return m
}

// permalink is the link to message ts of channel (thread: the thread's ts, when it is a
// reply). Slack documents its shape with chat.getPermalink — the workspace's address,
// archives/<channel>/p<ts without its dot>, and for a reply in a thread
// ?thread_ts=<parent>&cid=<channel> — so it is built from the address auth.test gave
// rather than with one more Web API call per reaction (a third of a 📌's calls). Without
// that address it is asked for. A missing link is not worth losing the reaction over: the
// engine names the message by channel and ts instead.
func (a *Adapter) permalink(ctx context.Context, channel, ts, thread string) string {
	if a.workspaceURL == "" {
		link, err := a.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
		if err != nil {
			a.log.Warn("slack: chat.getPermalink failed", "channel", channel, "err", err)
		}
		return link
	}
	// The event's ts is escaped like the channel: a crafted one stays within its segment.
	link := a.workspaceURL + "archives/" + url.PathEscape(channel) + "/p" + url.PathEscape(strings.Replace(ts, ".", "", 1))
	if thread != "" && thread != ts {
		link += "?thread_ts=" + url.QueryEscape(thread) + "&cid=" + url.QueryEscape(channel)
	}
	return link
}

// workspaceURL is auth.test's url as the base of permalinks: an http(s) address with a
// host, ending in "/"; anything else gives "" (permalinks are then asked for).
func workspaceURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return ""
	}
	return strings.TrimSuffix(u.String(), "/") + "/"
}

func findTS(msgs []slack.Message, ts string) *slack.Message {
	for i := range msgs {
		if msgs[i].Timestamp == ts {
			return &msgs[i]
		}
	}
	return nil
}

// tsTime reads a Slack ts ("1700000000.000100": seconds and microseconds) as a time.
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}
	}
	var micros int64
	if frac != "" {
		if len(frac) > 6 {
			frac = frac[:6]
		}
		frac += strings.Repeat("0", 6-len(frac))
		micros, _ = strconv.ParseInt(frac, 10, 64)
	}
	return time.Unix(s, micros*1000).UTC()
}
