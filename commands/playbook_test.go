package commands

import (
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/storage"
)

// playbookYAML is the ransomware playbook of docs/playbooks.md, without actions.
const playbookYAML = `
oncall:
  teams:
    secops:
      rotations:
        - {name: primary, members: [bob, carol], length: 1w, handoff: "09:00", start: 2026-03-02}
playbooks:
  ransomware:
    match: {type: ransomware}
    roles: [commander, analyst, legal, comms]
    page: [secops]
    clocks: [gdpr, nis2]
    tasks:
      - {text: "Isolate the affected hosts", role: analyst, due: 30m}
      - {text: "Call the cyber insurer", role: legal, due: 24h, phase: containment}
      - {text: "Decide on the ransom policy line", role: commander}
    checklist:
      identification: ["Scope of encryption known"]
      containment: ["Backups verified offline before restore"]
  ransomware-critical:
    match: {type: ransomware, severity: [2]}
    tasks:
      - {text: "Call the CEO", role: commander}
`

func TestPlaybookAppliedWhenTypeIsSet(t *testing.T) {
	h := newHarness(t, withYAML(playbookYAML))
	ch := h.declare("alice", "files encrypted on the file server")
	h.flush()
	r := h.mustSay("alice", ch, "type ransomware", "Playbook ransomware")
	pb := h.cfg.Playbooks["ransomware"]
	version := config.PlaybookVersion(pb)
	wantContains(t, "reply", r, version, "2 tasks added")
	e := h.lastOf(1, bot.KindPlaybook)
	d, _ := bot.DecodeData(e.Data)
	if d.Str("playbook") != "ransomware" || d.Str("version") != version || e.Actor != "alice" {
		t.Fatalf("playbook entry: %+v %v", e, d)
	}
	tasks := h.tasks(1)
	if len(tasks) != 2 {
		t.Fatalf("tasks (the containment task waits for its phase): %+v", tasks)
	}
	// The analyst role is free: unassigned; the commander's task goes to the acting commander.
	if tasks[0].Owner != "" || tasks[0].Due == nil || !tasks[0].Due.Equal(t0.Add(30*60e9)) || tasks[1].Owner != "alice" {
		t.Fatalf("task owners/due: %+v", tasks)
	}
	var clocks []bot.Clock
	var pages []bot.Page
	h.view(func(tx *storage.Tx) (err error) {
		if clocks, err = tx.Clocks(1); err != nil {
			return err
		}
		pages, err = tx.IncidentPages(1)
		return err
	})
	if len(clocks) != 3 {
		t.Fatalf("clocks gdpr + nis2 (two deadlines): %+v", clocks)
	}
	if len(pages) != 1 || pages[0].Team != "secops" {
		t.Fatalf("pages: %+v", pages)
	}
	items := h.checklist(1, bot.PhaseIdentification)
	if items[len(items)-1].Text != "Scope of encryption known" {
		t.Fatalf("identification checklist: %+v", items)
	}
	out := h.flush()
	wantContains(t, "channel", out, "Playbook *ransomware*", "Wanted first: analyst, legal, comms", "Playbook: ransomware · wanted first: analyst, legal, comms", "secops")
	// Later phases get the playbook's exit criteria when they begin.
	h.tickAll("alice", ch, 1)
	h.mustSay("alice", ch, "phase next", "containment")
	items = h.checklist(1, bot.PhaseContainment)
	if items[len(items)-1].Text != "Backups verified offline before restore" {
		t.Fatalf("containment checklist: %+v", items)
	}
	if v := h.verify(1); !v.OK {
		t.Fatalf("verify: %+v", v)
	}
	// Setting the same type again is refused; the playbook is not applied twice.
	h.cmd("alice", ch, "type ransomware")
	if n := len(h.tasks(1)); n != 3 {
		t.Fatalf("tasks after repeated type: %d", n)
	}
}

