package templates

import (
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var (
	testNudges    = []string{"no-commander", "status-update", "phase-dwell", "task-overdue", "review", "clock"}
	testScenarios = []string{"phishing", "ransomware"}
)

func sampleNudge(drill bool) NudgeData {
	return NudgeData{ID: "INC-3", Title: "Phishing wave against finance", Severity: 2, SeverityName: "high", Phase: "containment",
		Drill: drill, Open: true, For: "alice (commander) and bob (comms)", Declarer: "alice", Since: "<t:1772442000:f>",
		Age: "35m", Every: "30m"}
}

// nudgeVariants renders every branch of every nudge template.
func nudgeVariants(drill bool) map[string]NudgeData {
	out := map[string]NudgeData{}
	for _, n := range []string{"no-commander", "status-update"} {
		out[n] = sampleNudge(drill)
	}
	for _, p := range []string{"identification", "containment", "eradication", "recovery"} {
		d := sampleNudge(drill)
		d.Phase = p
		out["phase-dwell/"+p] = d
	}
	d := sampleNudge(drill)
	d.Tasks = []NudgeTask{{N: 2, Text: "Pull proxy logs", Owner: "bob", Due: "<t:1772442000:f>", Late: "2h"}, {N: 4, Text: "Reset passwords", Due: "<t:1772442000:f>", Late: "1h"}}
	out["task-overdue"] = d
	for _, st := range []string{"schedule", "upcoming", "now", "confirm"} {
		for _, overdue := range []bool{false, true} {
			d := sampleNudge(drill)
			d.Review = NudgeReview{Stage: st, Due: "<t:1773651600:f>", Left: "13d", Overdue: overdue, Meeting: "<t:1773046800:f>"}
			out["review/"+st+"/"+strconv.FormatBool(overdue)] = d
		}
	}
	for _, regime := range []string{"gdpr", "nis2", "sec", "custom"} {
		for _, pct := range []int{50, 75, 90, 100} {
			d := sampleNudge(drill)
			d.Clock = NudgeClock{Name: regime, Regime: regime, Label: "GDPR Art. 33 notification", Percent: pct, Start: "<t:1772442000:f>",
				Deadline: "<t:1772701200:f>", Span: "72 h", Left: "36h"}
			out["clock/"+regime+"/"+strconv.Itoa(pct)] = d
		}
	}
	return out
}

func TestNudgeTemplates(t *testing.T) {
	s := Default()
	for _, drill := range []bool{false, true} {
		for variant, d := range nudgeVariants(drill) {
			name := "nudges/" + strings.SplitN(variant, "/", 2)[0] + ".md.tmpl"
			out, err := s.Render(name, d)
			if err != nil {
				t.Fatalf("%s (drill=%v): %v", variant, drill, err)
			}
			checkRendered(t, variant, out, drill)
			if !strings.Contains(out, "For: alice (commander) and bob (comms)") {
				t.Errorf("%s: does not say whom it is for:\n%s", variant, out)
			}
			if !strings.Contains(out, "/incident ") {
				t.Errorf("%s: gives no command to act on it:\n%s", variant, out)
			}
			if n := utf8.RuneCountInString(out); n > 900 {
				t.Errorf("%s: %d characters; a reminder must be short", variant, n)
			}
		}
	}
}

func TestNudgeTemplateSpecifics(t *testing.T) {
	s := Default()
	vs := nudgeVariants(false)
	render := func(variant string) string {
		out, err := s.Render("nudges/"+strings.SplitN(variant, "/", 2)[0]+".md.tmpl", vs[variant])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for variant, want := range map[string]string{
		"task-overdue":            "4. Reset passwords — unassigned",
		"review/schedule/false":   "/incident review <when>",
		"review/schedule/true":    "hold it as soon as you can",
		"review/upcoming/false":   "is tomorrow",
		"review/now/false":        "starts now",
		"review/confirm/false":    "/incident review held",
		"clock/gdpr/50":           "50% of the time is gone",
		"status-update":           "every 30m",
		"phase-dwell/recovery":    "monitoring window",
		"phase-dwell/eradication": "Persistence",
		"clock/nis2/90":           "early warning",
		"clock/sec/75":            "Form 8-K",
	} {
		if _, ok := vs[variant]; !ok {
			t.Fatalf("no variant %s", variant)
		}
		wantContains(t, variant, render(variant), want)
	}
	wantContains(t, "clock at 100%", render("clock/sec/100"), "Deadline now", "/incident clock done sec", "remind off does not silence")
}

func wantContains(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s: missing %q in:\n%s", what, sub, s)
		}
	}
}

