package slack

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/warroom/warroom/bot"
)

// Inbound translation shared by both transports. Each function decides what to do with
// one request and returns quickly: Slack wants every command, interaction and envelope
// acknowledged within 3 s, so anything that needs Slack's Web API happens in a task after
// the ack.

const (
	workingOnIt   = "Working on it — the answer follows in a moment."
	shuttingDown  = "warroom is restarting; try again in a moment."
	internalError = "warroom hit an internal error handling that (it is logged); try again."
	// maxAckText keeps an ack under Socket Mode's 20 KB frame limit with room for JSON.
	maxAckText = 15000
)

// ignoredTeam logs (without payload) a request from a workspace not in slack.team_ids.
func (a *Adapter) ignoredTeam(kind, team string) bool {
	if a.teamAllowed(team) {
		return false
	}
	a.log.Warn("slack: ignoring a request from a workspace not in slack.team_ids", "kind", kind, "team", team)
	return true
}

// dedupKey is a stable id for a delivery, so a redelivered request changes nothing.
func dedupKey(kind, id string) string {
	if id == "" {
		return ""
	}
	return kind + ":" + id
}

// command runs a slash command within the budget and returns the reply its ack carries
// (no text: a bare ack). When the engine needs longer the ack says so and the answer
// follows through response_url.
func (a *Adapter) command(sc slack.SlashCommand) bot.Reply {
	if a.ignoredTeam("command", sc.TeamID) {
		return bot.Reply{}
	}
	cmd := bot.Command{
		Source: bot.Source{Platform: Name, Team: sc.TeamID, Channel: sc.ChannelID,
			User: bot.User{ID: sc.UserID, Name: sc.UserName}, DedupKey: dedupKey("cmd", sc.TriggerID)},
		Name: strings.TrimPrefix(strings.TrimSpace(sc.Command), "/"),
		Text: plainText(sc.Text),
	}
	done := make(chan bot.Reply, 1)
	if !a.tasks.goAsync(func(ctx context.Context) {
		r := bot.Reply{Text: bot.Plain(internalError)}
		defer func() { done <- r }() // even if the engine panics
		r = a.handler.HandleCommand(ctx, cmd)
	}) {
		return bot.Reply{Text: bot.Plain(shuttingDown)}
	}
	late := func() {
		a.tasks.goAsync(func(ctx context.Context) {
			select {
			case r := <-done:
				a.respond(ctx, sc.ResponseURL, sc.ChannelID, sc.UserID, r)
			case <-ctx.Done():
			}
		})
	}
	select {
	case r := <-done:
		if len(slackText(r.Text)) > maxAckText {
			done <- r
			late()
			return bot.Reply{Text: bot.Plain("The answer is long; it follows below."), Verb: r.Verb}
		}
		return r
	case <-a.clock.After(a.cfg.CommandBudget):
		late()
		return bot.Reply{Text: bot.Plain(workingOnIt)}
	}
}

// ackPayload is a slash command ack that shows text to the caller only.
func ackPayload(text bot.Text) map[string]any {
	return map[string]any{"response_type": "ephemeral", "text": slackText(text)}
}

// reaction returns the work a reaction_added event calls for, or nil when it is to be
// acknowledged and ignored (another workspace, the bot's own reaction, an emoji nobody
// acts on, a reaction to a file).
func (a *Adapter) reaction(team, eventID string, ev *slackevents.ReactionAddedEvent) func(context.Context) {
	if ev == nil || a.ignoredTeam("reaction", team) {
		return nil
	}
	emoji := normalizeEmoji(ev.Reaction)
	if ev.Item.Type != "message" || ev.Item.Channel == "" || ev.Item.Timestamp == "" ||
		ev.User == "" || ev.User == a.botUserID || !slices.Contains(a.cfg.Reactions, emoji) {
		return nil
	}
	channel, ts, user := ev.Item.Channel, ev.Item.Timestamp, ev.User
	return func(ctx context.Context) {
		msg, ok := a.fetchMessage(ctx, channel, ts)
		if !ok {
			return // shutting down: abandoned rather than reported as unreadable
		}
		r := bot.Reaction{
			Source:    bot.Source{Platform: Name, Team: team, Channel: channel, User: bot.User{ID: user}, DedupKey: eventID},
			MessageID: ts, Emoji: emoji, Message: msg,
		}
		reply := a.handler.HandleReaction(ctx, r)
		if !reply.Text.Empty() {
			a.reactionReply(ctx, channel, user, reply)
		}
	}
}

// interaction returns the work a block_actions payload calls for (nil: ignore it).
func (a *Adapter) interaction(cb slack.InteractionCallback) func(context.Context) {
	if a.ignoredTeam("interaction", cb.Team.ID) || cb.Type != slack.InteractionTypeBlockActions {
		return nil
	}
	actions := cb.ActionCallback.BlockActions
	if len(actions) == 0 {
		return nil
	}
	channel := cb.Container.ChannelID
	if channel == "" {
		channel = cb.Channel.ID
	}
	messageID := cb.Container.MessageTs
	if messageID == "" {
		messageID = cb.Message.Timestamp
	}
	// trigger_id is unique per click and repeated when Slack redelivers the envelope.
	id := cb.TriggerID
	if id == "" {
		id = cb.User.ID + ":" + cb.ActionTs
	}
	return func(ctx context.Context) {
		for i, act := range actions {
			if act == nil {
				continue
			}
			key := dedupKey("press", id)
			if i > 0 {
				key += "#" + strconv.Itoa(i)
			}
			p := bot.Press{
				Source: bot.Source{Platform: Name, Team: cb.Team.ID, Channel: channel,
					User: bot.User{ID: cb.User.ID, Name: cb.User.Name}, DedupKey: key},
				MessageID: messageID, Action: actionName(act.ActionID), Value: act.Value,
			}
			if reply := a.handler.HandlePress(ctx, p); !reply.Text.Empty() {
				a.respond(ctx, cb.ResponseURL, channel, cb.User.ID, reply)
			}
		}
	}
}
