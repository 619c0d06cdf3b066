package commands

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

// The structured facts the report and the regulators' drafts are built from: each verb
// records one timeline entry (numbers, enums and times in its data, what people wrote in
// its text) and the latest entry of each kind is the fact (bot.FoldFacts). They may be
// recorded after the close too: a final report to a regulator is due weeks later.

var verbSummary = &Verb{
	Name: "summary", Scope: InIncident,
	Summary: "what happened, in plain language (opens the report)",
	Args:    textArgs,
	Run: func(c *call) error {
		return c.textFact(bot.KindSummary, "summary", "Summary")
	},
}

var verbRootCause = &Verb{
	Name: "rootcause", Scope: InIncident,
	Summary: "the root cause, or the type of threat",
	Args:    textArgs,
	Run: func(c *call) error {
		return c.textFact(bot.KindRootCause, "root cause", "Root cause")
	},
}

// textFact records a fact that is free text only.
func (c *call) textFact(kind, label, reply string) error {
	tlp := tlpOf(c.args)
	text := c.args.Text("text")
	seq, late, err := c.recordFact(kind, label+": "+text, bot.Data{}, tlp)
	if err != nil {
		return err
	}
	c.say("%s recorded on %s as entry %d%s.", reply, c.inc.ID(), seq, late)
	return nil
}

var verbImpact = &Verb{
	Name: "impact", Scope: InIncident,
	Summary: "the impact so far: systems, data records, people, cost, likely consequences",
	Args:    impactDecl,
	Run: func(c *call) error {
		tlp := tlpOf(c.args)
		a, err := impactFrom(c.args)
		if err == errUsage {
			return c.usage()
		}
		if err != nil {
			return err
		}
		d := bot.Data{"dimension": a.dimension}
		text := "impact on " + a.dimension
		if a.hasCount {
			d["count"] = a.count
			text += " (" + strconv.FormatInt(a.count, 10) + ")"
		}
		if a.text != "" {
			text += ": " + a.text
		}
		seq, late, err := c.recordFact(bot.KindImpact, text, d, tlp)
		if err != nil {
			return err
		}
		c.say("Impact on %s recorded on %s as entry %d%s.", a.dimension, c.inc.ID(), seq, late)
		return nil
	},
}

var verbDetected = &Verb{
	Name: "detected", Scope: InIncident,
	Summary: "when it was first detected (headline times count from it)",
	Args:    detectedDecl,
	Run: func(c *call) error {
		tlp := tlpOf(c.args)
		at, source, err := detectedFrom(c.args, c.now)
		if err != nil {
			return err
		}
		if at.After(c.inc.DeclaredAt) {
			return refuse("%s is after %s was declared (%s): the detection time is when it was first noticed, at or before the declaration.",
				bot.FormatTime(at), c.inc.ID(), bot.FormatTime(c.inc.DeclaredAt))
		}
		text := "detected at " + at.Format("2006-01-02 15:04:05") + " UTC"
		if source != "" {
			text += ": " + source
		}
		seq, late, err := c.recordFact(bot.KindDetected, text, bot.Data{"detected_at": at}, tlp)
		if err != nil {
			return err
		}
		c.say("Detection time %s recorded on %s as entry %d%s; the headline times now count from it.", bot.ChatTime(at), c.inc.ID(), seq, late)
		return nil
	},
}

var verbAssess = &Verb{
	Name: "assess", Scope: InIncident,
	Summary: "a regulator's question: malicious (yes|suspected|no), cross-border (yes|possible|no), material (yes|no)",
	Args:    assessDecl,
	Run: func(c *call) error {
		tlp := tlpOf(c.args)
		a, err := assessFrom(c.args)
		if err == errUsage {
			return c.usage()
		}
		if err != nil {
			return err
		}
		text := "assessed " + a.question + " as " + a.answer
		if a.text != "" {
			text += ": " + a.text
		}
		seq, late, err := c.recordFact(bot.KindAssessment, text, bot.Data{"question": a.question, "answer": a.answer}, tlp)
		if err != nil {
			return err
		}
		c.say("Assessment %s: %s recorded on %s as entry %d%s.", a.question, a.answer, c.inc.ID(), seq, late)
		return nil
	},
}