// A task with phase: is added when that phase begins — one task entry, on phase entry —
// and only the first time: moving back and forth, or restarting, adds it no second time.
func TestPlaybookPhaseTaskAddedWhenItsPhaseBegins(t *testing.T) {
	h := newHarness(t, withYAML(playbookYAML))
	ch := h.declare("alice", "files encrypted on the file server")
	h.mustSay("alice", ch, "type ransomware", "Playbook ransomware")
	const insurer = "Call the cyber insurer"
	insurerTasks := func() []bot.Task {
		var out []bot.Task
		for _, tk := range h.tasks(1) {
			if tk.Text == insurer {
				out = append(out, tk)
			}
		}
		return out
	}
	if got := insurerTasks(); len(got) != 0 {
		t.Fatalf("the containment task was added in identification: %+v", got)
	}
	wantContains(t, "playbook post", h.flush(), "• when containment begins: "+insurer)
	if e := h.lastOf(1, bot.KindPlaybook); !strings.Contains(e.Text, "2 tasks (1 more when their phase begins)") {
		t.Fatalf("playbook entry: %s", e.Text)
	}
	h.clock.Advance(time.Hour)
	h.mustSay("alice", ch, "phase next --force", "containment")
	got := insurerTasks()
	if len(got) != 1 || got[0].Due == nil || !got[0].Due.Equal(t0.Add(time.Hour+24*time.Hour)) {
		t.Fatalf("on entering containment, one task due 24h after: %+v", got)
	}
	var added []bot.Entry
	for _, e := range h.entries(1) {
		if e.Kind == bot.KindTask && strings.HasSuffix(e.Text, ": "+insurer) {
			added = append(added, e)
		}
	}
	if len(added) != 1 {
		t.Fatalf("task entries for the phase task: %d", len(added))
	}
	d, _ := bot.DecodeData(added[0].Data)
	if d.Str("playbook") != "ransomware" || d.Int("playbook_task") != 1 || d.Str("phase") != "containment" {
		t.Fatalf("task entry data: %v", d)
	}
	phaseEntry := h.lastOf(1, bot.KindPhase)
	if added[0].Seq > phaseEntry.Seq || added[0].Seq < phaseEntry.Seq-3 {
		t.Fatalf("the task entry %d is not part of the phase change %d", added[0].Seq, phaseEntry.Seq)
	}
	wantContains(t, "channel", h.flush(), "Playbook *ransomware*, containment begins:", insurer)
	// Back to identification and into containment again, then a restart and once more.
	h.mustSay("alice", ch, "phase identification", "identification")
	h.mustSay("alice", ch, "phase containment --force", "containment")
	h.eng = New(Deps{Store: StoreOf[*storage.Tx](h.db), Config: h.cfg, Clock: h.clock, Kick: h.del.Kick})
	h.mustSay("alice", ch, "phase identification", "identification")
	h.mustSay("alice", ch, "phase containment --force", "containment")
	if got := insurerTasks(); len(got) != 1 {
		t.Fatalf("the phase task was added %d times", len(got))
	}
	if v := h.verify(1); !v.OK {
		t.Fatalf("verify: %+v", v)
	}
	// Declared straight into a later phase's playbook (the type set while in containment):
	// the task of a phase already begun is added at once.
	ch2 := h.declare("bob", "second outbreak")
	h.mustSay("bob", ch2, "phase next --force", "containment")
	h.mustSay("bob", ch2, "type ransomware", "3 tasks added")
}

func TestPlaybookBySeverityWinsAndAppliesOnDeclare(t *testing.T) {
	h := newHarness(t, withYAML(playbookYAML))
	if got := h.cfg.PlaybookFor("ransomware", 2); got != "ransomware-critical" {
		t.Fatalf("sev2: %s", got)
	}
	if got := h.cfg.PlaybookFor("ransomware", 1); got != "ransomware" {
		t.Fatalf("sev1: %s", got)
	}
	if got := h.cfg.PlaybookFor("phishing", 1); got != "" {
		t.Fatalf("phishing: %s", got)
	}
	// A drill of the ransomware scenario declares with its type: the playbook applies on
	// declare, and the team it pages is not paged.
	r := h.cmd("bob", "general", "drill ransomware")
	wantContains(t, "drill reply", r, "Playbook ransomware", "nobody was paged")
	var pages []bot.Page
	h.view(func(tx *storage.Tx) (err error) { pages, err = tx.IncidentPages(1); return err })
	if len(pages) != 0 {
		t.Fatalf("a drill paged: %+v", pages)
	}
	if _, ok := findEntry(h.entries(1), bot.KindPage, "DRILL: would page secops"); !ok {
		t.Fatal("no DRILL page entry")
	}
	if v := h.verify(1); !v.OK {
		t.Fatalf("verify: %+v", v)
	}
}

