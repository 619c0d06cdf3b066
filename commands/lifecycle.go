package commands

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

var verbStatus = &Verb{
	Args: []Arg{leadIncident},
	Name: "status", Scope: InIncident,
	Summary: "where the incident stands",
	Run: func(c *call) error {
		card, _, err := c.cardAndTopic()
		if err != nil {
			return err
		}
		if shown := c.shownTitle(c.inc); shown != c.inc.Title {
			for i, s := range card {
				if s.Kind == bot.SegBold && s.Text == c.inc.ID()+" · "+c.inc.Title {
					card[i].Text = c.inc.ID() + " · " + shown
					break
				}
			}
		}
		c.say("%s", card)
		items, err := c.tx.Checklist(c.inc.Number, c.inc.Phase)
		if err != nil {
			return err
		}
		done := 0
		for _, it := range items {
			if it.CheckedAt != nil {
				done++
			}
		}
		tasks, err := c.tx.Tasks(c.inc.Number)
		if err != nil {
			return err
		}
		open := 0
		for _, t := range tasks {
			if t.DoneAt == nil {
				open++
			}
		}
		if c.inc.Open() {
			c.say("Exit criteria: %d of %d done · open tasks: %d · timeline: %d entries", done, len(items), open, c.inc.HeadSeq)
		} else {
			c.say("Closed as %s. Timeline: %d entries, head %s", c.inc.CloseClass, c.inc.HeadSeq, c.inc.HeadHash)
		}
		return nil
	},
}

var verbPhase = &Verb{
	Name: "phase", Scope: InIncident,
	Summary: "show the phase, or move to the next (or a named) one; moving is †",
	Args:    phaseArgs,
	Run: func(c *call) error {
		target, force, err := phaseTarget(c.args)
		if err == errUsage {
			return c.usage()
		}
		if target == "" {
			list, err := c.checklistText(c.inc.Phase)
			if err != nil {
				return err
			}
			c.say("%s is in *%s*.\n%s", c.inc.ID(), c.inc.Phase, list)
			return nil
		}
		if err := c.authorize("incident phase (move)"); err != nil {
			return err
		}
		to := bot.Phase(target) // the parser has checked it is next or a phase
		if target == "next" {
			next, ok := c.inc.Phase.Next()
			if !ok {
				return refuse("%s is in lessons-learned, the last phase: close it with /incident close <true-positive|false-positive|benign|duplicate INC-n> [resolution].", c.inc.ID())
			}
			to = next
		}
		return c.changePhase(to, force)
	},
}

func phaseNames() []string {
	var out []string
	for _, p := range bot.IncidentPhases {
		out = append(out, string(p))
	}
	return out
}

// changePhase moves the incident to phase `to`. Moving forward needs the current phase's
// exit criteria ticked, unless forced — and a forced move is on the timeline with what was
// skipped.
func (c *call) changePhase(to bot.Phase, force bool) error {
	from := c.inc.Phase
	if to == from {
		return refuse("%s is already in %s.", c.inc.ID(), to)
	}
	items, err := c.tx.Checklist(c.inc.Number, from)
	if err != nil {
		return err
	}
	var open []string
	for _, it := range items {
		if it.CheckedAt == nil {
			open = append(open, fmt.Sprintf("%d. %s", it.N, it.Text))
		}
	}
	forward := to.Index() > from.Index()
	// Jumping over whole phases skips their exit criteria entirely: that is an override
	// too, so it needs --force and is recorded.
	var skipped []string
	if forward && from.Index() >= 0 {
		for _, p := range bot.IncidentPhases[from.Index()+1 : to.Index()] {
			skipped = append(skipped, string(p))
		}
	}
	if len(skipped) > 0 && !force {
		return refuse("Moving %s from %s to %s skips %s. Go through the phases with /incident phase next, or skip on purpose with /incident phase %s --force (recorded on the timeline).",
			c.inc.ID(), from, to, strings.Join(skipped, ", "), to)
	}
	if len(skipped) > 0 {
		if err := c.record(bot.KindOverride, fmt.Sprintf("forced %s → %s, skipping %s", from, to, strings.Join(skipped, ", ")),
			bot.Data{"from": string(from), "to": string(to), "skipped": skipped}); err != nil {
			return err
		}
	}
	if forward && len(open) > 0 && !force {
		return refuse("%s cannot leave %s yet: %d exit criteria are open:\n%s\nTick them with /incident check <n>, or go on anyway with /incident phase %s --force (recorded on the timeline).",
			c.inc.ID(), from, len(open), strings.Join(open, "\n"), phaseArg(to, c.inc.Phase))
	}
	if forward && len(open) > 0 {
		if err := c.record(bot.KindOverride, fmt.Sprintf("forced %s → %s with %d open exit criteria: %s", from, to, len(open), strings.Join(open, "; ")),
			bot.Data{"from": string(from), "to": string(to), "open_criteria": len(open)}); err != nil {
			return err
		}
	}
	if err := c.enterPhase(to, forward && (len(open) > 0 || len(skipped) > 0)); err != nil {
		return err
	}
	c.say("%s moved from %s to %s.", c.inc.ID(), from, to)
	return nil
}