var verbDelay = &Verb{
	Name: "delay", Scope: InIncident,
	Summary: "why a notification is later than its deadline (GDPR Art. 33(1))",
	Args: []Arg{tlpArg, {Name: "regime", Kind: ArgChoice, Choices: bot.DelayRegimes, Refuse: unknown("notification"), Placeholder: "<gdpr|nis2|sec>"},
		{Name: "reasons", Kind: ArgText, Placeholder: "<reasons>"}},
	Run: func(c *call) error {
		tlp := tlpOf(c.args)
		regime, reasons := c.args.Text("regime"), c.args.Text("reasons")
		if regime == "" || reasons == "" {
			return c.usage()
		}
		seq, late, err := c.recordFact(bot.KindDelay, "delay of "+regime+" notification: "+reasons, bot.Data{"regime": regime}, tlp)
		if err != nil {
			return err
		}
		c.say("Reasons for the %s delay recorded on %s as entry %d%s; the draft notification carries them.", regime, c.inc.ID(), seq, late)
		return nil
	},
}

var verbTLP = &Verb{
	Name: "tlp", Scope: InIncident,
	Summary: "the incident's TLP 2.0 label (report, card; entries without their own carry it)",
	Args:    []Arg{{Name: "level", Kind: ArgChoice, Choices: bot.TLPNames, Fold: foldTLP, Refuse: refuseTLP, Help: "default: show the label"}},
	Run: func(c *call) error {
		f, err := c.facts()
		if err != nil {
			return err
		}
		level := c.args.Text("level")
		if level == "" {
			c.say("%s is %s. Change it with /incident tlp <%s>.", c.inc.ID(), f.TLP, strings.Join(bot.TLPNames, "|"))
			return nil
		}
		to, _ := bot.ParseTLP(level) // a choice of bot.TLPNames
		if to == f.TLP {
			return refuse("%s is already %s.", c.inc.ID(), to)
		}
		d := bot.Data{"from": f.TLP.Name(), "to": to.Name()}
		late, err := c.afterClose(d)
		if err != nil {
			return err
		}
		if err := c.record(bot.KindTLP, fmt.Sprintf("%s → %s", f.TLP, to), d); err != nil {
			return err
		}
		c.dirty = true
		if err := c.post(bot.Message{Text: bot.Textf("%s labelled %s %s (was %s): entries without their own label carry it.", c.who, c.inc.ID(), to, f.TLP)}); err != nil {
			return err
		}
		c.say("%s is now %s (entry %d)%s.", c.inc.ID(), to, c.lastSeq, late)
		return nil
	},
}

// recordFact appends a fact entry with its TLP label (when given), marks the card for a
// refresh and, after the close, bumps the report version. It returns the entry's seq and
// the after-close note for the reply.
func (c *call) recordFact(kind, text string, d bot.Data, tlp bot.TLP) (int64, string, error) {
	if tlp != bot.TLPUnset {
		d["tlp"] = tlp.Name()
	}
	late, err := c.afterClose(d)
	if err != nil {
		return 0, "", err
	}
	if err := c.record(kind, text, d); err != nil {
		return 0, "", err
	}
	c.dirty = true
	return c.lastSeq, late, nil
}

// facts folds the incident's fact entries; an incident never labelled has the configured
// default TLP.
func (c *call) facts() (bot.Facts, error) {
	var f bot.Facts
	err := c.tx.EachEntryOfKind(c.inc.Number, bot.FactKinds, func(e bot.Entry) error { f.Apply(e); return nil })
	if f.TLP == bot.TLPUnset {
		f.TLP = c.e.cfg.IncidentTLP()
	}
	return f, err
}
