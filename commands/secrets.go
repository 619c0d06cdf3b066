package commands

import (
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/ioc"
)

// actionRedactEntry is the button offered when keep_secrets let a credential through; its
// value is "<incident>:<seq>".
const actionRedactEntry = "redact.entry"

// maskSecrets masks what looks like a credential (cloud keys, tokens, private keys,
// password=…) in incoming text before anything is stored, unless the configuration keeps
// secrets. It returns the text to use and how many it masked.
func (e *Engine) maskSecrets(text string) (string, int) {
	if e.cfg.KeepSecrets {
		if _, n := ioc.MaskSecrets(text); n > 0 {
			return text, -n // kept as written: the reply offers to redact
		}
		return text, 0
	}
	return ioc.MaskSecrets(text)
}

// secretNotice tells the caller what happened to the secrets in what they wrote: masked
// before it was stored, or — with keep_secrets — kept, with a button to redact the entry.
func (c *call) secretNotice() error {
	switch {
	case c.masked > 0 && c.lastSeq > 0:
		c.say("warroom masked %d secret(s) in what you wrote before storing it: the record holds only the masked text.", c.masked)
	case c.masked < 0 && c.lastSeq > 0 && c.inc != nil:
		c.say("That looks like it holds %d secret(s), kept as written (keep_secrets is on). Redact entry %d with the button or /incident redact %d <reason>.", -c.masked, c.lastSeq, c.lastSeq)
		id, ok := c.e.cfg.PlatformID(c.inc.Platform, c.who)
		if !ok {
			return nil
		}
		m := bot.Message{Text: bot.Textf("Entry %d of %s may hold a secret.", c.lastSeq, c.inc.ID()),
			Buttons: []bot.Button{{Action: actionRedactEntry, Label: "Redact entry " + strconv.FormatInt(c.lastSeq, 10), Value: strconv.FormatInt(c.inc.Number, 10) + ":" + strconv.FormatInt(c.lastSeq, 10), Style: "danger"}}}
		return c.tx.Enqueue(bot.Outbound{Lane: laneOf(c.inc), Platform: c.inc.Platform, Op: bot.OpEphemeral, Incident: c.inc.Number,
			Payload: bot.Payload{User: id, Message: m}}, c.now)
	}
	return nil
}

// redactEntryButton is the Redact button of a kept secret.
func redactEntryButton(c *call, value string) error {
	num, seqText, ok := strings.Cut(value, ":")
	n, err1 := strconv.ParseInt(num, 10, 64)
	seq, err2 := strconv.ParseInt(seqText, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return refuse("That button is malformed.")
	}
	inc, err := c.tx.Incident(n)
	if isNotFound(err) {
		return refuse("There is no %s.", bot.FormatID(n))
	}
	if err != nil {
		return err
	}
	c.inc = inc
	if err := c.authorizeAs("press "+actionRedactEntry, "redact"); err != nil {
		return err
	}
	e, err := c.tx.Entry(n, seq)
	if isNotFound(err) {
		return refuse("%s has no timeline entry %d.", inc.ID(), seq)
	}
	if err != nil {
		return err
	}
	return c.redact(e, "a secret, redacted with its button by "+c.who)
}

// ingest cleans a reacted message (plainText) and masks its secrets: a pinned or 🚨
// message cannot be refused, only recorded with what looks like a credential masked.
func (c *call) ingest(text string) string {
	out, n := c.e.maskSecrets(plainText(text))
	c.masked += n
	return out
}
