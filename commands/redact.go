package commands

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

var verbRedact = &Verb{
	Name: "redact", Scope: InIncident,
	Summary: "remove an entry's text from everywhere warroom keeps it (e.g. a pasted password); the chain still verifies",
	Args:    []Arg{redactEntry, {Name: "reason", Kind: ArgText, Required: true}},
	Run: func(c *call) error {
		e, err := c.redactTarget(c.args)
		if err != nil {
			return err
		}
		return c.redact(e, c.args.Text("reason"))
	},
}

// verbRedactRun redacts the request of a playbook run ("redact run 3 <reason>"): its
// parameters with it. On Discord it is /incident redact-run beside redact.
var verbRedactRun = &Verb{
	Name: "redact run", Sub: "redact-run", Scope: InIncident, Action: "incident redact",
	Summary: "redact a playbook run's request and its parameters (see /incident actions)",
	Args:    []Arg{{Name: "n", Kind: ArgInt, Required: true, Label: "run number"}, {Name: "reason", Kind: ArgText, Required: true}},
	Run: func(c *call) error {
		e, err := c.runRequestEntry(c.args.Text("n"))
		if err != nil {
			return err
		}
		return c.redact(e, c.args.Text("reason"))
	},
}

// redactEntry: the entry a redaction names, one of three kinds: its number (any number,
// so 0 is refused as one, not looked up as a message), last, or a message: its link or id,
// a word as typed (a link keeps its case: Slack channel ids). "run N" is verbRedactRun.
var redactEntry = Arg{Name: "entry", Kind: ArgWord, Required: true, Placeholder: "<seq|last|run N|message link>", Help: "entry number, last, or a message link",
	OneOf: []Arg{{Name: "seq", Kind: ArgInt, Label: "entry number", Match: isInteger, Refuse: func(raw string, _ []string) error {
		// Match took raw as a whole number: it is below 1 or past the bound.
		if n, _ := strconv.ParseInt(raw, 10, 64); n >= 1 {
			return refuse("%q is not an entry number: a number from 1 to %d.", raw, maxArgInt)
		}
		return refuse("%q is not an entry number: entries count from 1.", raw)
	}},
		{Name: "last", Kind: ArgChoice, Choices: []string{"last"}, Match: func(w string) bool { return strings.EqualFold(w, "last") }},
		{Name: "message", Kind: ArgWord, Label: "message link"}}}

// isInteger: a word strconv reads as a whole number, with its sign.
func isInteger(w string) bool { _, err := strconv.ParseInt(w, 10, 64); return err == nil }

// redactTarget finds the entry a redaction names: its number, "last" (the latest entry
// holding what a person wrote), or a link to (or the id of) the message it records.
func (c *call) redactTarget(a Args) (bot.Entry, error) {
	if a.Which("entry") == "seq" {
		seq := a.Int("entry")
		e, err := c.tx.Entry(c.inc.Number, seq)
		if isNotFound(err) {
			return e, refuse("%s has no timeline entry %d.", c.inc.ID(), seq)
		}
		return e, err
	}
	var found bot.Entry
	which, last := a.Text("entry"), a.Which("entry") == "last"
	channel, message := messageLink(which)
	err := c.tx.EachEntry(c.inc.Number, func(e bot.Entry) error {
		if e.Redacted || e.Kind == bot.KindRedaction {
			return nil
		}
		if last {
			if len(bot.RedactableTexts(e)) > 0 && e.Kind != bot.KindDeclared {
				found = e
			}
			return nil
		}
		d, _ := bot.DecodeData(e.Data)
		if strings.HasSuffix(e.Text, " ("+which+")") || d.Str("message") == which ||
			message != "" && d.Str("message") == message && (channel == "" || d.Str("channel") == channel) {
			found = e
		}
		return nil
	})
	if err != nil {
		return found, err
	}
	if found.Seq == 0 {
		if last {
			return found, refuse("%s has no entry with text someone wrote to redact.", c.inc.ID())
		}
		return found, refuse("No entry of %s records the message %q: give the entry number (see warroom timeline %s) or the message's link.", c.inc.ID(), which, c.inc.ID())
	}
	return found, nil
}