func TestPlaybookVersionIsItsConfig(t *testing.T) {
	h := newHarness(t, withYAML(playbookYAML))
	a := h.cfg.Playbooks["ransomware"]
	b := a
	b.Tasks = append([]config.PlaybookTask(nil), a.Tasks...)
	b.Tasks[0].Text = "Isolate the hosts"
	if config.PlaybookVersion(a) == config.PlaybookVersion(b) || config.PlaybookVersion(a) != config.PlaybookVersion(h.cfg.Playbooks["ransomware"]) {
		t.Fatal("version does not follow the config")
	}
}

// An insider with write access to the database who rewrites which playbook was followed
// is caught by verify: the row is a projection of the playbook entry.
func TestPlaybookRowForgedIsCaughtByVerify(t *testing.T) {
	h := newHarness(t, withYAML(playbookYAML))
	ch := h.declare("alice", "files encrypted")
	h.cmd("alice", ch, "type ransomware")
	db := openRW(t, h.db.Path())
	if _, err := db.Exec(`UPDATE incident_playbooks SET name = 'ransomware-critical' WHERE incident = 1`); err != nil {
		t.Fatal(err)
	}
	v, err := h.db.Verify(h.ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v.OK || !strings.Contains(v.Problem, "playbook applied") {
		t.Fatalf("verify passed a forged playbook row: %+v", v)
	}
}

// The regimes a playbook may name (checked at start-up) are the clocks this package starts.
func TestPlaybookClockRegimesAreTheBuiltInClocks(t *testing.T) {
	if len(config.ClockRegimes) != len(regimeRules) {
		t.Fatalf("bot.ClockRegimes %v vs regimeRules", config.ClockRegimes)
	}
	for _, r := range config.ClockRegimes {
		if _, ok := regimeRules[r]; !ok {
			t.Fatalf("%s is no built-in clock", r)
		}
	}
}

// openRW opens the database file for writing behind warroom's back (the insider).
func openRW(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The report says which playbook, at which version, was followed.
func TestPlaybookInReport(t *testing.T) {
	h, rec := repHarness(t, withYAML(playbookYAML))
	ch := h.declare("alice", "files encrypted")
	h.mustSay("alice", ch, "type ransomware", "Playbook ransomware")
	h.mustSay("alice", ch, "close true-positive restored", "closed")
	h.flush()
	md := string(rec.last(t).Data)
	wantContains(t, "report", md, "applied playbook ransomware (version "+config.PlaybookVersion(h.cfg.Playbooks["ransomware"])+")")
}

// The playbooks docs/playbooks.md offers are a configuration warroom accepts.
func TestPlaybooksDocParses(t *testing.T) {
	doc, err := os.ReadFile("../docs/playbooks.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(doc), "```yaml\n")
	if len(blocks) < 2 {
		t.Fatal("no yaml block")
	}
	y := strings.SplitN(blocks[1], "```", 2)[0] + strings.SplitN(blocks[2], "```", 2)[0]
	cfg, err := config.ParseConfig("playbooks.md", []byte(testRoster+playbookYAML[:strings.Index(playbookYAML, "playbooks:")]+y))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Actions) != 4 || cfg.Actions["isolate-host"].Approval.Quorum != 2 {
		t.Errorf("actions: %+v", cfg.Actions)
	}
	for _, name := range []string{"ransomware", "phishing", "account-compromise"} {
		if cfg.PlaybookFor(name, 3) != name {
			t.Errorf("no %s playbook", name)
		}
	}
}
