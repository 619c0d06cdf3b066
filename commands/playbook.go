package commands

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

// Playbooks (docs/playbooks.md): applied on declare and whenever the type is set. Applying
// is one "playbook" entry naming the playbook and its version, followed by the entries of
// what it did (tasks, clocks, pages), all in the transaction of the declare or type change.

// applyPlaybook applies the playbook matching the incident's type and severity. A
// playbook already applied at the same version is not applied twice.
func (c *call) applyPlaybook() error {
	name := c.e.cfg.PlaybookFor(c.inc.Type, c.inc.Severity)
	if name == "" {
		return nil
	}
	pb := c.e.cfg.Playbooks[name]
	version := config.PlaybookVersion(pb)
	cur, curVersion, err := c.tx.Playbook(c.inc.Number)
	if err != nil {
		return err
	}
	if cur == name && curVersion == version {
		return nil
	}
	now, later := c.splitPlaybookTasks(pb)
	summary := fmt.Sprintf("applied playbook %s (version %s) for type %s: %d tasks", name, version, c.inc.Type, len(now))
	if len(later) > 0 {
		summary += fmt.Sprintf(" (%d more when their phase begins)", len(later))
	}
	if len(pb.Clocks) > 0 {
		summary += ", clocks " + strings.Join(pb.Clocks, ", ")
	}
	if len(pb.Page) > 0 {
		summary += ", pages " + strings.Join(pb.Page, ", ")
	}
	if len(pb.Actions) > 0 {
		summary += ", actions " + strings.Join(pb.Actions, ", ")
	}
	if err := c.record(bot.KindPlaybook, summary, bot.Data{"playbook": name, "version": version, "type": c.inc.Type}); err != nil {
		return err
	}
	if err := c.tx.SetPlaybook(c.inc.Number, name, version, c.now); err != nil {
		return err
	}
	var lines []bot.Text
	for _, i := range now {
		line, err := c.addPlaybookTask(name, version, i, pb.Tasks[i])
		if err != nil {
			return err
		}
		lines = append(lines, line)
	}
	for _, i := range later {
		lines = append(lines, bot.Textf("• when %s begins: %s", pb.Tasks[i].Phase, pb.Tasks[i].Text))
	}
	if err := c.addPlaybookChecklist(c.inc.Phase, pb); err != nil {
		return err
	}
	post := bot.Textf("📘 Playbook *%s* (version %s) applied.", name, version)
	if len(lines) > 0 {
		post = post.Append(bot.Textf("\n%s", bot.Join(lines, "\n"))...)
	}
	if wanted := c.wantedRoles(pb); len(wanted) > 0 {
		post = post.Append(bot.Textf("\nWanted first: %s.", strings.Join(wanted, ", "))...)
	}
	if len(pb.Actions) > 0 {
		post = post.Append(bot.Textf("\nResponse actions: %s (/incident actions).", strings.Join(pb.Actions, ", "))...)
	}
	if err := c.post(bot.Message{Text: post, Buttons: c.roleButtons(c.wantedRoles(pb))}); err != nil {
		return err
	}
	if err := c.startPlaybookClocks(pb); err != nil {
		return err
	}
	for _, team := range pb.Page {
		if err := c.pagePlaybookTeam(name, team); err != nil {
			return err
		}
	}
	c.dirty = true
	c.say("Playbook %s (version %s) applied: %d tasks added.", name, version, len(now))
	return nil
}

// splitPlaybookTasks divides the playbook's tasks (by index) into those added now — no
// phase, or a phase the incident has already reached — and those added when their phase
// begins (enterPlaybookPhase).
func (c *call) splitPlaybookTasks(pb config.Playbook) (now, later []int) {
	for i, t := range pb.Tasks {
		ph, ok := bot.ParsePhase(t.Phase)
		if t.Phase == "" || !ok || ph.Index() <= c.inc.Phase.Index() {
			now = append(now, i)
		} else {
			later = append(later, i)
		}
	}
	return now, later
}

