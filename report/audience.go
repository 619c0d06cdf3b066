package report

import (
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

// TLP 2.0 in the report. Every entry carries a label: its own (note --tlp red …) or the
// incident's. A report for an audience (`warroom report --audience tlp:green`) leaves out
// every entry above the audience's level — and everything derived from one: a task whose
// entry is left out, a lesson, the title and channel name when the declaration is, the
// resolution when the close is, a clock's filing note — and says how much it left out.
// The report's classification is the highest label of what it holds.

// Withheld says what an audience's report leaves out.
type Withheld struct {
	Audience string `json:"audience"` // "TLP:GREEN"; "" when nothing was filtered
	Entries  int    `json:"entries"`
	Tasks    int    `json:"tasks"`
	Lessons  int    `json:"lessons"`
	Alerts   int    `json:"alerts"` // alert groups: they carry the incident's label
	// Title: the declaration is above the audience, so the title and channel name are too.
	Title      bool `json:"title"`
	Resolution bool `json:"resolution"`
}

// Classification is the report's TLP marking.
type Classification struct {
	TLP      string   `json:"tlp"`      // the marking: the highest label the report holds
	Incident string   `json:"incident"` // the incident's label
	Withheld Withheld `json:"withheld"`
}

// withheldText stands where text above the audience would be.
func withheldText(audience bot.TLP) string { return "[withheld: above " + audience.String() + "]" }

// IncidentTLP is the incident's label: the last word of its declaration and TLP entries
// (entries of other kinds are skipped), else configured, else config.DefaultTLP.
func IncidentTLP(entries []bot.Entry, configured bot.TLP) bot.TLP {
	var f bot.Facts
	for _, e := range entries {
		if e.Kind == bot.KindDeclared || e.Kind == bot.KindTLP {
			f.Apply(e)
		}
	}
	return f.TLP.Or(configured.Or(config.DefaultTLP))
}

// IncidentTLPKinds are the entry kinds IncidentTLP reads.
var IncidentTLPKinds = []string{bot.KindDeclared, bot.KindTLP}

// audienceFold decides, entry by entry, what the audience may see, and remembers what
// that leaves out of the rest of the report (tasks, lessons, filing notes, the title).
type audienceFold struct {
	audience, inc, top bot.TLP
	c                  Classification
	w                  Withheld
	l                  labels
	// What is kept is only what a kept entry accounts for: a task, lesson or filing note
	// whose entry cannot be found is left out too (first-release entries carry no data).
	tasks   map[int64]bool  // task numbers whose add entry is kept
	clocks  map[string]bool // clocks whose filing entry is kept
	lessons []bool          // per lesson entry, in order: kept?
}

func newAudienceFold(audience, inc bot.TLP) audienceFold {
	f := audienceFold{audience: audience, inc: inc, c: Classification{Incident: inc.String()},
		l: labels{incident: inc, entries: map[int64]bot.TLP{}, tasks: map[int64]bot.TLP{}}}
	if audience == bot.TLPUnset {
		f.top = inc
		return f
	}
	f.w = Withheld{Audience: audience.String()}
	f.tasks, f.clocks = map[int64]bool{}, map[string]bool{}
	return f
}

// keep reports whether the audience may see e, and notes what it means for the rest.
func (f *audienceFold) keep(e *bot.Entry) bool {
	data, _ := bot.DecodeData(e.Data)
	label := bot.EntryTLP(data, f.inc)
	if f.audience == bot.TLPUnset {
		f.l.note(e, data, label)
		f.top = max(f.top, label)
		return true
	}
	ok := f.audience.Allows(label)
	if e.Kind == bot.KindLesson {
		f.lessons = append(f.lessons, ok)
	}
	if !ok {
		f.w.Entries++
		switch e.Kind {
		case bot.KindDeclared:
			f.w.Title = true
		case bot.KindClose:
			f.w.Resolution = true
		}
		return false
	}
	f.top = max(f.top, label)
	f.l.note(e, data, label)
	switch e.Kind {
	case bot.KindTask:
		if n, ok := taskAdded(e, data); ok {
			f.tasks[n] = true
		}
	case bot.KindClock:
		if name, ok := clockFiled(e, data); ok {
			f.clocks[name] = true
		}
	}
	return true
}

// finish leaves out of d what the entries left out said to, and returns the
// classification and the labels.
func (f *audienceFold) finish(d *Data) (Classification, labels) {
	c, l, audience := f.c, f.l, f.audience
	if audience == bot.TLPUnset {
		c.TLP = f.top.String()
		return c, l
	}
	w := f.w
	if w.Title {
		d.Incident.Title, d.Incident.ChannelName, d.Incident.OriginLink = withheldText(audience), "", ""
	}
	if w.Resolution && d.Incident.Resolution != "" {
		d.Incident.Resolution = withheldText(audience)
	}
	var keptTasks []bot.Task
	for _, t := range d.Tasks {
		if !f.tasks[t.N] {
			w.Tasks++
			continue
		}
		keptTasks = append(keptTasks, t)
	}
	d.Tasks = keptTasks
	var keptLessons []bot.Lesson
	for i, l := range d.Lessons {
		if len(f.lessons) != len(d.Lessons) || !f.lessons[i] {
			w.Lessons++
			continue
		}
		keptLessons = append(keptLessons, l)
	}
	d.Lessons = keptLessons
	for i := range d.Clocks {
		if !f.clocks[d.Clocks[i].Name] {
			d.Clocks[i].DoneNote = ""
		}
	}
	// Alerts came in with no label of their own: they carry the incident's.
	if !audience.Allows(f.inc) {
		w.Alerts, d.Alerts = len(d.Alerts), nil
	}
	// Linked incidents have labels of their own: an audience's report names them by id only.
	for i := range d.Related {
		d.Related[i].Title = ""
	}
	c.TLP = f.top.Or(audience).String()
	c.Withheld = w
	if w.Title {
		l.incident = bot.TLPUnset // the title is not shown: it does not mark what is
	}
	return c, l
}

// labels are the entries' own labels where they differ from the incident's (most do not,
// so this stays small for a long timeline), for marking what is built from a few of them.
type labels struct {
	incident bot.TLP
	entries  map[int64]bot.TLP // seq → label
	tasks    map[int64]bot.TLP // task number → its add entry's label
}

func (l *labels) note(e *bot.Entry, d bot.EntryData, label bot.TLP) {
	if e.Kind == bot.KindTask {
		if n, ok := taskAdded(e, d); ok && label != l.incident {
			l.tasks[n] = label
		}
	}
	if label != l.incident {
		l.entries[e.Seq] = label
	}
}

// of is the label of entry seq.
func (l *labels) of(seq int64) bot.TLP {
	if t, ok := l.entries[seq]; ok {
		return t
	}
	return l.incident
}

// task is the label of task n.
func (l *labels) task(n int64) bot.TLP {
	if t, ok := l.tasks[n]; ok {
		return t
	}
	return l.incident
}

// taskAdded reads which task an entry added: its data, or a first-release entry's text
// ("added task 3 …").
func taskAdded(e *bot.Entry, d bot.EntryData) (int64, bool) {
	if d.Has("task") {
		return d.Int("task"), d.Str("action") == "add"
	}
	rest, ok := strings.CutPrefix(e.Text, "added task ")
	if !ok {
		return 0, false
	}
	num, _, _ := strings.Cut(rest, ":")
	num, _, _ = strings.Cut(num, " ")
	n, err := strconv.ParseInt(num, 10, 64)
	return n, err == nil
}

// clockFiled reads which clock's filing an entry records ("gdpr clock filed: …").
func clockFiled(e *bot.Entry, d bot.EntryData) (string, bool) {
	if d.Has("clock") {
		return d.Str("clock"), d.Str("action") == "done"
	}
	name, _, ok := strings.Cut(e.Text, " clock filed")
	return name, ok && !strings.Contains(name, " ")
}
