package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// The JSON contract: exactly these top-level fields, in this order.
var topLevel = []string{"classification", "executive_summary", "incident", "facts", "roles", "phases", "metrics", "timeline", "tasks", "lessons", "iocs", "clocks", "alerts", "evidence", "integrity", "read_in"}

func TestJSONShape(t *testing.T) {
	for _, d := range []Data{seededData(), minimalData()} {
		r := Build(d)
		out := render(t, &r, "json")
		dec := json.NewDecoder(strings.NewReader(out))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			t.Fatalf("not an object: %v %v", tok, err)
		}
		var keys []string
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, tok.(string))
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(keys, topLevel) {
			t.Errorf("top-level fields %v, want %v", keys, topLevel)
		}
		// The streamed document is what encoding/json makes of the Report.
		var streamed, marshalled any
		if err := json.Unmarshal([]byte(out), &streamed); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &marshalled); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(streamed, marshalled) {
			t.Error("JSON(w) and json.Marshal disagree")
		}
		// Arrays are never null, so consumers need no special case.
		m := streamed.(map[string]any)
		for _, k := range []string{"executive_summary", "roles", "phases", "timeline", "tasks", "lessons", "iocs", "clocks", "evidence"} {
			if _, ok := m[k].([]any); !ok {
				t.Errorf("%s is %T, want an array", k, m[k])
			}
		}
		inc := m["incident"].(map[string]any)
		for _, k := range []string{"type_changes", "severity_changes", "participants", "related", "exit_criteria"} {
			if _, ok := inc[k].([]any); !ok {
				t.Errorf("incident.%s is %T, want an array", k, inc[k])
			}
		}
		if _, ok := m["metrics"].(map[string]any)["pages"].([]any); !ok {
			t.Error("metrics.pages is not an array")
		}
	}
}

// minimalData is an incident just declared: no roles, tasks, lessons, pages or clocks.
func minimalData() Data {
	b := &timelineBuilder{id: "INC-1"}
	b.add(0, "alice", bot.KindDeclared, "alice declared: Odd login (sev3 (medium))")
	b.add(0, "alice", bot.KindPhase, "entered identification")
	inc := bot.Incident{Number: 1, Title: "Odd login", Severity: 3, Phase: bot.PhaseIdentification, Status: bot.StatusOpen,
		Platform: "console", ChannelName: "inc-1-odd-login", DeclaredBy: "alice", DeclaredAt: seedT0, ReportVersion: 1,
		HeadSeq: 2, HeadHash: b.prev}
	return Data{Incident: inc, Entries: b.entries, Phases: []bot.PhaseSpan{{Phase: bot.PhaseIdentification, Entered: seedT0}},
		Members: []string{"alice"}, GeneratedAt: seedAt(10 * time.Minute)}
}

func TestMinimalIncident(t *testing.T) {
	r := Build(minimalData())
	for _, f := range renderers {
		out := render(t, &r, f.ext)
		if f.ext != "json" && strings.Count(out, "None recorded") < 5 {
			t.Errorf("%s: empty sections are not said to be empty:\n%s", f.ext, out)
		}
	}
	md := render(t, &r, "md")
	for _, want := range []string{"**DRAFT**", "| Time to commander | nobody took the role", "| Time to containment | not reached |",
		"| Total | 10m 00s so far (still open) |", "Verification: not run for this report", "| identification | 2026-03-02 09:00:00 UTC | (ongoing) | 10m 00s |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if r.Metrics.TimeToCommander != nil || r.Roles[0].Role != "commander" || !r.Roles[0].Acting {
		t.Errorf("the declarer should be the acting commander: %+v", r.Roles)
	}
}

