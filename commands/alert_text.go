package commands

import (
	"fmt"
	"strings"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
)

// What alerts look like on the timeline and in chat. Alert text comes from outside, so what
// is posted is made inert first: it can neither mention people nor fake warroom's markup.

// maxDetailsShown bounds how much of an alert's details a chat message carries (the
// timeline keeps all of them).
const maxDetailsShown = 1500

// alertHeader is "siem · critical · firing".
func alertHeader(a alert.Alert) string {
	parts := []string{a.Source}
	if n := alert.SeverityName(a.Severity); n != "" {
		parts = append(parts, n)
	}
	return strings.Join(append(parts, a.Status), " · ")
}

// alertEntryText is the timeline entry's text: everything the alert said.
func alertEntryText(a alert.Alert) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Alert [%s]: %s", alertHeader(a), plainText(a.Summary))
	if a.Details != "" {
		b.WriteString("\n" + plainText(a.Details))
	}
	fmt.Fprintf(&b, "\nkey %s", plainText(a.Key))
	if a.SourceURL != "" {
		b.WriteString(" · " + plainText(a.SourceURL))
	}
	return b.String()
}

// alertCardText is the alert as posted in an incident channel.
func alertCardText(a alert.Alert) bot.Text {
	t := bot.Textf("🔔 *Alert* [%s]: %s", alertHeader(a), inert(a.Summary))
	return t.Append(alertMore(a)...)
}

// alertMore is an alert's details and source link, each on a line of its own.
func alertMore(a alert.Alert) bot.Text {
	var t bot.Text
	if a.Details != "" {
		t = t.Append(bot.Textf("\n%s", inert(shorten(a.Details, maxDetailsShown)))...)
	}
	if a.SourceURL != "" {
		t = t.Append(bot.Textf("\nSource: %s", inert(a.SourceURL))...)
	}
	return t
}

// alertStatusText announces an alert that changed state on an incident.
func alertStatusText(a alert.Alert, count int) bot.Text {
	if a.Status == alert.StatusResolved {
		return bot.Textf("✅ Alert resolved [%s]: %s (alert %d of its key; the incident stays open).", alertHeader(a), inert(a.Summary), count)
	}
	return bot.Textf("🔔 Alert firing again [%s]: %s (alert %d of its key).", alertHeader(a), inert(a.Summary), count)
}

// triageText is a triage post.
func triageText(g *alert.Group, a alert.Alert) bot.Text {
	t := bot.Textf("🔔 *%s* — alert for triage [%s]: %s", alert.TriageID(g.ID), alertHeader(a), inert(a.Summary))
	t = t.Append(alertMore(a)...)
	return t.Append(bot.Textf("\nDeclare opens an incident (you become its declarer); Dismiss closes this post.")...)
}

// triageStatusText marks a triage post's alert resolved (or firing again).
func triageStatusText(g *alert.Group, a alert.Alert) bot.Text {
	if a.Status == alert.StatusResolved {
		return bot.Textf("✅ %s resolved: %s", alert.TriageID(g.ID), inert(a.Summary))
	}
	return bot.Textf("🔔 %s firing again: %s", alert.TriageID(g.ID), inert(a.Summary))
}

// inert cleans outside text for chat: control characters go, and the tokens the adapters
// turn into mentions or dates (<@U…>, <t:…:f>, slack:U…) are broken with a zero-width space,
// as is "](", so a Markdown link [text](url) — which Discord shows as a masked link, the
// text standing for any address — stays visible text.
func inert(s string) string {
	return strings.NewReplacer("](", "]\u200b(", "<@", "<\u200b@", "<t:", "<\u200bt:", "<#", "<\u200b#", "<!", "<\u200b!",
		"slack:", "slack\u200b:", "discord:", "discord\u200b:", "@everyone", "@\u200beveryone", "@here", "@\u200bhere").Replace(plainText(s))
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n-1]) + "…"
	}
	return s
}

var verbAlerts = &Verb{
	Args: []Arg{leadIncident},
	Name: "alerts", Scope: InIncident,
	Summary: "the alerts this incident was declared from or received: first and last seen, count, status, source",
	Run: func(c *call) error {
		if c.rest != "" {
			return c.usage()
		}
		groups, err := c.tx.AlertGroups(c.inc.Number)
		if err != nil {
			return err
		}
		if len(groups) == 0 {
			c.say("%s has received no alerts.", c.inc.ID())
			return nil
		}
		// Outside the incident's channel a codenamed incident is named as `status` names it
		// (shownTitle): a group's summary is often the title itself, and its key and link
		// can say as much, so they are withheld there.
		c.say("%s", alertsListText(c.inc, groups, c.shownTitle(c.inc)))
		return nil
	},
}

// alertsListText lists an incident's alert groups where it is named shown; when that is not
// its title (a codename), what could name it — each group's key, summary and link — is left
// out.
func alertsListText(inc *bot.Incident, groups []alert.Group, shown string) bot.Text {
	var b textBuf
	b.printf("*Alerts on %s*", inc.ID())
	withheld := shown != inc.Title
	if withheld {
		b.printf(" (%s; keys and summaries are shown in its channel only)", inert(shown))
	}
	for _, g := range groups {
		if withheld {
			b.printf("\n• %s [%s] — %d alert(s), first %s, last %s", g.Source, g.Status, g.Count, bot.ChatTime(g.FirstAt), bot.ChatTime(g.LastAt))
			continue
		}
		b.printf("\n• %s [%s, %s]: %s — %d alert(s), first %s, last %s", g.Source, inert(g.Key), g.Status, inert(g.Summary), g.Count,
			bot.ChatTime(g.FirstAt), bot.ChatTime(g.LastAt))
		if g.SourceURL != "" {
			b.printf(" · %s", inert(g.SourceURL))
		}
	}
	return b.t
}