func phaseArg(to, from bot.Phase) string {
	if next, _ := from.Next(); next == to {
		return "next"
	}
	return string(to)
}

// enterPhase records the move, opens the new phase's checklist, tells the team and posts the
// timeline head so a copy of it lives outside the database.
func (c *call) enterPhase(to bot.Phase, forced bool) error {
	from := c.inc.Phase
	c.inc.Phase = to
	if err := c.tx.SaveIncident(c.inc); err != nil {
		return err
	}
	if err := c.tx.EnterPhase(c.inc.Number, to, c.now, forced); err != nil {
		return err
	}
	items, err := c.e.tpl.Checklist(string(to))
	if err != nil {
		return err
	}
	if err := c.tx.AddChecklist(c.inc.Number, to, items); err != nil {
		return err
	}
	if err := c.enterPlaybookPhase(to); err != nil {
		return err
	}
	if err := c.record(bot.KindPhase, fmt.Sprintf("%s → %s", from, to), bot.Data{"from": string(from), "to": string(to), "forced": forced}); err != nil {
		return err
	}
	c.dirty = true
	if err := c.announcePhase(to); err != nil {
		return err
	}
	if err := c.happen(Happening{Kind: HappenPhase, Phase: to}); err != nil {
		return err
	}
	return c.postHead("Phase changed to " + string(to))
}

// postHead posts the timeline's head hash in the channel and signs a checkpoint of it.
func (c *call) postHead(why string) error {
	inc, err := c.tx.Incident(c.inc.Number)
	if err != nil {
		return err
	}
	if err := c.post(bot.Message{Text: bot.Textf("%s. Timeline head: entry %d, sha256 %s", why, inc.HeadSeq, inc.HeadHash)}); err != nil {
		return err
	}
	_, err = c.signCheckpoint(inc, inc.HeadSeq, inc.HeadHash)
	return err
}

var verbSev = &Verb{
	Name: "sev", Scope: InIncident,
	Summary: "change the severity",
	Args:    []Arg{sevArg},
	Run: func(c *call) error {
		sev, _ := parseSev(c.args.Text("severity"))
		if sev == c.inc.Severity {
			return refuse("%s is already %s.", c.inc.ID(), sevLabel(c.e.cfg, sev))
		}
		old := c.inc.Severity
		c.inc.Severity = sev
		if err := c.tx.SaveIncident(c.inc); err != nil {
			return err
		}
		if err := c.record(bot.KindSeverity, fmt.Sprintf("sev%d → sev%d (%s)", old, sev, c.e.cfg.SeverityName(sev)), bot.Data{"from": old, "to": sev}); err != nil {
			return err
		}
		c.dirty = true
		if err := c.happen(Happening{Kind: HappenSeverity}); err != nil {
			return err
		}
		if err := c.post(bot.Message{Text: bot.Textf("%s changed severity from %s to %s.", c.who, sevLabel(c.e.cfg, old), sevLabel(c.e.cfg, sev))}); err != nil {
			return err
		}
		c.say("%s is now %s.", c.inc.ID(), sevLabel(c.e.cfg, sev))
		return nil
	},
}

