package commands

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/oncall"
)

// An open page has one pending timer, "page:<id>", due when its next step runs. The step
// index travels in the payload and the page row remembers the last step run; the timer is
// claimed in the same transaction as the step's notifications, so after a restart the
// escalation resumes at the right step and nobody is notified twice.

func pageTimerKey(id int64) string { return "page:" + strconv.FormatInt(id, 10) }

type stepPayload struct {
	Page int64 `json:"page"`
	Step int   `json:"step"`
}

// stepRun is what one call of escalate did.
type stepRun struct {
	index, round int
	notified     []string      // who was sent the page at the step that ran
	skipped      []string      // steps that reached nobody, and why
	wait         time.Duration // until the next step
	ended        bool          // no step is left: nobody answered
}

// escalate runs step from of the page's escalation, passing over steps that reach nobody
// (nobody on call, say) to the next at once, and sets the timer for the step after. If no
// step is left it reports ended and leaves the page as it is.
func (c *call) escalate(p *bot.Page, from int) (stepRun, error) {
	var run stepRun
	ovs, err := c.overridesFrom(c.now)
	if err != nil {
		return run, err
	}
	for i := from; ; i++ {
		step, round, ok := p.Policy.StepAt(i)
		if !ok {
			run.ended = true
			return run, nil
		}
		people, why := c.stepTargets(p, step, c.now, ovs)
		if len(people) == 0 {
			run.skipped = append(run.skipped, why)
			if err := c.recordPage(p, fmt.Sprintf("page %d %s reached nobody (%s); skipped", p.ID, stepLabel(p.Policy, i), why), bot.Data{"action": "skipped", "step": i}); err != nil {
				return run, err
			}
			continue
		}
		run.index, run.round, run.notified, run.wait = i, round, people, step.Wait.Std()
		if err := c.notifyStep(p, step, i, round, people); err != nil {
			return run, err
		}
		if err := c.tx.SetPageStep(p.ID, i); err != nil {
			return run, err
		}
		p.Step = i
		payload, _ := json.Marshal(stepPayload{Page: p.ID, Step: i + 1})
		return run, c.setGlobalTimer(timerPageStep, pageTimerKey(p.ID), p.Incident, c.now.Add(run.wait), string(payload))
	}
}

// stepTargets is whom step reaches for the page at at, or why it reaches nobody.
func (c *call) stepTargets(p *bot.Page, step oncall.Step, at time.Time, ovs []oncall.Override) ([]string, string) {
	if p.Team == "" {
		return []string{step.User}, ""
	}
	people, err := c.e.cfg.OnCall.Targets(p.Team, step, at, ovs)
	switch {
	case errors.Is(err, oncall.ErrNobodyOnCall):
		return nil, "nobody is on call for " + p.Team
	case errors.Is(err, oncall.ErrUnknownTeam):
		return nil, p.Team + " is no longer in the config"
	case err != nil:
		return nil, err.Error()
	case len(people) == 0:
		return nil, "the step names nobody"
	}
	return people, ""
}

// stepLabel numbers a step for people: "step 2 of 3, round 1 of 2"; a one-step policy
// counts rounds only.
func stepLabel(pol oncall.Policy, index int) string {
	n := pol.Normalized()
	_, round, _ := pol.StepAt(index)
	if len(n.Steps) == 1 {
		return fmt.Sprintf("round %d of %d", round, n.Repeat)
	}
	s := fmt.Sprintf("step %d of %d", index%len(n.Steps)+1, len(n.Steps))
	if n.Repeat > 1 {
		s += fmt.Sprintf(", round %d of %d", round, n.Repeat)
	}
	return s
}

