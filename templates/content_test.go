package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var (
	testPhases = []string{"identification", "containment", "eradication", "recovery", "lessons-learned"}
	testRoles  = []string{"commander", "analyst", "researcher", "comms", "scribe", "legal"}
)

func samplePhaseData(phase string, drill bool) PhaseData {
	return PhaseData{
		ID:           "INC-3",
		Title:        "Phishing wave against finance, two mailboxes forwarding externally",
		Severity:     2,
		SeverityName: "high",
		Type:         "phishing",
		Phase:        phase,
		Drill:        drill,
		Roles: map[string]string{
			"commander":  "Ana Commander",
			"analyst":    "Ben Analyst",
			"researcher": "Chloé Researcher",
			"comms":      "Dev Comms",
			// scribe and legal deliberately unassigned: templates must cope.
		},
	}
}

func sampleRoleData(role string, drill bool) RoleData {
	return RoleData{
		ID:       "INC-3",
		Title:    "Phishing wave against finance",
		Severity: 2,
		Phase:    "containment",
		Role:     role,
		Person:   "Ana",
		Channel:  "inc-3-phishing-finance",
		Drill:    drill,
	}
}

func TestChecklists(t *testing.T) {
	s := Default()
	for _, phase := range testPhases {
		items, err := s.Checklist(phase)
		if err != nil {
			t.Fatalf("%s: %v", phase, err)
		}
		if len(items) < 5 || len(items) > 7 {
			t.Errorf("%s: %d items, want 5–7", phase, len(items))
		}
		seen := map[string]bool{}
		for _, it := range items {
			if n := utf8.RuneCountInString(it); n > 90 {
				t.Errorf("%s: item longer than 90 chars (%d): %q", phase, n, it)
			}
			if seen[it] {
				t.Errorf("%s: duplicate item %q", phase, it)
			}
			seen[it] = true
		}
	}
	if items, err := s.Checklist("preparation"); err != nil || items != nil {
		t.Errorf("preparation has no per-incident checklist, got %v, %v", items, err)
	}
}

func checkRendered(t *testing.T, name, out string, drill bool) {
	t.Helper()
	if strings.TrimSpace(out) == "" {
		t.Errorf("%s: empty output", name)
		return
	}
	if !strings.Contains(out, "INC-3") {
		t.Errorf("%s: output does not mention the incident ID:\n%s", name, out)
	}
	if drill && !strings.HasPrefix(out, "DRILL — ") {
		t.Errorf("%s: drill output does not start with \"DRILL — \":\n%s", name, out)
	}
	if !drill && strings.Contains(out, "DRILL") {
		t.Errorf("%s: non-drill output mentions DRILL:\n%s", name, out)
	}
	if strings.Contains(out, "<no value>") {
		t.Errorf("%s: output contains <no value>:\n%s", name, out)
	}
	if strings.Contains(out, "**") || strings.Contains(out, "<b>") || strings.Contains(out, "|---") {
		t.Errorf("%s: use *bold* only, no Markdown/HTML:\n%s", name, out)
	}
}

func TestPhaseTemplates(t *testing.T) {
	s := Default()
	for _, phase := range testPhases {
		name := "phases/" + phase + ".md.tmpl"
		for _, drill := range []bool{false, true} {
			out, err := s.Render(name, samplePhaseData(phase, drill))
			if err != nil {
				t.Fatalf("%s (drill=%v): %v", name, drill, err)
			}
			checkRendered(t, name, out, drill)
			if !strings.Contains(out, "What each role does now:") {
				t.Errorf("%s: missing the role section", name)
			}
			for _, role := range testRoles {
				if !strings.Contains(out, "*"+strings.ToUpper(role[:1])+role[1:]+"*") {
					t.Errorf("%s: no bullet for %s", name, role)
				}
			}
			if !strings.Contains(out, "(Ana Commander)") {
				t.Errorf("%s: commander's name not shown", name)
			}
			if n := utf8.RuneCountInString(out); n > 1200 {
				t.Errorf("%s (drill=%v): %d characters, keep it under ~1,200", name, drill, n)
			}
		}
		// Roles unknown or nil must not break the message.
		d := samplePhaseData(phase, false)
		d.Roles = nil
		d.Type, d.SeverityName = "", ""
		if _, err := s.Render(name, d); err != nil {
			t.Errorf("%s with no roles/type: %v", name, err)
		}
	}
}

func TestDutyTemplates(t *testing.T) {
	s := Default()
	for _, phase := range testPhases {
		for _, role := range testRoles {
			name := "duties/" + phase + "/" + role + ".md.tmpl"
			for _, drill := range []bool{false, true} {
				d := samplePhaseData(phase, drill)
				d.Role, d.Person = role, "Ana"
				out, err := s.Render(name, d)
				if err != nil {
					t.Fatalf("%s (drill=%v): %v", name, drill, err)
				}
				checkRendered(t, name, out, drill)
				if !strings.Contains(out, "entered *"+phase+"*. As "+role+", now:") {
					t.Errorf("%s: unexpected first line:\n%s", name, out)
				}
				bullets := strings.Count(out, "\n• ")
				if bullets < 3 || bullets > 6 {
					t.Errorf("%s: %d bullets, want 3–6", name, bullets)
				}
			}
		}
	}
}