// IOCs from notes, updates and pins appear defanged and deduplicated; the permalinks
// warroom adds to pins, and what was redacted, do not.
func TestIOCsInReport(t *testing.T) {
	d := seededData()
	r := Build(d)
	got := map[string]string{}
	for _, x := range r.IOCs {
		if _, dup := got[x.Value]; dup {
			t.Errorf("%s listed twice", x.Value)
		}
		got[x.Value] = x.Kind + " " + x.Defanged
	}
	want := map[string]string{
		"billing@evil-invoices.example":     "email billing[@]evil-invoices[.]example",
		"https://evil-invoices.example/pay": "url hxxps://evil-invoices[.]example/pay",
		"203.0.113.45":                      "ipv4 203.0.113[.]45",
		"evil-invoices.example":             "domain evil-invoices[.]example",
		"44d88612fea8a8f36de82e1278abb02f":  "md5 44d88612fea8a8f36de82e1278abb02f",
		"CVE-2026-21001":                    "cve CVE-2026-21001",
		"2001:db8::dead:beef":               "ipv6 2001[:]db8[:][:]dead[:]beef",
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08": "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("IOCs:\n got %v\nwant %v", got, want)
	}
	md := render(t, &r, "md")
	section := md[strings.Index(md, "## Indicators of compromise"):strings.Index(md, "## Regulatory clocks")]
	for _, live := range []string{"https://evil", "203.0.113.45 ", "evil-invoices.example`"} {
		if strings.Contains(section, live) {
			t.Errorf("the IOC section holds a live indicator %q", live)
		}
	}
	if !strings.Contains(section, "| url | `hxxps://evil-invoices[.]example/pay` | 3 |") {
		t.Errorf("IOC section:\n%s", section)
	}
	// Not from a redacted entry, nor from bot-written entries.
	d.Entries[6].Redacted, d.Entries[6].Text = true, ""
	d.Entries = append(d.Entries, bot.Entry{Seq: 99, Kind: bot.KindPage, Actor: "warroom", Text: "page 3 to secops via 198.51.100.7", At: seedT0, OccurredAt: seedT0})
	r = Build(d)
	for _, x := range r.IOCs {
		if x.Kind == "sha256" || x.Value == "198.51.100.7" {
			t.Errorf("IOC %s should not be listed", x.Value)
		}
	}
}

// What looks like an indicator but is not — version numbers, file names — stays out.
func TestNotIOCs(t *testing.T) {
	d := minimalData()
	b := &timelineBuilder{id: "INC-1", entries: d.Entries, prev: d.Entries[len(d.Entries)-1].Hash}
	b.add(time.Minute, "bob", bot.KindNote, "upgraded the agent to 2.4.1 (build 10.2.3), see report.pdf, main.go and README.md")
	d.Entries = b.entries
	if r := Build(d); len(r.IOCs) != 0 {
		t.Errorf("IOCs found in %q: %+v", b.entries[2].Text, r.IOCs)
	}
}

func TestRedactedEntryShowsWhoAndWhy(t *testing.T) {
	r := Build(seededData())
	e := r.Timeline[12]
	if !e.Redacted || e.Text != "" || e.RedactedBy != "bob" || e.RedactionReason != "pasted a live password" {
		t.Errorf("entry 13: %+v", e)
	}
	for _, f := range renderers {
		out := render(t, &r, f.ext)
		if strings.Contains(out, "hunter2") {
			t.Errorf("%s: the redacted text is in the report", f.ext)
		}
	}
	if md := render(t, &r, "md"); !strings.Contains(md, `| carol | note | *\[redacted by bob: pasted a live password\]* |`) {
		t.Error("markdown does not show the redaction")
	}
}