// sevArg is sev's severity: 1–4, also written sev2, SEV2 or p2 (parseSev), refused with
// the configuration's names of the four.
var sevArg = Arg{Name: "severity", Kind: ArgChoice, Required: true, Choices: []string{"1", "2", "3", "4"}, Placeholder: "<1-4>",
	Fold: func(w string) string {
		if n, ok := parseSev(w); ok {
			return strconv.Itoa(n)
		}
		return w
	},
	RefuseOf: func(cfg *config.Config) func(string, []string) error {
		return func(raw string, _ []string) error {
			return refuse("Unknown severity %q. Severities: 1 (%s), 2 (%s), 3 (%s), 4 (%s).", raw,
				cfg.SeverityName(1), cfg.SeverityName(2), cfg.SeverityName(3), cfg.SeverityName(4))
		}
	}}

var verbType = &Verb{
	Name: "type", Scope: InIncident,
	Summary: "classify the incident",
	Hint:    func(e *Engine) string { return ". Types: " + validList(e.cfg.Types) + "." },
	Args: []Arg{{Name: "type", Kind: ArgChoice, Required: true, ChoicesOf: func(cfg *config.Config) []string { return cfg.Types },
		Refuse: func(raw string, types []string) error {
			return refuse("Unknown type %q. Types: %s.", strings.ToLower(raw), validList(types))
		}}},
	Run: func(c *call) error {
		f := []string{c.args.Text("type")}
		if f[0] == c.inc.Type {
			return refuse("%s is already classified as %s.", c.inc.ID(), f[0])
		}
		old := c.inc.Type
		c.inc.Type = f[0]
		if err := c.tx.SaveIncident(c.inc); err != nil {
			return err
		}
		text := "classified as " + f[0]
		if old != "" {
			text = "reclassified from " + old + " to " + f[0]
		}
		if err := c.record(bot.KindType, text, bot.Data{"from": old, "to": f[0]}); err != nil {
			return err
		}
		c.dirty = true
		c.say("%s %s.", c.inc.ID(), text)
		return c.applyPlaybook()
	},
}

var verbLink = &Verb{
	Name: "link", Scope: InIncident,
	Summary: "relate another incident to this one",
	Args:    []Arg{{Name: "incident", Kind: ArgIncident, Required: true}},
	Run: func(c *call) error {
		other, err := c.lookupIncident(c.args.Text("incident"))
		if err != nil {
			return err
		}
		if other.Number == c.inc.Number {
			return refuse("An incident cannot be linked to itself.")
		}
		// Linking writes on both timelines: the caller must be entitled to both.
		here := c.inc
		c.inc = other
		if err := c.authorize("incident link"); err != nil {
			return err
		}
		c.inc = here
		added, err := c.tx.AddLink(c.inc.Number, other.Number)
		if err != nil {
			return err
		}
		if !added {
			return refuse("%s and %s are already linked.", c.inc.ID(), other.ID())
		}
		if err := c.record(bot.KindLink, "linked to "+other.ID(), bot.Data{"other": other.Number}); err != nil {
			return err
		}
		if err := c.recordOn(other.Number, bot.KindLink, "linked to "+c.inc.ID(), bot.Data{"other": c.inc.Number}); err != nil {
			return err
		}
		c.say("%s is now linked to %s (%s).", c.inc.ID(), other.ID(), TitleOutside(c.e.cfg, other))
		return nil
	},
}

var verbList = &Verb{
	Name: "list", Scope: Anywhere, Summary: "open incidents",
	Run: func(c *call) error {
		// Only what the asker may see; a title only in its own channel under codename naming.
		open, err := c.visibleIncidents()
		if err != nil {
			return err
		}
		if len(open) == 0 {
			c.say("No open incidents that you are in.")
			return nil
		}
		c.say("Open incidents:")
		for i := range open {
			inc := &open[i]
			c.inc = inc
			cmdr, acting, err := c.commander()
			if err != nil {
				return err
			}
			drill := ""
			if inc.Drill {
				drill = " · DRILL"
			}
			c.say("• %s %s · sev%d · %s · commander %s · #%s%s", inc.ID(), c.shownTitle(inc), inc.Severity, inc.Phase, commanderLabel(cmdr, acting), inc.ChannelName, drill)
		}
		c.inc = nil
		return nil
	},
}