func TestRoleTemplates(t *testing.T) {
	s := Default()
	for _, role := range testRoles {
		name := "roles/" + role + ".md.tmpl"
		for _, drill := range []bool{false, true} {
			out, err := s.Render(name, sampleRoleData(role, drill))
			if err != nil {
				t.Fatalf("%s (drill=%v): %v", name, drill, err)
			}
			checkRendered(t, name, out, drill)
			if !strings.Contains(out, "/incident ") {
				t.Errorf("%s: lists no commands", name)
			}
			bullets := strings.Count(out, "\n• ")
			if bullets < 4 || bullets > 7 {
				t.Errorf("%s: %d bullets, want 4–7", name, bullets)
			}
		}
	}
}

// Every embedded template file is one the tests above render, so a stray file is noticed.
func TestNoStrayEmbeddedFiles(t *testing.T) {
	want := map[string]bool{}
	for _, p := range testPhases {
		want["checklists/"+p+".txt"] = true
		want["phases/"+p+".md.tmpl"] = true
		for _, r := range testRoles {
			want["duties/"+p+"/"+r+".md.tmpl"] = true
		}
	}
	for _, r := range testRoles {
		want["roles/"+r+".md.tmpl"] = true
	}
	for _, n := range testNudges {
		want["nudges/"+n+".md.tmpl"] = true
	}
	for _, d := range testScenarios {
		want["drills/"+d+".yaml"] = true
	}
	want["report/report.md.tmpl"] = true
	want["report/report.html.tmpl"] = true
	want["report/notification.md.tmpl"] = true
	for name := range want {
		if !Default().Exists(name) {
			t.Errorf("missing embedded file %s", name)
		}
	}
	for _, dir := range []string{"checklists", "phases", "roles", "duties", "nudges", "drills", "report"} {
		err := walkEmbedded(dir, func(name string) {
			if !want[name] {
				t.Errorf("unexpected embedded file %s", name)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func walkEmbedded(dir string, f func(string)) error {
	entries, err := embedded.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := dir + "/" + e.Name()
		if e.IsDir() {
			if err := walkEmbedded(p, f); err != nil {
				return err
			}
			continue
		}
		f(p)
	}
	return nil
}

func writeFile(t *testing.T, root, name, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOverrideChecklist(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "checklists/containment.txt", "# ours\n\nHost isolated\r\n  Firewall rule added  \n")
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	items, err := s.Checklist("containment")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0] != "Host isolated" || items[1] != "Firewall rule added" {
		t.Errorf("override checklist not used: %q", items)
	}
	// Phases without an override still come from the embedded set.
	emb, _ := Default().Checklist("eradication")
	got, err := s.Checklist("eradication")
	if err != nil || strings.Join(got, "\n") != strings.Join(emb, "\n") {
		t.Errorf("eradication should fall through to the embedded checklist: %q, %v", got, err)
	}
}

func TestOverrideTemplateUsed(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "phases/containment.md.tmpl", "Custom {{.ID}} {{upper .Phase}}\n")
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Render("phases/containment.md.tmpl", samplePhaseData("containment", false))
	if err != nil {
		t.Fatal(err)
	}
	if out != "Custom INC-3 CONTAINMENT" {
		t.Errorf("override not used: %q", out)
	}
}

func TestOverrideBrokenSyntax(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "duties/containment/legal.md.tmpl", "first line\n{{ .Nope\n")
	_, err := Load(dir)
	if err == nil {
		t.Fatal("Load accepted a template with broken syntax")
	}
	if !strings.Contains(err.Error(), "duties/containment/legal.md.tmpl:2") {
		t.Errorf("error should name the file and line, got: %v", err)
	}
}

func TestOverrideMissingDir(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("Load accepted a directory that does not exist")
	}
}

func TestOverrideExecErrorFallsBack(t *testing.T) {
	dir := t.TempDir()
	// Parses fine, fails at execution: PhaseData has no field Nope, and the Roles map
	// lookup of an unassigned role trips missingkey=error.
	writeFile(t, dir, "phases/recovery.md.tmpl", "{{.ID}} {{.Nope}}\n")
	writeFile(t, dir, "duties/recovery/legal.md.tmpl", "{{.ID}} {{.Roles.legal}}\n")
	s, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for _, c := range []struct{ name, role string }{
		{"phases/recovery.md.tmpl", ""},
		{"duties/recovery/legal.md.tmpl", "legal"},
	} {
		d := samplePhaseData("recovery", true)
		d.Role, d.Person = c.role, "Ana"
		want, werr := Default().Render(c.name, d)
		if werr != nil {
			t.Fatal(werr)
		}
		out, err := s.Render(c.name, d)
		if err == nil {
			t.Errorf("%s: broken override rendered without an error", c.name)
		} else if !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s: error should name the file: %v", c.name, err)
		}
		if out != want {
			t.Errorf("%s: did not fall back to the embedded template:\n%s", c.name, out)
		}
	}
}
