package commands

import (
	"fmt"
	"strconv"

	"github.com/warroom/warroom/bot"
)

// The announce channel is a broad channel: nothing above TLP:GREEN may reach it (FIRST TLP
// 2.0; TheHive#20). What warroom posts there is its own status line — the id (or codename),
// severity, phase and the next update's time, never a title or anything anyone wrote — and
// it is marked TLP:GREEN. An incident labelled AMBER+STRICT or RED is not even announced:
// at those levels its very existence is for the named recipients only.

// announceCeiling is the most restricted incident label whose status line may still be
// announced.
const announceCeiling = bot.TLPAmber

// announce posts the status line in the announce channel, if one is configured. It returns
// the reply's note when the line was withheld.
func (c *call) announce() (string, error) {
	ch := c.e.cfg.Channels.Announce
	if ch == "" {
		return "", nil
	}
	f, err := c.facts()
	if err != nil {
		return "", err
	}
	if !announceCeiling.Allows(f.TLP) {
		return fmt.Sprintf(" (not announced in %s: %s is %s, and the announce channel receives nothing above TLP:GREEN)", ch, c.inc.ID(), f.TLP), nil
	}
	label := c.inc.ID()
	if c.e.cfg.Channels.Naming == "codename" {
		label = c.inc.ChannelName
	}
	text := bot.Textf("%s · %s · %s · phase %s · updated %s", bot.TLPGreen, label, sevLabel(c.e.cfg, c.inc.Severity), c.inc.Phase, bot.ChatTime(c.now))
	if next, ok := c.e.cfg.Nudges.StatusUpdate["sev"+strconv.Itoa(c.inc.Severity)]; ok {
		text = text.Append(bot.Textf(" · next update by %s", bot.ChatTime(c.now.Add(next.Std())))...)
	}
	return "", c.postTo(c.inc.Platform, ch, bot.Message{Text: drillMark(c.inc, text)})
}

// tlpData is the data of an entry labelled tlp ({} when unlabelled).
func tlpData(tlp bot.TLP) bot.Data {
	if tlp == bot.TLPUnset {
		return bot.Data{}
	}
	return bot.Data{"tlp": tlp.Name()}
}

// tlpNote is the reply's mention of an entry's own label.
func tlpNote(tlp bot.TLP) string {
	if tlp == bot.TLPUnset {
		return ""
	}
	return ", labelled " + tlp.String()
}