// messageLink reads a Slack permalink (…/archives/C123/p1712345678123456) or a Discord
// message link (…/channels/<guild>/<channel>/<message>) into channel and message id.
func messageLink(s string) (channel, message string) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch {
	case len(parts) == 3 && parts[0] == "archives" && len(parts[2]) > 7 && parts[2][0] == 'p':
		ts := parts[2][1:]
		return parts[1], ts[:len(ts)-6] + "." + ts[len(ts)-6:]
	case len(parts) == 4 && parts[0] == "channels":
		return parts[2], parts[3]
	}
	return "", ""
}

// redact removes entry e's text from the entry (text and salt), from every other entry,
// derived row and outbox payload that holds it, edits the messages warroom posted with it,
// and deletes the original message where the platform lets the bot — all in this
// transaction, so an interrupted redaction leaves the old state or the new, never half.
func (c *call) redact(e bot.Entry, reason string) error {
	if e.Redacted {
		return refuse("Entry %d is already redacted.", e.Seq)
	}
	if e.Kind == bot.KindRedaction {
		return refuse("Entry %d records a redaction; it cannot itself be redacted.", e.Seq)
	}
	scrub, seqs, runs, err := c.redactionScope(e)
	if err != nil {
		return err
	}
	for _, k := range runs {
		if err := c.tx.RedactRunParams(c.inc.Number, k); err != nil {
			return err
		}
	}
	var records []string
	for _, seq := range seqs {
		if _, err := c.tx.Redact(c.inc.Number, seq); err != nil {
			return err
		}
		why := reason
		if seq != e.Seq {
			why = fmt.Sprintf("%s (it repeated the text of entry %d)", reason, e.Seq)
		}
		d := bot.Data{"seq": seq}
		if late, err := c.afterClose(d); err != nil {
			return err
		} else if late != "" && seq == e.Seq {
			c.say("Recorded%s.", late)
		}
		if err := c.record(bot.KindRedaction, redactionText(seq, why), d); err != nil {
			return err
		}
		records = append(records, strconv.FormatInt(c.lastSeq, 10))
	}
	edited := bot.Textf("[redacted by %s: %s]", bot.Who(c.who), reason)
	for _, o := range scrub.Posted {
		edit := bot.Outbound{Lane: o.Lane, Platform: o.Platform, Op: bot.OpEdit, Incident: o.Incident, Target: o.Target,
			Payload: bot.Payload{MessageID: o.Payload.MessageID, Message: bot.Message{Text: edited}}}
		if err := c.tx.Enqueue(edit, c.now); err != nil {
			return err
		}
	}
	original, err := c.deleteOriginal(e)
	if err != nil {
		return err
	}
	c.dirty, c.redacted = true, true
	if err := c.post(bot.Message{Text: bot.Textf("%s redacted timeline entry %d: %s", c.who, e.Seq, reason)}); err != nil {
		return err
	}
	c.say("Entry %d of %s redacted (recorded as entry %s); its digest stays, so the timeline still verifies.", e.Seq, c.inc.ID(), strings.Join(records, ", "))
	if len(seqs) > 1 {
		c.say("Entries %s repeated its text and were redacted too.", joinSeqs(seqs[1:]))
	}
	if n := len(scrub.Posted); n > 0 {
		c.say("%d message(s) warroom posted with it are being edited to %s.", n, edited)
	}
	if said := redactRunsSaid(runs); said != "" {
		c.say("%s", said)
	}
	if original != "" {
		c.say("%s", original)
	}
	if len(scrub.Uploaded) > 0 {
		c.say("A report file uploaded earlier still holds it on the platform: delete that file there.")
	}
	if n := len(scrub.Direct); n > 0 {
		c.say("%d direct message(s) warroom sent with it still hold it: warroom cannot edit direct messages; ask their recipients to delete them.", n)
	}
	c.say("Backups taken before now still hold the text: warroom backup --list-redactions FILE lists what each holds.")
	return nil
}

