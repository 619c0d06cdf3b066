package bot

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Record is what the database holds about an incident besides its timeline: the incident
// row and the tables derived from the entries. Verify compares it with Replay's result.
type Record struct {
	Incident Incident
	Roles    map[string]string // current holder of each role
	Members  []string
	Tasks    []Task
	Lessons  []Lesson
	Clocks   []Clock
	Pages    []Page // pages sent from the incident
	Runs     []Run  // response action runs
	// Playbook and PlaybookVersion: the playbook last applied ("" when none).
	Playbook, PlaybookVersion string
}

// RedactedText is what a derived row holds in place of free text whose entry was redacted.
const RedactedText = "[redacted]"

// fact is one projected value and the entry that set it. redacted marks free text whose
// entry was redacted: the stored value is then "[redacted]" (or empty, if there was none).
type fact struct {
	value    string
	seq      int64
	redacted bool
}

// Projection is what an incident's entries say its record is, field by field.
type Projection struct {
	facts   map[string]fact
	order   []string
	lessons int
}

// Clone is an independent copy: applying entries to it leaves p as it was (a replay kept
// between views of a long timeline and extended by the entries appended since).
func (p *Projection) Clone() Projection {
	return Projection{facts: maps.Clone(p.facts), order: slices.Clone(p.order), lessons: p.lessons}
}

func (p *Projection) set(field, value string, e Entry) {
	if p.facts == nil {
		p.facts = map[string]fact{}
	}
	if _, ok := p.facts[field]; !ok {
		p.order = append(p.order, field)
	}
	p.facts[field] = fact{value: value, seq: e.Seq}
}

// setText sets a field from the entry's free text ("[redacted]" once the entry is redacted).
func (p *Projection) setText(field string, e Entry) {
	p.set(field, FreeText(e.Text), e)
	if e.Redacted {
		f := p.facts[field]
		f.value, f.redacted = RedactedText, true
		p.facts[field] = f
	}
}

