package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
)

type buttonHandler func(c *call, value string) error
type reactionHandler func(c *call, r bot.Reaction) error

// HandleReaction acts on 🚨 (declare from a message) and 📌 (add a message to the timeline).
// Other emoji are ignored.
func (e *Engine) HandleReaction(ctx context.Context, r bot.Reaction) bot.Reply {
	h, ok := e.reactions[r.Emoji]
	if !ok {
		return bot.Reply{}
	}
	if r.Emoji == "receipt" {
		r = e.readReceiptFiles(ctx, r)
	}
	return e.runAs(ctx, "reaction "+r.Emoji, r.Source, func(c *call) error {
		if err := h(c, r); err != nil {
			return err
		}
		c.sayEntries()
		return c.secretNotice()
	})
}

// HandlePress acts on a button of one of the bot's messages.
func (e *Engine) HandlePress(ctx context.Context, p bot.Press) bot.Reply {
	h, ok := e.buttons[p.Action]
	if !ok {
		return bot.Reply{Text: bot.Plain("That button is no longer handled by this version of warroom.")}
	}
	return e.runAs(ctx, "press "+p.Action, p.Source, func(c *call) error {
		if err := h(c, p.Value); err != nil {
			return err
		}
		c.sayEntries()
		return nil
	})
}

// declareFromReaction declares an incident from the reacted message: its first line is the
// title and a link back is kept. However many people react, it is declared once.
func declareFromReaction(c *call, r bot.Reaction) error {
	if r.Message == nil {
		return refuse("warroom could not read that message, so no incident was declared.")
	}
	if inc, err := c.tx.IncidentByChannel(c.src.Platform, c.src.Channel); err == nil && inc != nil {
		return nil // 🚨 inside an incident channel is just an emoji
	}
	first, err := c.tx.MarkSeen(fmt.Sprintf("declare:%s:%s:%s", c.src.Platform, r.Message.Channel, r.Message.ID), c.now)
	if err != nil || !first {
		return err
	}
	title := strings.TrimSpace(strings.SplitN(c.ingest(r.Message.Text), "\n", 2)[0])
	if title == "" {
		title = "Declared from a message"
	}
	if rs := []rune(title); len(rs) > 80 {
		title = string(rs[:79]) + "…"
	}
	origin := r.Message.Permalink
	if origin == "" {
		origin = "message " + r.Message.ID + " in " + r.Message.Channel
	}
	inc, err := c.declare(declaration{title: title, severity: c.e.cfg.DefaultSeverity, origin: origin})
	if err != nil {
		return err
	}
	author := c.e.cfg.PersonName(c.src.Platform, r.Message.Author.ID)
	if _, err := c.appendEntry(inc.Number, &bot.Entry{At: c.now, OccurredAt: r.Message.At, Actor: author, Kind: bot.KindPin,
		Text: author + ": " + c.ingest(r.Message.Text) + " (" + origin + ")"}, pinData(r.Message), "msg:"+r.Message.Channel+":"+r.Message.ID); err != nil {
		return err
	}
	c.say("Declared %s from that message: #%s is being opened. You are acting commander.", inc.ID(), inc.ChannelName)
	return nil
}

// pinToTimeline adds a message of an incident channel to its timeline with the author and
// the message's own time, once however many react.
func pinToTimeline(c *call, r bot.Reaction) error {
	inc, err := c.tx.IncidentByChannel(c.src.Platform, c.src.Channel)
	if isNotFound(err) {
		return nil // 📌 elsewhere is just an emoji
	}
	if err != nil {
		return err
	}
	if r.Message == nil {
		return refuse("warroom could not read that message, so it was not added to the timeline.")
	}
	c.inc = inc
	if err := c.authorizeAs("react pushpin", "note (📌)"); err != nil {
		return err
	}
	author := c.e.cfg.PersonName(c.src.Platform, r.Message.Author.ID)
	text := author + ": " + c.ingest(r.Message.Text)
	if r.Message.Permalink != "" {
		text += " (" + r.Message.Permalink + ")"
	}
	at := r.Message.At
	if at.IsZero() {
		at = c.now
	}
	added, err := c.appendEntry(inc.Number, &bot.Entry{At: c.now, OccurredAt: at.UTC(), Actor: author, Kind: bot.KindPin, Text: text},
		pinData(r.Message), "msg:"+r.Message.Channel+":"+r.Message.ID)
	if err != nil {
		return err
	}
	if added {
		c.say("Added to the %s timeline (pinned by %s).", inc.ID(), c.who)
	}
	return nil
}

// pinData names the message a pin entry holds, so a redaction by message reference (or a ❌
// on it) finds the entry.
func pinData(m *bot.ChatMessage) bot.Data {
	return bot.Data{"channel": m.Channel, "message": m.ID, "author": m.Author.ID}
}

// plainText makes a platform message safe to record: control characters other than new
// lines and tabs become spaces (typed commands refuse them; a reacted message cannot be
// refused, only cleaned), and invalid UTF-8 is replaced.
func plainText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