// escalationDue runs a page's next step when its timer fires.
func escalationDue(c *call, t bot.Timer) error {
	var pl stepPayload
	if err := json.Unmarshal([]byte(t.Payload), &pl); err != nil {
		return fmt.Errorf("page timer %s: %w", t.Key, err)
	}
	p, err := c.tx.Page(pl.Page)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !p.Open() || pl.Step <= p.Step {
		return nil // acknowledged or withdrawn meanwhile, or this step already ran
	}
	c.src.Platform = p.Platform
	run, err := c.escalate(p, pl.Step)
	if err != nil {
		return err
	}
	if run.ended {
		return c.unanswered(p)
	}
	if p.Incident != 0 && c.inc != nil {
		return c.post(bot.Message{Text: bot.Textf("📟 Page %d (%s) is unanswered after %s — escalated (%s): %s notified.",
			p.ID, p.Target, fmtDuration(c.now.Sub(p.CreatedAt)), stepLabel(p.Policy, run.index), strings.Join(run.notified, ", "))})
	}
	return nil
}

// unanswered ends a page nobody acknowledged and tells the pager (and the incident).
func (c *call) unanswered(p *bot.Page) error {
	if _, err := c.tx.EndPage(p.ID, bot.PageUnanswered, c.now); err != nil {
		return err
	}
	notified, err := c.notifiedPeople(p.ID)
	if err != nil {
		return err
	}
	who := "nobody"
	if len(notified) > 0 {
		who = strings.Join(notified, ", ")
	}
	after := fmtDuration(c.now.Sub(p.CreatedAt))
	if err := c.recordPage(p, fmt.Sprintf("page %d to %s: nobody answered after %s (notified %s)", p.ID, p.Target, after, who), bot.Data{"action": "unanswered"}); err != nil {
		return err
	}
	text := bot.Textf("⚠️ Nobody answered page %d (%s: %s) after %s. Notified: %s. Page someone else or reach them another way; a late /page ack %d still counts.",
		p.ID, p.Target, p.Message, after, who, p.ID)
	if p.Incident != 0 && c.inc != nil {
		if err := c.post(bot.Message{Text: text}); err != nil {
			return err
		}
	}
	_, err = c.dmOn(p.Platform, p.PagedBy, bot.Message{Text: text}, "")
	return err
}

// notifiedPeople lists everyone a page was sent to, once each, in order.
func (c *call) notifiedPeople(page int64) ([]string, error) {
	ns, err := c.tx.PageNotifications(page)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, n := range ns {
		if !seen[n.Person] {
			seen[n.Person] = true
			out = append(out, n.Person)
		}
	}
	return out, nil
}

// withdrawPagesOnClose stops the escalation of an incident's open pages when it closes.
func withdrawPagesOnClose(c *call, h Happening) error {
	if h.Kind != HappenClosed || c.inc == nil {
		return nil
	}
	pages, err := c.tx.IncidentPages(c.inc.Number)
	if err != nil {
		return err
	}
	for _, p := range pages {
		if !p.Open() {
			continue
		}
		if _, err := c.tx.EndPage(p.ID, bot.PageCancelled, c.now); err != nil {
			return err
		}
		if err := c.cancelTimer(pageTimerKey(p.ID)); err != nil {
			return err
		}
		if err := c.record(bot.KindPage, fmt.Sprintf("page %d to %s withdrawn: %s closed", p.ID, p.Target, c.inc.ID()),
			bot.Data{"page": p.ID, "action": "withdrawn"}); err != nil {
			return err
		}
	}
	return nil
}

// recordPage puts a line about a page on its incident's timeline, if it has one.
func (c *call) recordPage(p *bot.Page, text string, d bot.Data) error {
	if p.Incident == 0 {
		return nil
	}
	d["page"] = p.ID
	return c.recordOn(p.Incident, bot.KindPage, text, d)
}

// setGlobalTimer sets a timer with an explicit incident (0 for none), whatever c.inc is.
func (c *call) setGlobalTimer(kind, key string, incident int64, due time.Time, payload string) error {
	c.timersChanged = true
	return c.tx.SetTimer(bot.Timer{Key: key, Kind: kind, Incident: incident, Due: due.UTC(), Payload: payload})
}
