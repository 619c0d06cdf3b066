package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

// Evidence and its chain of custody: every step is a timeline entry (bot/evidence.go), so
// the custody record is as tamper-evident as the rest of the timeline.

var verbEvidenceAdd = &Verb{
	Name: "evidence add", Group: "evidence", Scope: InIncident,
	Summary: "record an item of evidence (you are its first custodian)",
	Args:    evidenceAddDecl,
	Run: func(c *call) error {
		tlp := tlpOf(c.args)
		a, err := evidenceFrom(c.args)
		if err == errUsage {
			return c.usage()
		}
		if err != nil {
			return err
		}
		f, err := c.facts()
		if err != nil {
			return err
		}
		n := f.NextEvidence()
		d := bot.Data{"evidence": n, "action": "add"}
		if a.sha256 != "" {
			d["sha256"] = a.sha256
		}
		if a.location != "" {
			d["location"] = a.location
		}
		seq, late, err := c.recordFact(bot.KindEvidence, fmt.Sprintf("evidence %d added: %s", n, a.description), d, tlp)
		if err != nil {
			return err
		}
		c.say("Evidence %d recorded on %s as entry %d%s; %s holds it. Hand it on with /incident evidence transfer %d @person <reason>.",
			n, c.inc.ID(), seq, late, c.who, n)
		return nil
	},
}

var verbEvidenceTransfer = &Verb{
	Name: "evidence transfer", Group: "evidence", Scope: InIncident,
	Summary: "hand an item of evidence to someone (chain of custody)",
	Args: []Arg{{Name: "n", Kind: ArgInt, Required: true}, {Name: "to", Kind: ArgUser, Required: true, Placeholder: "@person"},
		{Name: "reason", Kind: ArgText, Required: true}},
	Run: func(c *call) error {
		n, reason := c.args.Int("n"), c.args.Text("reason")
		to, err := c.person("to")
		if err != nil {
			return err
		}
		f, err := c.facts()
		if err != nil {
			return err
		}
		ev, ok := f.Item(n)
		if !ok {
			return refuse("%s has no evidence %d; see /incident evidence list.", c.inc.ID(), n)
		}
		if ev.Holder == to {
			return refuse("%s already holds evidence %d.", to, n)
		}
		d := bot.Data{"evidence": n, "action": "transfer", "from": ev.Holder, "to": to}
		seq, late, err := c.recordFact(bot.KindEvidence, fmt.Sprintf("evidence %d to %s: %s", n, to, reason), d, bot.TLPUnset)
		if err != nil {
			return err
		}
		c.say("Evidence %d passed from %s to %s, entry %d on %s%s.", n, ev.Holder, to, seq, c.inc.ID(), late)
		return nil
	},
}

var verbEvidenceList = &Verb{
	Args: []Arg{leadIncident},
	Name: "evidence list", Group: "evidence", Scope: InIncident,
	Summary: "the evidence and who holds each item",
	Run: func(c *call) error {
		f, err := c.facts()
		if err != nil {
			return err
		}
		if len(f.Evidence) == 0 {
			c.say("%s has no evidence yet: /incident evidence add <description> [sha256] [location], or react 🧾 to an uploaded file.", c.inc.ID())
			return nil
		}
		c.say("Evidence on %s:", c.inc.ID())
		for _, ev := range f.Evidence {
			c.say("%s", evidenceLine(ev))
		}
		return nil
	},
}

// evidenceLine is one item as chat lists it.
func evidenceLine(ev bot.Evidence) bot.Text {
	desc := ev.Description
	if ev.Redacted {
		desc = "[redacted]"
	}
	var b textBuf
	b.printf("%d. %s", ev.N, desc)
	if ev.SHA256 != "" {
		b.printf(" · sha256 %s", bot.Code(ev.SHA256))
	}
	if ev.Uploaded {
		b.printf(" · %d bytes, uploaded by %s, hashed by warroom", ev.Size, bot.Who(ev.Uploader))
	}
	if ev.Location != "" {
		b.printf(" · kept at %s", ev.Location)
	}
	last := ev.Custody[len(ev.Custody)-1]
	steps := "1 custody step"
	if len(ev.Custody) != 1 {
		steps = strconv.Itoa(len(ev.Custody)) + " custody steps"
	}
	b.printf(" · held by %s since %s (%s)", bot.Who(ev.Holder), bot.ChatTime(last.At), steps)
	return b.t
}

var verbEvidenceUsage = &Verb{Name: "evidence", Args: usageWords, Scope: Anywhere,
	Run: func(c *call) error {
		return refuse("Usage: %s (or react 🧾 to an uploaded file)", c.e.groupLines("evidence"))
	}}

