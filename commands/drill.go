package commands

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/duration"
	"github.com/warroom/warroom/templates"
)

// Drills: a practice incident (Incident.Drill — kept out of metrics, channel
// drill-<n>-<slug>, every message marked DRILL) whose scenario file schedules injects.
// Nothing here pages anyone; paging itself must never page a real person for a drill.

var verbDrill = &Verb{
	Name: "drill", Scope: Anywhere,
	Summary: "start a practice incident whose scenario sends injects over time (marked DRILL, pages nobody)",
	Args:    []Arg{{Name: "scenario", Kind: ArgWord, Required: true, Help: "e.g. phishing, ransomware"}},
	Hint:    func(e *Engine) string { return ". Scenarios: " + validList(e.tpl.Scenarios()) + "." },
	Run: func(c *call) error {
		f := []string{strings.ToLower(c.args.Text("scenario"))}
		names := c.e.tpl.Scenarios()
		sc, err := c.e.tpl.Scenario(f[0])
		if errors.Is(err, templates.ErrNoScenario) {
			return refuse("Unknown drill scenario %q. Scenarios: %s.", f[0], validList(names))
		}
		if err == nil {
			err = checkInjectPhases(sc)
		}
		if err != nil {
			c.log().Warn("drill scenario", "scenario", f[0], "err", err)
			return refuse("The %s scenario cannot be run: %v", f[0], err)
		}
		return c.startDrill(sc)
	},
}

func checkInjectPhases(sc templates.Scenario) error {
	for i, in := range sc.Injects {
		if _, ok := bot.ParsePhase(in.Phase); in.Phase != "" && !ok {
			return fmt.Errorf("drills/%s.yaml: inject %d: unknown phase %q (phases: %s)", sc.Name, i+1, in.Phase, validList(phaseNames()))
		}
	}
	return nil
}

// drillPlan is the inject timer's payload. The injects are copied in at the start, so
// editing the scenario file mid-drill does not shift what is still to come.
type drillPlan struct {
	Scenario string        `json:"scenario"`
	Start    time.Time     `json:"start"`
	Next     int           `json:"next"`
	Injects  []drillInject `json:"injects"`
}

type drillInject struct {
	Offset time.Duration `json:"offset"`
	Text   string        `json:"text"`
	Phase  string        `json:"phase,omitempty"`
}

func (c *call) startDrill(sc templates.Scenario) error {
	typ := ""
	if c.e.cfg.HasType(sc.Type) {
		typ = sc.Type
	}
	inc, err := c.declare(declaration{title: sc.Title, severity: sc.Severity, drill: true, typ: typ})
	if err != nil {
		return err
	}
	p := drillPlan{Scenario: sc.Name, Start: c.now}
	for _, in := range sc.Injects {
		p.Injects = append(p.Injects, drillInject{Offset: in.Offset.Std(), Text: in.Text, Phase: in.Phase})
	}
	last := p.Injects[len(p.Injects)-1].Offset
	if err := c.record(bot.KindDrill, fmt.Sprintf("drill scenario %s: %d injects over %s", sc.Name, len(p.Injects), offsetText(last)),
		bot.Data{"scenario": sc.Name, "injects": len(p.Injects)}); err != nil {
		return err
	}
	brief := bot.Textf("🎯 *Drill scenario: %s* — %s", sc.Name, sc.Title)
	if sc.Brief != "" {
		brief = brief.Append(bot.Textf("\n%s", bot.Markup(sc.Brief))...) // the scenario file's own words
	}
	brief = brief.Append(bot.Textf("\n%d injects arrive over %s, the first %s. Nobody outside the drill is paged or contacted. When you are done, close it with /incident close and note lessons with /incident lesson.",
		len(p.Injects), offsetText(last), bot.ChatTime(c.now.Add(p.Injects[0].Offset)))...)
	if err := c.post(bot.Message{Text: brief}); err != nil {
		return err
	}
	if err := c.armInject(p); err != nil {
		return err
	}
	c.say("Drill %s started from the %s scenario: #%s is being opened. You are acting commander; %d injects over %s.",
		inc.ID(), sc.Name, inc.ChannelName, len(p.Injects), offsetText(last))
	return nil
}

// armInject sets the incident's one inject timer to the next inject.
func (c *call) armInject(p drillPlan) error {
	key := timerKey(kindInject, c.inc.Number)
	if p.Next >= len(p.Injects) {
		return c.armTimer(kindInject, key, zeroTime, "")
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return c.armTimer(kindInject, key, p.Start.Add(p.Injects[p.Next].Offset), string(b))
}

func offsetText(d time.Duration) string {
	if d <= 0 {
		return "0m"
	}
	return duration.Format(d)
}

// fireInject posts every inject whose offset has come, in order — after downtime several
// arrive at once, still in order — and arms the timer for the next.
func fireInject(c *call, t bot.Timer) error {
	if c.inc == nil || !c.inc.Open() {
		return nil
	}
	var p drillPlan
	if err := json.Unmarshal([]byte(t.Payload), &p); err != nil {
		c.log().Warn("drill inject timer with a bad payload dropped", "err", err)
		return nil
	}
	n := len(p.Injects)
	for p.Next < n && !p.Start.Add(p.Injects[p.Next].Offset).After(c.now) {
		in := p.Injects[p.Next]
		p.Next++
		text := bot.Textf("📨 *Inject %d/%d* (T+%s): %s", p.Next, n, offsetText(in.Offset), bot.Markup(in.Text))
		if in.Phase != "" {
			text = text.Append(bot.Textf("\n(Teams are typically in %s by now.)", in.Phase)...)
		}
		if p.Next == n {
			text = text.Append(bot.Textf("\nThat was the last inject. Wrap up, close the drill with /incident close, and record what went well and what did not with /incident lesson.")...)
		}
		if err := c.post(bot.Message{Text: text}); err != nil {
			return err
		}
		if err := c.record(bot.KindInject, fmt.Sprintf("inject %d/%d (T+%s): %s", p.Next, n, offsetText(in.Offset), in.Text), bot.Data{"inject": p.Next, "of": n}); err != nil {
			return err
		}
	}
	return c.armInject(p)
}