// addPlaybookTask adds one of the playbook's tasks, owned by the holder of its role (the
// acting commander counts for commander); unassigned while the role is free.
// Its entry names the playbook, version and task index, so a phase task is added once.
func (c *call) addPlaybookTask(playbook, version string, index int, t config.PlaybookTask) (bot.Text, error) {
	owner := ""
	if t.Role != "" {
		who, err := c.holders(t.Role)
		if err != nil {
			return nil, err
		}
		if len(who) > 0 {
			owner = who[0].person
		}
	}
	task := bot.Task{Text: t.Text, Owner: owner, CreatedBy: c.who, CreatedAt: c.now}
	if t.Due > 0 {
		at := c.now.Add(t.Due.Std())
		task.Due = &at
	}
	k, err := c.tx.AddTask(c.inc.Number, task)
	if err != nil {
		return nil, err
	}
	summary := fmt.Sprintf("added task %d from playbook %s", k, playbook)
	d := bot.Data{"task": k, "action": "add", "playbook": playbook, "version": version, "playbook_task": index}
	line := bot.Textf("• task %d: %s", k, t.Text)
	if owner != "" {
		summary += " (owner " + owner + ")"
		d["owner"] = owner
		line = line.Append(bot.Textf(" — %s", bot.Who(owner))...)
	} else if t.Role != "" {
		line = line.Append(bot.Textf(" — for the %s (unassigned)", t.Role)...)
	}
	if t.Role != "" {
		d["role"] = t.Role
	}
	if t.Phase != "" {
		d["phase"] = t.Phase
		line = line.Append(bot.Textf(" [%s]", t.Phase)...)
	}
	if task.Due != nil {
		summary += ", due " + bot.FormatTime(*task.Due)
		d["due"] = *task.Due
		line = line.Append(bot.Textf(", due %s", bot.ChatTime(*task.Due))...)
	}
	if err := c.record(bot.KindTask, summary+": "+t.Text, d); err != nil {
		return nil, err
	}
	task.N = k
	return line, c.happen(Happening{Kind: HappenTaskAdded, Who: owner, Task: &task})
}

// addPlaybookChecklist appends the playbook's exit criteria for phase to the phase's
// checklist (items already there are kept, and not added twice).
func (c *call) addPlaybookChecklist(phase bot.Phase, pb config.Playbook) error {
	extra := pb.Checklist[string(phase)]
	if len(extra) == 0 {
		return nil
	}
	have, err := c.tx.Checklist(c.inc.Number, phase)
	if err != nil {
		return err
	}
	var all []string
	for _, it := range have {
		all = append(all, it.Text)
	}
	for _, it := range extra {
		if !slices.Contains(all, it) {
			all = append(all, it)
		}
	}
	return c.tx.AddChecklist(c.inc.Number, phase, all)
}

// playbookOf is the playbook applied to the incident, if it is still configured.
func (c *call) playbookOf(inc *bot.Incident) (string, config.Playbook, bool, error) {
	name, _, err := c.tx.Playbook(inc.Number)
	if err != nil || name == "" {
		return "", config.Playbook{}, false, err
	}
	pb, ok := c.e.cfg.Playbooks[name]
	return name, pb, ok, nil
}