// evidenceFromUpload makes each file of the reacted message an item of evidence: the SHA-256
// and size of the bytes the adapter fetched through the platform's API, who uploaded it and
// when. However many people react, a file is recorded once.
func evidenceFromUpload(c *call, r bot.Reaction) error {
	inc, err := c.tx.IncidentByChannel(c.src.Platform, c.src.Channel)
	if isNotFound(err) {
		return nil // 🧾 elsewhere is just an emoji
	}
	if err != nil {
		return err
	}
	c.inc = inc
	if err := c.authorizeAs("react receipt", "evidence add (🧾)"); err != nil {
		return err
	}
	if r.Message == nil {
		return refuse("warroom could not read that message, so no evidence was recorded.")
	}
	if len(r.Message.Files) == 0 {
		return refuse("That message has no file warroom can read; 🧾 records an uploaded file as evidence (or use /incident evidence add).")
	}
	f, err := c.facts()
	if err != nil {
		return err
	}
	uploader := c.e.cfg.PersonName(c.src.Platform, r.Message.Author.ID)
	var done []string
	for _, file := range r.Message.Files {
		if file.TooLarge {
			c.say("%s is %s; warroom hashes files of at most %s, so it was not recorded. Hash it where it is kept and record it with /incident evidence add <description> <sha256> <location>.",
				plainText(file.Name), bot.HumanBytes(file.Size), bot.HumanBytes(file.Limit))
			continue
		}
		if file.Err != "" || file.SHA256 == "" {
			c.say("%s could not be read through the platform (%s), so it was not recorded; try again, or record it with /incident evidence add.", file.Name, file.Err)
			continue
		}
		n := f.NextEvidence()
		d := bot.Data{"evidence": n, "action": "add", "source": "upload", "sha256": file.SHA256, "size": file.Size,
			"uploader": uploader, "uploaded_at": r.Message.At.UTC(), "channel": r.Message.Channel, "message": r.Message.ID}
		raw, err := bot.EncodeData(d)
		if err != nil {
			return err
		}
		e := &bot.Entry{At: c.now, Actor: c.who, Kind: bot.KindEvidence, Text: fmt.Sprintf("evidence %d received: %s", n, plainText(file.Name))}
		added, err := c.appendEntry(inc.Number, e, d, "evidence:"+r.Message.Channel+":"+r.Message.ID+":"+file.ID)
		if err != nil {
			return err
		}
		if !added {
			continue
		}
		f.Apply(bot.Entry{Seq: e.Seq, Kind: e.Kind, Text: e.Text, Data: raw, Actor: c.who, OccurredAt: c.now})
		done = append(done, fmt.Sprintf("evidence %d: %s, %d bytes, sha256 %s (entry %d)", n, plainText(file.Name), file.Size, file.SHA256, e.Seq))
	}
	if len(done) > 0 {
		c.dirty = true
		c.say("Recorded on %s, hashed by warroom from the platform's copy: %s.", inc.ID(), strings.Join(done, "; "))
	}
	return nil
}

// readReceiptFiles has the adapter download and hash the files of a 🧾-reacted message, but
// only when the reactor may record evidence in that channel: a check in a transaction that is
// always rolled back, so nothing is written and the event is not yet marked seen. The
// reaction itself then runs as any other and decides again; a refusal there is the answer,
// and nobody outside an incident makes warroom fetch a byte.
func (e *Engine) readReceiptFiles(ctx context.Context, r bot.Reaction) bot.Reaction {
	if r.Message == nil || r.Message.Files != nil || r.Message.ReadFiles == nil {
		return r
	}
	allowed := false
	_ = e.store.Update(ctx, func(tx Tx) error {
		c := &call{e: e, tx: tx, src: r.Source, now: e.clock.Now().UTC()}
		c.who = e.cfg.PersonName(r.Source.Platform, r.Source.User.ID)
		inc, err := tx.IncidentByChannel(r.Source.Platform, r.Source.Channel)
		if err != nil {
			return err
		}
		c.inc = inc
		allowed = c.authorizeAs("react receipt", "evidence add (🧾)") == nil
		return errRollback
	})
	if !allowed {
		return r
	}
	m := *r.Message
	m.Files = m.ReadFiles(ctx)
	if m.Files == nil {
		m.Files = []bot.FileReceipt{}
	}
	r.Message = &m
	return r
}

// errRollback ends a transaction that must leave no trace.
var errRollback = errors.New("rolled back on purpose")