// deleteOriginal deletes the message a pin entry records, where the platform lets the bot
// (Discord with Manage Messages, the console); on Slack only its author can, and the reply
// says so.
func (c *call) deleteOriginal(e bot.Entry) (string, error) {
	d, _ := bot.DecodeData(e.Data)
	ch, msg := d.Str("channel"), d.Str("message")
	if msg == "" {
		return "", nil
	}
	if c.inc.Platform == "slack" {
		return "The original message is still in the channel: Slack lets only its author delete it — ask them to.", nil
	}
	del := bot.Outbound{Lane: laneOf(c.inc), Platform: c.inc.Platform, Op: bot.OpDelete, Incident: c.inc.Number, Target: ch,
		Payload: bot.Payload{MessageID: msg}}
	return "The original message is being deleted.", c.tx.Enqueue(del, c.now)
}

func without(seqs []int64, drop int64) []int64 {
	var out []int64
	for _, s := range seqs {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

func joinSeqs(seqs []int64) string {
	parts := make([]string, len(seqs))
	for i, s := range seqs {
		parts[i] = strconv.FormatInt(s, 10)
	}
	return strings.Join(parts, ", ")
}

// redactByReaction is ❌ on a message the timeline holds (a pinned message, or warroom's
// own post of a note or update): a commander, scribe or lead redacts its entry at once —
// a pasted secret should not wait for a reason — and is asked for the reason.
func redactByReaction(c *call, r bot.Reaction) error {
	inc, err := c.tx.IncidentByChannel(c.src.Platform, c.src.Channel)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	c.inc = inc
	e, ok, err := c.entryOfMessage(r)
	if err != nil || !ok {
		return err // ❌ on anything else is just an emoji
	}
	if err := c.authorizeAs("react x", "redact (❌)"); err != nil {
		return err
	}
	if err := c.redact(e, "❌ by "+c.who); err != nil {
		return err
	}
	c.say("Record why with /incident note <reason> — the redaction entry says only that you reacted ❌.")
	return nil
}

// entryOfMessage finds the entry a reacted message is on the timeline as.
func (c *call) entryOfMessage(r bot.Reaction) (bot.Entry, bool, error) {
	if ref, err := c.tx.MessageRef(c.src.Platform, r.MessageID); err == nil {
		if seq, ok := strings.CutPrefix(ref, entryRefPrefix(c.inc)); ok {
			n, _ := strconv.ParseInt(seq, 10, 64)
			e, err := c.tx.Entry(c.inc.Number, n)
			if isNotFound(err) {
				return e, false, nil
			}
			return e, err == nil, err
		}
	} else if !isNotFound(err) {
		return bot.Entry{}, false, err
	}
	var found bot.Entry
	err := c.tx.EachEntry(c.inc.Number, func(e bot.Entry) error {
		d, _ := bot.DecodeData(e.Data)
		if e.Kind == bot.KindPin && d.Str("message") == r.MessageID && !e.Redacted {
			found = e
		}
		return nil
	})
	return found, found.Seq != 0, err
}

// entryRefPrefix names warroom's post of an entry ("entry:1:14"), so a ❌ on it finds it.
func entryRefPrefix(inc *bot.Incident) string {
	return "entry:" + strconv.FormatInt(inc.Number, 10) + ":"
}

// postEntry posts m in the incident channel as the copy of entry seq.
func (c *call) postEntry(seq int64, m bot.Message) error {
	m.Text = drillMark(c.inc, m.Text)
	return c.tx.Enqueue(bot.Outbound{Lane: laneOf(c.inc), Platform: c.inc.Platform, Op: bot.OpPost, Incident: c.inc.Number,
		Payload: bot.Payload{Message: m}, Ref: entryRefPrefix(c.inc) + strconv.FormatInt(seq, 10)}, c.now)
}

// redactionText must match storage.RedactionText, which verify parses.
func redactionText(seq int64, reason string) string {
	return "redacted entry " + strconv.FormatInt(seq, 10) + ": " + reason
}
