package discord

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// Discord gives an interaction 3 seconds for its first answer. warroom answers at once with
// "deferred, ephemeral" (type 5, flag 64) — before touching the database or any other Discord
// route — then runs the engine and puts its reply in place of the "thinking…" message. The
// reply is ephemeral, so errors and refusals are shown to the caller only; what everyone
// should see goes through the outbox into the channel.

// ackTimeout bounds the acknowledgement so a stuck connection cannot eat the 3 s window
// silently; the answer after it has Discord's 15-minute token lifetime.
const (
	ackTimeout    = 2500 * time.Millisecond
	answerTimeout = 30 * time.Second
)

func (a *Adapter) onInteraction(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	in := ic.Interaction
	if in == nil {
		return
	}
	if !a.seen.add("interaction:" + in.ID) {
		a.stats.duplicates.Add(1)
		return
	}
	a.track(func(ctx context.Context) { a.handleInteraction(ctx, in) })
}

func (a *Adapter) handleInteraction(ctx context.Context, in *discordgo.Interaction) {
	if in.Type != discordgo.InteractionApplicationCommand && in.Type != discordgo.InteractionMessageComponent {
		return // autocomplete and modals are not used
	}
	log := a.log.With("interaction", in.ID, "guild", in.GuildID, "channel", in.ChannelID)
	if err := a.acknowledge(ctx, in); err != nil {
		// Without an acknowledgement the person sees "the application did not respond" and
		// will try again; acting now could do the thing twice.
		log.Warn("discord: acknowledging an interaction failed; not acting on it", "err", err)
		return
	}
	user := interactionUser(in)
	if !a.served(in.GuildID) {
		a.stats.ignored.Add(1)
		msg := "warroom does not serve this server."
		if _, err := a.homeGuild(); err != nil {
			msg += " (It is in several and DISCORD_GUILD_ID is not set, so it serves none; ask its operator.)"
		}
		a.answer(ctx, in, bot.Reply{Text: bot.Plain(msg)})
		return
	}
	if in.GuildID == "" && in.Type == discordgo.InteractionApplicationCommand && !pageAck(in) {
		// Global commands show up in DMs too; what is typed there has no incident channel
		// and no server membership to check. Only what a page DM offers works there: its
		// button, a ✅ and /page ack.
		a.stats.ignored.Add(1)
		a.answer(ctx, in, bot.Reply{Text: bot.Textf("warroom takes commands in its server's channels, not in direct messages. (Here only /page ack and the buttons on warroom's messages work.)")})
		return
	}
	a.tokens.remember(in.ChannelID, user.ID, in)
	src := bot.Source{Platform: Name, Team: in.GuildID, Channel: in.ChannelID, User: user, DedupKey: "interaction:" + in.ID}
	var reply bot.Reply
	if in.Type == discordgo.InteractionApplicationCommand {
		reply = a.runCommand(ctx, src, in)
	} else {
		reply = a.runPress(ctx, src, in)
	}
	a.answer(ctx, in, reply)
	a.stats.interactions.Add(1)
}

// acknowledge sends the deferred, ephemeral response.
//
// An acknowledgement whose answer was lost (a 5xx, a dropped connection) may have landed:
// the person then sees "thinking…" and must get the answer. So it is sent again: a later
// success, or Discord's 40060 "already acknowledged", both mean it stands. When every try
// ends without a definite answer the command is acted on anyway — what Discord may have
// shown as accepted must not be dropped (README: the one way a Discord command can still
// run twice is the person repeating it after such an unanswered acknowledgement).
func (a *Adapter) acknowledge(ctx context.Context, in *discordgo.Interaction) error {
	ctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	var err error
	for try := range ackTries {
		if try > 0 && !sleepCtx(ctx, time.Duration(try)*50*time.Millisecond) {
			break
		}
		err = classify(a.s.InteractionRespond(in, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		}, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(true), discordgo.WithRestRetries(1)), "acknowledging an interaction")
		var ae *APIError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &ae) && ae.Code == codeAlreadyAcked:
			return nil // an earlier try (ours or discordgo's) landed
		case errors.Is(err, bot.ErrPermanent):
			return err
		}
	}
	a.log.Warn("discord: the acknowledgement's answer was lost every time; acting on the interaction in case it landed",
		"interaction", in.ID, "err", err)
	return nil
}

