package main

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// reportDB is a database with INC-1 worked through and closed (fullSession) and INC-2, a
// drill, closed too.
func reportDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "w.db")
	env := map[string]string{"USER": "alice"}
	session := strings.Replace(fullSession(), "/incident close", "/incident note mail came from hxxp://evil[.]example, sender 203.0.113.7\n/incident close", 1)
	if code, out, errOut := runCLI(t, session, env, "shell", "--db", db); code != 0 {
		t.Fatalf("shell exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, "/incident drill phishing\n", env, "shell", "--db", db)
	m := regexp.MustCompile(`#(drill-2-\S+) is being opened`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("drill: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "#"+m[1]+"\n/incident close false-positive practice\n", env, "shell", "--db", db); code != 0 || !strings.Contains(out, "INC-2 is closed") {
		t.Fatalf("drill close: exit %d\n%s\n%s", code, out, errOut)
	}
	return db
}

func TestReportCLI(t *testing.T) {
	db := reportDB(t)

	code, md, errOut := runCLI(t, "", nil, "report", "INC-1", "--db", db)
	if code != 0 {
		t.Fatalf("report exit %d: %s", code, errOut)
	}
	for _, want := range []string{"# INC-1 · Phishing wave — lessons-learned report", "| Closed as | true-positive |",
		"`hxxp://evil[.]example`", "`203.0.113[.]7`", "- detection by finance was fast — alice", "- Verification: passed",
		"## Chronology", "| Time to containment |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if strings.Contains(md, "DRAFT") {
		t.Error("a closed incident's report is marked DRAFT")
	}

	code, html, _ := runCLI(t, "", nil, "report", "1", "--format", "html", "--db", db)
	if code != 0 || !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, "<svg class=\"chart\"") {
		t.Errorf("html: exit %d %.100s", code, html)
	}

	code, js, _ := runCLI(t, "", nil, "report", "--db", db, "--format", "json", "INC-1")
	var doc map[string]json.RawMessage
	if code != 0 || json.Unmarshal([]byte(js), &doc) != nil {
		t.Fatalf("json: exit %d %.200s", code, js)
	}
	var keys []string
	for k := range doc {
		keys = append(keys, k)
	}
	for _, k := range []string{"classification", "executive_summary", "incident", "facts", "roles", "phases", "metrics", "timeline", "tasks", "lessons", "iocs", "clocks", "alerts", "evidence", "integrity", "read_in"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("json lacks %q (has %v)", k, keys)
		}
	}
	if len(doc) != 16 {
		t.Errorf("json has %d top-level fields: %v", len(doc), keys)
	}

	// -o writes a 0600 file, atomically replacing what was there.
	dir := t.TempDir()
	for _, format := range []string{"md", "html", "json"} {
		path := filepath.Join(dir, "INC-1."+format)
		if err := os.WriteFile(path, []byte("old content"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runCLI(t, "", nil, "report", "INC-1", "--format", format, "-o", path, "--db", db)
		if code != 0 || out != "" || !strings.Contains(errOut, "Wrote the INC-1 report (TLP:AMBER) to "+path) {
			t.Errorf("%s -o: exit %d stdout %q stderr %q", format, code, out, errOut)
		}
		st, err := os.Stat(path)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v mode %v", path, err, st.Mode().Perm())
		}
		b, _ := os.ReadFile(path)
		if strings.Contains(string(b), "old content") || len(b) < 1000 {
			t.Errorf("%s: not replaced by the report (%d bytes)", path, len(b))
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("temporary files left behind: %v", entries)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "INC-9"}, "there is no INC-9"},
		{[]string{"report", "INC-1", "--format", "pdf"}, `must be md, html or json (the report) or gdpr, nis2 or sec (a notification draft), not "pdf"`},
		{[]string{"report", "INC-1", "--audience", "tlp:white"}, `--audience must be a TLP level`},
		{[]string{"report"}, "usage: warroom report INC-n"},
		{[]string{"report", "INC-1", "-o", filepath.Join(dir, "no", "such", "dir.md")}, "no such file or directory"},
	} {
		code, _, errOut := runCLI(t, "", nil, append(tc.args, "--db", db)...)
		if code != exitProblem || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errOut, tc.want)
		}
	}
}