func TestMetrics(t *testing.T) {
	r := Build(seededData())
	m := r.Metrics
	check := func(name string, got *int64, want time.Duration) {
		t.Helper()
		if got == nil || *got != int64(want/time.Second) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	// The headline times count from the detection recorded with /incident detected (the
	// mail gateway alert at 08:40), not from the declaration at 09:00.
	if m.CountedFrom != "detection" {
		t.Errorf("counted from %q", m.CountedFrom)
	}
	check("time to declare", m.TimeToDeclare, 20*time.Minute)
	check("time to commander", m.TimeToCommander, 25*time.Minute)
	check("time to containment", m.TimeToContainment, 2*time.Hour+25*time.Minute)
	check("time to eradication", m.TimeToEradication, 3*time.Hour+20*time.Minute)
	check("time to recovery", m.TimeToRecovery, 4*time.Hour+20*time.Minute)
	if m.Total != 6*3600+20*60 {
		t.Errorf("total %d", m.Total)
	}
	check("median ack", m.Acks.MedianSeconds, 4*time.Minute)
	if m.Acks.Pages != 2 || m.Acks.Acknowledged != 1 {
		t.Errorf("acks %+v", m.Acks)
	}
	if r.Clocks[0].Status != "met" || r.Clocks[1].Status != "missed" || *r.Clocks[1].Met {
		t.Errorf("clocks %+v", r.Clocks)
	}
	if r.Tasks[0].State != "done" || r.Tasks[1].State != "open" || r.Tasks[2].State != "overdue" {
		t.Errorf("task states %s %s %s", r.Tasks[0].State, r.Tasks[1].State, r.Tasks[2].State)
	}
	if r.Incident.Detection.ReportedBy != "carol" || !r.Incident.Detection.ReportedAt.Equal(seedAt(-15*time.Minute)) {
		t.Errorf("detection %+v", r.Incident.Detection)
	}
}

func TestCompleted(t *testing.T) {
	h := time.Hour
	closed := seedAt(2 * h)
	fp := bot.Incident{Status: bot.StatusClosed, DeclaredAt: seedT0, ClosedAt: &closed, ClosedFrom: bot.PhaseIdentification}
	spans := []bot.PhaseSpan{{Phase: bot.PhaseIdentification, Entered: seedT0, Left: &closed}}
	if _, ok := Completed(fp, spans, bot.PhaseContainment); ok {
		t.Error("a false positive closed in identification was never contained")
	}
	// Jumping straight to eradication completes containment.
	jump := []bot.PhaseSpan{{Phase: bot.PhaseIdentification, Entered: seedT0}, {Phase: bot.PhaseEradication, Entered: seedAt(h)}}
	if at, ok := Completed(bot.Incident{Status: "open"}, jump, bot.PhaseContainment); !ok || !at.Equal(seedAt(h)) {
		t.Errorf("Completed after a jump = %v %v", at, ok)
	}
	// Closed from containment: contained at the close.
	inCont := bot.Incident{Status: bot.StatusClosed, ClosedAt: &closed, ClosedFrom: bot.PhaseContainment}
	if at, ok := Completed(inCont, nil, bot.PhaseContainment); !ok || !at.Equal(closed) {
		t.Errorf("Completed on close = %v %v", at, ok)
	}
	// A reopened incident's phase time adds both spans.
	two := []bot.PhaseSpan{{Phase: bot.PhaseRecovery, Entered: seedT0, Left: seedPtr(h)}, {Phase: bot.PhaseRecovery, Entered: seedAt(3 * h)}}
	if got := TimeInPhase(two, seedAt(4*h))[3]; got.Phase != "recovery" || got.Seconds != 7200 {
		t.Errorf("time in recovery %+v", got)
	}
}

func TestPercentile(t *testing.T) {
	v := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, tc := range []struct {
		p    int
		want int64
	}{{50, 5}, {90, 9}, {100, 10}, {1, 1}} {
		if got := Percentile(v, tc.p); got != tc.want {
			t.Errorf("p%d = %d, want %d", tc.p, got, tc.want)
		}
	}
	if Percentile([]int64{42}, 90) != 42 || Percentile(nil, 50) != 0 {
		t.Error("edge cases")
	}
}

func TestStats(t *testing.T) {
	h := time.Hour
	mk := func(n int64, sev int, typ string, drill bool, contained time.Duration) StatsIncident {
		closed := seedAt(10 * h)
		inc := bot.Incident{Number: n, Severity: sev, Type: typ, Drill: drill, Status: bot.StatusClosed, CloseClass: "true-positive",
			DeclaredAt: seedT0, ClosedAt: &closed, ClosedFrom: bot.PhaseRecovery}
		return StatsIncident{Incident: inc, Phases: []bot.PhaseSpan{
			{Phase: bot.PhaseIdentification, Entered: seedT0, Left: seedPtr(h)},
			{Phase: bot.PhaseContainment, Entered: seedAt(h), Left: seedPtr(contained)},
			{Phase: bot.PhaseEradication, Entered: seedAt(contained)},
		}}
	}
	in := StatsInput{
		Severities: map[int]string{1: "critical", 2: "high", 3: "medium", 4: "low"},
		Incidents: []StatsIncident{
			mk(1, 1, "phishing", false, 2*h), mk(2, 2, "phishing", false, 3*h), mk(3, 2, "malware", false, 5*h),
			mk(4, 1, "ransomware", true, 50*h), // a drill: counted as excluded, nowhere else
		},
		Pages: []Page{
			{ID: 1, Incident: 1, CreatedAt: seedT0, AckedAt: seedPtr(2 * time.Minute)},
			{ID: 2, Incident: 2, CreatedAt: seedT0, AckedAt: seedPtr(6 * time.Minute)},
			{ID: 3, Incident: 4, CreatedAt: seedT0, AckedAt: seedPtr(9 * h)}, // the drill's
			{ID: 4, Incident: 3, CreatedAt: seedT0},
		},
	}
	s := ComputeStats(in)
	if s.Incidents != 3 || s.DrillsExcluded != 1 || s.Closed != 3 {
		t.Errorf("counts %+v", s)
	}
	if s.BySeverity[0].Count != 1 || s.BySeverity[1].Count != 2 || s.BySeverity[1].Name != "high" {
		t.Errorf("by severity %+v", s.BySeverity)
	}
	if !reflect.DeepEqual(s.ByType, []NameCount{{"phishing", 2}, {"malware", 1}}) {
		t.Errorf("by type %+v", s.ByType)
	}
	c := s.TimeToContainment
	if c.Count != 3 || *c.MedianSeconds != 3*3600 || *c.P90Seconds != 5*3600 {
		t.Errorf("containment %+v", c)
	}
	if p := s.Phases[1]; p.Phase != "containment" || p.Count != 3 || *p.MedianSeconds != 2*3600 {
		t.Errorf("containment phase %+v", p)
	}
	if p := s.Phases[2]; p.Count != 0 || p.MedianSeconds != nil {
		t.Errorf("eradication is still running everywhere: %+v", p)
	}
	a := s.TimeToAcknowledge
	if a.Pages != 3 || a.Count != 2 || *a.MedianSeconds != 120 || *a.P90Seconds != 360 {
		t.Errorf("acks %+v", a)
	}
	var text, js bytes.Buffer
	if err := s.Text(&text); err != nil || !strings.Contains(text.String(), "drills excluded: 1") {
		t.Errorf("text: %v\n%s", err, text.String())
	}
	if err := s.JSON(&js); err != nil || !json.Valid(js.Bytes()) {
		t.Errorf("json: %v", err)
	}
}

func TestDuration(t *testing.T) {
	for _, tc := range []struct {
		s    int64
		want string
	}{{0, "0s"}, {59, "59s"}, {60, "1m 00s"}, {3599, "59m 59s"}, {3600, "1h 00m"}, {86399, "23h 59m"}, {90000, "1d 1h"}} {
		if got := Duration(tc.s); got != tc.want {
			t.Errorf("Duration(%d) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

func TestTamperedChainShown(t *testing.T) {
	d := seededData()
	d.Integrity = bot.Verdict{Incident: "INC-7", Entries: 32, OK: false, BadSeq: 5,
		Problem: "entry 5 was altered: its content does not match its digest"}
	r := Build(d)
	if r.Integrity.Verified || r.Integrity.HeadHash != d.Incident.HeadHash {
		t.Errorf("integrity %+v", r.Integrity)
	}
	md := render(t, &r, "md")
	if !strings.Contains(md, "- Verification: **FAILED** at entry 5: entry 5 was altered: its content does not match its digest") {
		t.Error("markdown does not show the failed verification")
	}
	if !strings.Contains(r.Summary(), "verification FAILED: entry 5 was altered") {
		t.Errorf("summary: %s", r.Summary())
	}
	if js := render(t, &r, "json"); !strings.Contains(js, `"verified": false,`) || !strings.Contains(js, `"bad_seq": 5,`) {
		t.Error("json does not show the failed verification")
	}
}