// ackTries bounds the acknowledgement's tries within ackTimeout.
const ackTries = 4

// sleepCtx waits d unless ctx ends first (then false).
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// runCommand hands the sub-command's typed options to the engine by their declared names.
func (a *Adapter) runCommand(ctx context.Context, src bot.Source, in *discordgo.Interaction) bot.Reply {
	data := in.ApplicationCommandData()
	group, sub, vals := leafCommand(data)
	v := a.byKey[data.Name+"/"+group+"/"+sub]
	if v == nil {
		return bot.Reply{Text: bot.Plain("This command is not known to this version of warroom; Discord may still show an old command list for a few minutes.")}
	}
	opts, users, err := v.options(vals)
	if err != nil {
		return bot.Reply{Text: bot.Plain(v.Slash() + ": " + strings.TrimPrefix(err.Error(), errOption.Error()+": ") + ".")}
	}
	return a.handler.HandleCommand(ctx, bot.Command{Source: src, Name: v.Engine, Typed: true, Verb: v.Prefix, Options: opts, Users: users})
}

// runPress turns a button's custom_id back into the action and value.
func (a *Adapter) runPress(ctx context.Context, src bot.Source, in *discordgo.Interaction) bot.Reply {
	action, value, ok := parseCustomID(in.MessageComponentData().CustomID)
	if !ok {
		return bot.Reply{Text: bot.Plain("That button is not one of warroom's.")}
	}
	p := bot.Press{Source: src, Action: action, Value: value}
	if in.Message != nil {
		p.MessageID = in.Message.ID
	}
	return a.handler.HandlePress(ctx, p)
}

// answer replaces the "thinking…" message with the reply (more ephemeral follow-ups when it
// is longer than one message), or removes it when there is nothing to say.
func (a *Adapter) answer(ctx context.Context, in *discordgo.Interaction, reply bot.Reply) {
	text := reply.Text
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	opts := []discordgo.RequestOption{discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(true)}
	var err error
	parts := splitContent(a.render(text), MaxContent)
	// Editing (or deleting) the original answer is idempotent: retried when its answer is lost.
	for try := range ackTries {
		if try > 0 && !sleepCtx(ctx, time.Duration(try)*100*time.Millisecond) {
			break
		}
		if text.Empty() {
			err = a.s.InteractionResponseDelete(in, opts...)
		} else {
			_, err = a.s.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &parts[0], AllowedMentions: allowedMentions()}, opts...)
		}
		if err == nil || errors.Is(classify(err, "answering"), bot.ErrPermanent) {
			break
		}
	}
	if !text.Empty() {
		for _, p := range parts[1:] {
			if err != nil {
				break
			}
			_, err = a.s.FollowupMessageCreate(in, true, &discordgo.WebhookParams{Content: p,
				Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: allowedMentions()}, opts...)
		}
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		a.log.Warn("discord: answering an interaction failed", "verb", reply.Verb, "interaction", in.ID, "err", classify(err, "answering"))
	}
}

// interactionUser is who acted: the member in a guild, the user in a DM.
func interactionUser(in *discordgo.Interaction) bot.User {
	if in.Member != nil && in.Member.User != nil {
		return bot.User{ID: in.Member.User.ID, Name: displayName(in.Member.Nick, in.Member.User)}
	}
	if in.User != nil {
		return bot.User{ID: in.User.ID, Name: displayName("", in.User)}
	}
	return bot.User{}
}

func displayName(nick string, u *discordgo.User) string {
	switch {
	case nick != "":
		return nick
	case u.GlobalName != "":
		return u.GlobalName
	}
	return u.Username
}

// pageAck reports whether a command is /page ack, which a page's DM asks for.
func pageAck(in *discordgo.Interaction) bool {
	data := in.ApplicationCommandData()
	group, sub, _ := leafCommand(data)
	return data.Name == "page" && group == "" && sub == "ack"
}
