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

// incidentTLP is the incident's label: its entries' last word, else the configured default.
func incidentTLP(d *Data) bot.TLP {
	var f bot.Facts
	for _, e := range d.Entries {
		if e.Kind == bot.KindDeclared || e.Kind == bot.KindTLP {
			f.Apply(e)
		}
	}
	return f.TLP.Or(d.DefaultTLP.Or(config.DefaultTLP))
}

// filterAudience returns d as the audience may see it, and the classification.
func filterAudience(d Data, inc bot.TLP) (Data, Classification, labels) {
	c := Classification{Incident: inc.String()}
	audience := d.Audience
	top := bot.TLPUnset
	l := labels{incident: inc, entries: map[int64]bot.TLP{}, tasks: map[int64]bot.TLP{}}
	if audience == bot.TLPUnset {
		top = inc
		for _, e := range d.Entries {
			data, _ := bot.DecodeData(e.Data)
			label := bot.EntryTLP(data, inc)
			l.note(e, data, label)
			top = max(top, label)
		}
		c.TLP = top.String()
		return d, c, l
	}
	w := Withheld{Audience: audience.String()}
	kept := make([]bot.Entry, 0, len(d.Entries))
	// What is kept is only what a kept entry accounts for: a task, lesson or filing note
	// whose entry cannot be found is left out too (first-release entries carry no data).
	tasks := map[int64]bool{}   // task numbers whose add entry is kept
	clocks := map[string]bool{} // clocks whose filing entry is kept
	var lessons []bool          // per lesson entry, in order: kept?
	for _, e := range d.Entries {
		data, _ := bot.DecodeData(e.Data)
		label := bot.EntryTLP(data, inc)
		ok := audience.Allows(label)
		if e.Kind == bot.KindLesson {
			lessons = append(lessons, ok)
		}
		if !ok {
			w.Entries++
			switch e.Kind {
			case bot.KindDeclared:
				w.Title = true
			case bot.KindClose:
				w.Resolution = true
			}
			continue
		}
		top = max(top, label)
		l.note(e, data, label)
		kept = append(kept, e)
		switch e.Kind {
		case bot.KindTask:
			if n, ok := taskAdded(e, data); ok {
				tasks[n] = true
			}
		case bot.KindClock:
			if name, ok := clockFiled(e, data); ok {
				clocks[name] = true
			}
		}
	}
	d.Entries = kept
	if w.Title {
		d.Incident.Title, d.Incident.ChannelName, d.Incident.OriginLink = withheldText(audience), "", ""
	}
	if w.Resolution && d.Incident.Resolution != "" {
		d.Incident.Resolution = withheldText(audience)
	}
	var keptTasks []bot.Task
	for _, t := range d.Tasks {
		if !tasks[t.N] {
			w.Tasks++
			continue
		}
		keptTasks = append(keptTasks, t)
	}
	d.Tasks = keptTasks
	var keptLessons []bot.Lesson
	for i, l := range d.Lessons {
		if len(lessons) != len(d.Lessons) || !lessons[i] {
			w.Lessons++
			continue
		}
		keptLessons = append(keptLessons, l)
	}
	d.Lessons = keptLessons
	for i := range d.Clocks {
		if !clocks[d.Clocks[i].Name] {
			d.Clocks[i].DoneNote = ""
		}
	}
	// Alerts came in with no label of their own: they carry the incident's.
	if !audience.Allows(inc) {
		w.Alerts, d.Alerts = len(d.Alerts), nil
	}
	// Linked incidents have labels of their own: an audience's report names them by id only.
	for i := range d.Related {
		d.Related[i].Title = ""
	}
	c.TLP = top.Or(audience).String()
	c.Withheld = w
	if w.Title {
		l.incident = bot.TLPUnset // the title is not shown: it does not mark what is
	}
	return d, c, l
}

// labels are the entries' own labels where they differ from the incident's (most do not,
// so this stays small for a long timeline), for marking what is built from a few of them.
type labels struct {
	incident bot.TLP
	entries  map[int64]bot.TLP // seq → label
	tasks    map[int64]bot.TLP // task number → its add entry's label
}

func (l *labels) note(e bot.Entry, d bot.EntryData, label bot.TLP) {
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
func taskAdded(e bot.Entry, d bot.EntryData) (int64, bool) {
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
func clockFiled(e bot.Entry, d bot.EntryData) (string, bool) {
	if d.Has("clock") {
		return d.Str("clock"), d.Str("action") == "done"
	}
	name, _, ok := strings.Cut(e.Text, " clock filed")
	return name, ok && !strings.Contains(name, " ")
}