func (p *Projection) drop(field string, e Entry) { p.set(field, "", e) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Apply folds one version 2 entry into the projection. Version 1 entries carry no data and
// are not projected (Verify says which incidents are version 1).
func (p *Projection) Apply(e Entry) {
	d, err := DecodeData(e.Data)
	if err != nil {
		return
	}
	switch e.Kind {
	case KindDeclared:
		p.set("severity", itoa(d.Int("severity")), e)
		p.setText("title", e)
		p.set("type", d.Str("type"), e)
		p.set("status", StatusOpen, e)
		p.set("drill", strconv.FormatBool(d.Bool("drill")), e)
		p.set("member "+d.Str("by"), "yes", e)
	case KindPhase:
		p.set("phase", d.Str("to"), e)
	case KindSeverity:
		p.set("severity", itoa(d.Int("to")), e)
	case KindType:
		p.set("type", d.Str("to"), e)
	case KindRole:
		p.set("role "+d.Str("role"), d.Str("person"), e)
		p.set("member "+d.Str("person"), "yes", e)
	case KindMember:
		person := d.Str("person")
		if d.Str("action") == "remove" {
			p.drop("member "+person, e)
			for _, r := range d.Strs("ended_roles") {
				p.drop("role "+r, e)
			}
		} else {
			p.set("member "+person, "yes", e)
		}
	case KindTask:
		k := "task " + itoa(d.Int("task"))
		if d.Str("action") == "add" {
			p.setText(k+" text", e)
			p.set(k+" owner", d.Str("owner"), e)
			p.set(k+" due", d.Str("due"), e)
			p.set(k+" done by", "", e)
			if o := d.Str("owner"); o != "" && o != e.Actor {
				p.set("member "+o, "yes", e)
			}
		} else if d.Str("action") == "done" {
			p.set(k+" done by", e.Actor, e)
		}
	case KindLesson:
		p.lessons++
		k := "lesson " + strconv.Itoa(p.lessons)
		p.set(k+" kind", d.Str("lesson"), e)
		p.set(k+" author", e.Actor, e)
		p.setText(k+" text", e)
	case KindClose:
		p.set("status", StatusClosed, e)
		p.set("phase", string(PhaseClosed), e)
		p.set("close class", d.Str("class"), e)
		p.setText("resolution", e)
		dup := ""
		if n := d.Int("duplicate_of"); n != 0 {
			dup = FormatID(n)
		}
		p.set("duplicate of", dup, e)
	case KindReopen:
		p.set("status", StatusOpen, e)
		p.set("phase", d.Str("to"), e)
	case KindClock:
		k := "clock " + d.Str("clock")
		switch d.Str("action") {
		case "set":
			p.set(k+" start", d.Str("start"), e)
			p.set(k+" deadline", d.Str("deadline"), e)
			p.set(k+" filed", "no", e)
		case "done":
			p.set(k+" filed", "yes", e)
		}
	case KindAction:
		k := "run " + itoa(d.Int("run"))
		switch ev := d.Str("event"); ev {
		case "request":
			p.set(k+" action", d.Str("name"), e)
			params, _ := RunParamsOfEntry(e, d)
			pj, _ := json.Marshal(params)
			p.set(k+" params", string(pj), e)
			p.set(k+" requester", e.Actor, e)
			p.set(k+" approvers", "", e)
			p.set(k+" state", d.Str("state"), e)
		case "approve":
			p.set(k+" approvers", strings.Join(d.Strs("approvers"), ","), e)
			p.set(k+" state", d.Str("state"), e)
		default:
			if st := d.Str("state"); st != "" {
				p.set(k+" state", st, e)
			}
		}
	case KindPlaybook:
		p.set("playbook applied", d.Str("playbook")+"@"+d.Str("version"), e)
	case KindPage:
		if d.Str("action") == "sent" {
			k := "page " + itoa(d.Int("page"))
			p.set(k+" target", d.Str("target"), e)
			p.setText(k+" message", e)
		}
	}
}

// stored flattens a record into the same fields the projection sets.
func stored(r Record) map[string]string {
	inc := r.Incident
	out := map[string]string{
		"title": inc.Title, "severity": strconv.Itoa(inc.Severity), "type": inc.Type, "status": inc.Status,
		"phase": string(inc.Phase), "drill": strconv.FormatBool(inc.Drill), "close class": inc.CloseClass,
		"resolution": inc.Resolution, "duplicate of": "",
	}
	if inc.DuplicateOf != 0 {
		out["duplicate of"] = FormatID(inc.DuplicateOf)
	}
	for role, person := range r.Roles {
		out["role "+role] = person
	}
	for _, m := range r.Members {
		out["member "+m] = "yes"
	}
	for _, t := range r.Tasks {
		k := "task " + itoa(t.N)
		out[k+" text"], out[k+" owner"], out[k+" due"], out[k+" done by"] = t.Text, t.Owner, "", t.DoneBy
		if t.Due != nil {
			out[k+" due"] = FormatTime(*t.Due)
		}
	}
	for i, l := range r.Lessons {
		k := "lesson " + strconv.Itoa(i+1)
		out[k+" kind"], out[k+" author"], out[k+" text"] = l.Kind, l.Author, l.Text
	}
	for _, c := range r.Clocks {
		k := "clock " + c.Name
		out[k+" start"], out[k+" deadline"], out[k+" filed"] = FormatTime(c.Start), FormatTime(c.Deadline), "no"
		if c.DoneAt != nil {
			out[k+" filed"] = "yes"
		}
	}
	for _, run := range r.Runs {
		k := "run " + itoa(run.N)
		params, _ := json.Marshal(run.Params)
		out[k+" action"], out[k+" params"], out[k+" requester"] = run.Action, string(params), run.Requester
		out[k+" approvers"], out[k+" state"] = strings.Join(run.Approvers, ","), run.State
	}
	if r.Playbook != "" {
		out["playbook applied"] = r.Playbook + "@" + r.PlaybookVersion
	}
	for _, pg := range r.Pages {
		k := "page " + itoa(pg.ID)
		out[k+" target"], out[k+" message"] = pg.Target, pg.Message
	}
	return out
}

// Check compares the record with the projection and describes the first difference:
// "severity is 4 in the incident record; entry 9 set it to 1". It returns the entry that
// says otherwise (0 when no entry accounts for a stored value) and "" when they agree.
func (p *Projection) Check(r Record) (int64, string) {
	have := stored(r)
	// Fields the entries set, in the order they first appeared: the incident row first.
	for _, field := range p.order {
		f := p.facts[field]
		got, ok := have[field]
		if got == f.value || (!ok && f.value == "") || (f.redacted && got == "") {
			continue
		}
		if !ok {
			got = "absent"
		}
		return f.seq, fmt.Sprintf("%s is %s in the incident record; entry %d set it to %s", field, show(got), f.seq, show(f.value))
	}
	// Stored values no entry accounts for (a role, member, task … added behind warroom's back).
	var extra []string
	for field, v := range have {
		if _, ok := p.facts[field]; !ok && v != "" && v != "no" && strings.Contains(field, " ") && field != "close class" && field != "duplicate of" {
			extra = append(extra, field)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		return 0, fmt.Sprintf("%s is %s in the incident record; no entry sets it", extra[0], show(have[extra[0]]))
	}
	return 0, ""
}

func show(v string) string {
	switch v {
	case "":
		return "empty"
	case "yes":
		return "present"
	}
	if _, err := strconv.Atoi(v); err == nil || slices.Contains([]string{"true", "false"}, v) {
		return v
	}
	if _, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return v
	}
	return strconv.Quote(v)
}

// CheckRecord completes a verdict whose chain verified: the record must be what the
// entries say (Check). First-release incidents are not projected.
func CheckRecord(v *Verdict, p *Projection, r Record) {
	if !v.OK || v.V1 > 0 {
		return
	}
	if seq, problem := p.Check(r); problem != "" {
		v.OK, v.HeadHash, v.BadSeq, v.Problem, v.Projection = false, "", seq, problem, true
	}
}