// A broken override template is reported on stderr with file and line, and the report
// is still written with the built-in template.
func TestReportCLIBrokenTemplate(t *testing.T) {
	db := reportDB(t)
	tpl := t.TempDir()
	if err := os.MkdirAll(filepath.Join(tpl, "report"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tpl, "report", "report.html.tmpl"), []byte("<h1>{{.ID}}</h1>\n\n<p>{{.Bogus}}</p>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", nil, "report", "INC-1", "--format", "html", "--templates", tpl, "--db", db)
	if code != 0 || !strings.HasPrefix(out, "<!DOCTYPE html>") {
		t.Errorf("exit %d, %.80s", code, out)
	}
	if !strings.Contains(errOut, "warning:") || !strings.Contains(errOut, "report/report.html.tmpl:3") {
		t.Errorf("stderr %q does not name the broken file and line", errOut)
	}
}

func TestStatsCLI(t *testing.T) {
	db := reportDB(t)
	code, out, errOut := runCLI(t, "", nil, "stats", "--json", "--db", db)
	if code != 0 {
		t.Fatalf("stats exit %d: %s", code, errOut)
	}
	var s struct {
		Since          *string `json:"since"`
		Incidents      int     `json:"incidents"`
		Closed         int     `json:"closed"`
		DrillsExcluded int     `json:"drills_excluded"`
		BySeverity     []struct {
			Severity int    `json:"severity"`
			Name     string `json:"name"`
			Count    int    `json:"count"`
		} `json:"by_severity"`
		ByType []struct {
			Name  string `json:"name"`
			Count int    `json:"count"`
		} `json:"by_type"`
		Phases []struct {
			Phase  string `json:"phase"`
			Count  int    `json:"count"`
			Median *int64 `json:"median_seconds"`
			P90    *int64 `json:"p90_seconds"`
		} `json:"phases"`
		TimeToContainment struct {
			Count  int    `json:"count"`
			Median *int64 `json:"median_seconds"`
		} `json:"time_to_containment"`
		TimeToAcknowledge struct {
			Pages int `json:"pages"`
			Count int `json:"count"`
		} `json:"time_to_acknowledge"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// The drill (INC-2, sev2 phishing too) is excluded everywhere.
	if s.Incidents != 1 || s.Closed != 1 || s.DrillsExcluded != 1 || s.Since != nil {
		t.Errorf("counts: %+v", s)
	}
	if len(s.BySeverity) != 4 || s.BySeverity[1].Count != 1 || s.BySeverity[1].Name != "high" {
		t.Errorf("by severity: %+v", s.BySeverity)
	}
	if !reflect.DeepEqual(s.ByType, []struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}{{"phishing", 1}}) {
		t.Errorf("by type: %+v", s.ByType)
	}
	if len(s.Phases) != 5 || s.Phases[0].Phase != "identification" || s.Phases[0].Count != 1 || s.Phases[0].Median == nil {
		t.Errorf("phases: %+v", s.Phases)
	}
	if s.TimeToContainment.Count != 1 || s.TimeToContainment.Median == nil {
		t.Errorf("time to containment: %+v", s.TimeToContainment)
	}

	code, text, _ := runCLI(t, "", nil, "stats", "--db", db)
	if code != 0 || !strings.Contains(text, "Incidents all time: 1 (0 open, 1 closed); drills excluded: 1") || !strings.Contains(text, "Time in phase") {
		t.Errorf("text stats:\n%s", text)
	}
	code, out, _ = runCLI(t, "", nil, "stats", "--since", "2999-01-01", "--json", "--db", db)
	if code != 0 || !strings.Contains(out, `"incidents": 0`) || !strings.Contains(out, `"since": "2999-01-01T00:00:00.000000000Z"`) {
		t.Errorf("stats --since the future:\n%s", out)
	}
	if code, _, errOut := runCLI(t, "", nil, "stats", "--since", "last week", "--db", db); code != exitProblem || !strings.Contains(errOut, "is not a date") {
		t.Errorf("bad --since: exit %d %s", code, errOut)
	}
}

// A timeline altered behind warroom's back shows in the report's integrity section.
func TestReportCLITampered(t *testing.T) {
	db := reportDB(t)
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE timeline SET text = 'nothing to see' WHERE incident = 1 AND seq = 4`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, md, errOut := runCLI(t, "", nil, "report", "INC-1", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(md, "- Verification: **FAILED** at entry 4: entry 4 was altered") {
		i := strings.Index(md, "## Integrity")
		t.Errorf("tampering not shown:\n%s", md[i:i+400])
	}
}