// enterPlaybookPhase adds the applied playbook's exit criteria and tasks of a phase being
// entered. A task is added the first time its phase begins: entering the phase again (after
// moving back, or after a restart) finds its entry and adds nothing.
func (c *call) enterPlaybookPhase(phase bot.Phase) error {
	name, pb, ok, err := c.playbookOf(c.inc)
	if err != nil || !ok {
		return err
	}
	if err := c.addPlaybookChecklist(phase, pb); err != nil {
		return err
	}
	version := config.PlaybookVersion(pb)
	added, err := c.playbookTasksAdded(name, version)
	if err != nil {
		return err
	}
	var lines []bot.Text
	for i, t := range pb.Tasks {
		if ph, ok := bot.ParsePhase(t.Phase); !ok || ph != phase || added[i] {
			continue
		}
		line, err := c.addPlaybookTask(name, version, i, t)
		if err != nil {
			return err
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return nil
	}
	return c.post(bot.Message{Text: bot.Textf("📘 Playbook *%s*, %s begins:\n%s", name, phase, bot.Join(lines, "\n"))})
}

// playbookTasksAdded are the indexes of the tasks of this playbook version already added.
func (c *call) playbookTasksAdded(name, version string) (map[int]bool, error) {
	added := map[int]bool{}
	err := c.tx.EachEntryOfKind(c.inc.Number, []string{bot.KindTask}, func(e bot.Entry) error {
		d, err := bot.DecodeData(e.Data)
		if err == nil && d.Str("action") == "add" && d.Str("playbook") == name && d.Str("version") == version {
			if _, ok := d["playbook_task"]; ok {
				added[int(d.Int("playbook_task"))] = true
			}
		}
		return nil
	})
	return added, err
}

// wantedRoles are the playbook's roles nobody holds yet, in the playbook's order.
func (c *call) wantedRoles(pb config.Playbook) []string {
	current, err := c.tx.CurrentRoles(c.inc.Number)
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range pb.Roles {
		if _, held := current[r]; !held && r != "commander" {
			out = append(out, r)
		}
	}
	return out
}

// roleButtons offer roles to claim (commander and scribe are given, not claimed).
func (c *call) roleButtons(roles []string) []bot.Button {
	var bs []bot.Button
	for _, r := range roles {
		if r == "commander" || r == "scribe" {
			continue
		}
		bs = append(bs, bot.Button{Action: "role.claim", Label: "I'm " + r, Value: strconv.FormatInt(c.inc.Number, 10) + ":" + r})
	}
	return bs
}

// startPlaybookClocks starts the playbook's regulatory clocks that are not running yet.
func (c *call) startPlaybookClocks(pb config.Playbook) error {
	existing, err := c.tx.Clocks(c.inc.Number)
	if err != nil {
		return err
	}
	for _, regime := range pb.Clocks {
		started := false
		for _, r := range regimeRules[regime] {
			if _, ok := findClock(existing, r.name); ok {
				started = true
			}
		}
		if started {
			continue
		}
		if err := c.startClock(regime, 0, zeroTime); err != nil {
			return err
		}
	}
	return nil
}

// pagePlaybookTeam pages a team the playbook names. In a drill nobody is paged (the
// channel is told who would have been); a team nobody can be reached on is said, not
// refused: the declaration stands.
func (c *call) pagePlaybookTeam(playbook, team string) error {
	policy, err := c.e.cfg.OnCall.Escalation(team)
	if err != nil {
		return err
	}
	p := &bot.Page{Message: fmt.Sprintf("%s (%s): playbook %s pages %s", c.inc.ID(), TitleOutside(c.e.cfg, c.inc), playbook, team),
		PagedBy: c.who, Team: team, Target: team, Policy: policy, Platform: c.inc.Platform, Channel: c.inc.ChannelID, Incident: c.inc.Number, CreatedAt: c.now}
	if c.inc.Drill {
		p.Incident = 0
		return c.drillPage(p)
	}
	run, err := c.startPage(p)
	if err != nil {
		return err
	}
	if len(run.notified) == 0 {
		c.say("Playbook %s could not page %s: %s.", playbook, team, strings.Join(run.skipped, "; "))
		return c.post(bot.Message{Text: bot.Textf("📟 Playbook %s could not page %s: %s. Page someone with /page.", playbook, team, strings.Join(run.skipped, "; "))})
	}
	return c.postPageSent(p, run)
}

// playbookCardLine names the applied playbook on the card, with the roles it wants that
// nobody holds yet — those first.
func (c *call) playbookCardLine() string {
	name, pb, ok, err := c.playbookOf(c.inc)
	if err != nil || !ok {
		return ""
	}
	line := "\nPlaybook: " + name
	if wanted := c.wantedRoles(pb); len(wanted) > 0 && c.inc.Open() {
		line += " · wanted first: " + strings.Join(wanted, ", ")
	}
	return line
}
