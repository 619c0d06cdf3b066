package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warroom/warroom/templates"
)

// overrideDir writes report templates into a --templates directory.
func overrideDir(t *testing.T, files map[string]string) *templates.Set {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := templates.Load(dir)
	if err != nil {
		t.Fatalf("templates.Load: %v", err)
	}
	return set
}

// A broken override fails with its file, line and reason, and the report goes out with
// the built-in template — the same bytes as without the override.
func TestBrokenOverrideFallsBack(t *testing.T) {
	set := overrideDir(t, map[string]string{
		"report/report.md.tmpl":   "# {{.ID}}\n\n{{.NoSuchField}}\n",
		"report/report.html.tmpl": "<p>{{.ID}}</p>\n<p>{{.Title}}</p>\n<a href=\"{{.Nope}}\">x</a>\n",
	})
	for _, f := range renderers[:2] {
		t.Run(f.ext, func(t *testing.T) {
			d := seededData()
			builtin := Build(d)
			want := render(t, &builtin, f.ext)
			d.Templates = set
			r := Build(d)
			var out strings.Builder
			err := f.render(&r, &out)
			if !IsFallback(err) {
				t.Fatalf("err = %v, want a FallbackError", err)
			}
			line := map[string]string{"md": "report/report.md.tmpl:3", "html": "report/report.html.tmpl:3"}[f.ext]
			if !strings.Contains(err.Error(), line) || !strings.Contains(err.Error(), "used the built-in one") {
				t.Errorf("error does not name the file and line %s: %v", line, err)
			}
			if out.String() != want {
				t.Errorf("fallback output differs from the built-in report")
			}
		})
	}
}

// A working override is used, with the chronology streamed where it asks.
func TestOverrideUsed(t *testing.T) {
	set := overrideDir(t, map[string]string{
		"report/report.md.tmpl": "Custom report for {{.ID}} ({{.Entries}} entries)\n{{.Chronology}}\nEnd of {{.ID}}.",
	})
	d := seededData()
	d.Templates = set
	r := Build(d)
	out := render(t, &r, "md")
	if !strings.HasPrefix(out, "Custom report for INC-7 (43 entries)\n| 1 | ") || !strings.HasSuffix(out, "\nEnd of INC-7.\n") {
		t.Errorf("override not used as written:\n%s", out)
	}
	if strings.Contains(out, "WARROOM-CHRONOLOGY") {
		t.Error("the chronology marker leaked")
	}
}

// A syntax error stops start-up (templates.Load), naming the file and line.
func TestOverrideSyntaxErrorAtLoad(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "report"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report", "report.md.tmpl"), []byte("ok\n{{if .Draft}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := templates.Load(dir)
	if err == nil || !strings.Contains(err.Error(), "report/report.md.tmpl:2") {
		t.Errorf("Load = %v, want an error naming report/report.md.tmpl:2", err)
	}
}