func TestShippedScenarios(t *testing.T) {
	s := Default()
	got := s.Scenarios()
	if strings.Join(got, ",") != strings.Join(testScenarios, ",") {
		t.Fatalf("scenarios %v, want %v", got, testScenarios)
	}
	phases := map[string]bool{"identification": true, "containment": true, "eradication": true, "recovery": true, "lessons-learned": true}
	for _, name := range got {
		sc, err := s.Scenario(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := len(sc.Injects); n < 6 || n > 10 {
			t.Errorf("%s: %d injects, want 6–10", name, n)
		}
		if last := sc.Injects[len(sc.Injects)-1].Offset.Std(); last < time.Hour || last > 2*time.Hour {
			t.Errorf("%s: injects span %v, want 1–2 h", name, last)
		}
		if sc.Injects[0].Offset != 0 {
			t.Errorf("%s: the first inject should arrive at the start", name)
		}
		if sc.Title == "" || sc.Brief == "" || sc.Type != name {
			t.Errorf("%s: title %q, type %q, brief %q", name, sc.Title, sc.Type, sc.Brief)
		}
		for i, in := range sc.Injects {
			if in.Phase != "" && !phases[in.Phase] {
				t.Errorf("%s inject %d: unknown phase %q", name, i+1, in.Phase)
			}
			if n := utf8.RuneCountInString(in.Text); n < 60 || n > 400 {
				t.Errorf("%s inject %d: %d characters, want a realistic 60–400", name, i+1, n)
			}
			if strings.Contains(in.Text, "http://") || strings.Contains(in.Text, "https://") {
				t.Errorf("%s inject %d: URLs must be defanged (hxxp, [.])", name, i+1)
			}
		}
	}
	if _, err := s.Scenario("nope"); err != ErrNoScenario {
		t.Errorf("unknown scenario: %v", err)
	}
	if _, err := s.Scenario("../phases/recovery"); err != ErrNoScenario {
		t.Errorf("path in a scenario name: %v", err)
	}
}

func TestParseScenarioRefusesBrokenFiles(t *testing.T) {
	for name, src := range map[string]string{
		"unknown key":   "title: x\ninjects:\n  - {offset: 0m, text: a}\nextra: 1\n",
		"no title":      "injects:\n  - {offset: 0m, text: a}\n",
		"no injects":    "title: x\n",
		"empty text":    "title: x\ninjects:\n  - {offset: 0m, text: ''}\n",
		"out of order":  "title: x\ninjects:\n  - {offset: 10m, text: a}\n  - {offset: 5m, text: b}\n",
		"bad offset":    "title: x\ninjects:\n  - {offset: soon, text: a}\n",
		"bad severity":  "title: x\nseverity: 7\ninjects:\n  - {offset: 0m, text: a}\n",
		"not a mapping": "- a\n- b\n",
	} {
		if _, err := ParseScenario("t", []byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), "drills/t.yaml") {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
	}
	sc, err := ParseScenario("t", []byte("title: '  A   drill '\ninjects:\n  - {offset: 0, text: ' a '}\n  - {offset: 1h30m, text: b, phase: containment}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Title != "A drill" || sc.Severity != 3 || sc.Injects[0].Text != "a" || sc.Injects[1].Offset.Std() != 90*time.Minute {
		t.Errorf("parsed %+v", sc)
	}
}

func TestScenarioOverrides(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "drills/insider.yaml", "title: Insider copies the customer list\nseverity: 2\ninjects:\n  - {offset: 0m, text: DLP alert}\n")
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Scenarios(), ","); got != "insider,phishing,ransomware" {
		t.Errorf("scenarios with an override: %s", got)
	}
	if sc, err := s.Scenario("insider"); err != nil || sc.Injects[0].Text != "DLP alert" {
		t.Errorf("override scenario: %+v, %v", sc, err)
	}
	bad := t.TempDir()
	writeFile(t, bad, "drills/phishing.yaml", "title: x\ninjects: []\n")
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "drills/phishing.yaml") {
		t.Errorf("a broken scenario override must stop start-up naming the file: %v", err)
	}
}
