package report

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// renderers are the three formats, by file extension.
var renderers = []struct {
	ext    string
	render func(*Report, io.Writer) error
}{
	{"md", (*Report).Markdown},
	{"html", (*Report).HTML},
	{"json", (*Report).JSON},
}

func render(t testing.TB, r *Report, ext string) string {
	t.Helper()
	for _, f := range renderers {
		if f.ext == ext {
			var buf bytes.Buffer
			if err := f.render(r, &buf); err != nil {
				t.Fatalf("%s: %v", ext, err)
			}
			return buf.String()
		}
	}
	t.Fatalf("no renderer %s", ext)
	return ""
}

// goldenFormats are the report's formats and the regulators' drafts.
var goldenFormats = []string{"md", "html", "json", "gdpr", "nis2", "sec"}

// goldenAudiences: the full report and the TLP:GREEN edition.
var goldenAudiences = []struct {
	name     string
	audience bot.TLP
}{{"", bot.TLPUnset}, {"tlp-green", bot.TLPGreen}}

// renderAny renders a report format or a regulator's draft.
func renderAny(t testing.TB, r *Report, format string) string {
	t.Helper()
	if IsRegime(format) {
		var buf bytes.Buffer
		if err := r.WriteNotification(format, &buf); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		return buf.String()
	}
	return render(t, r, format)
}

// TestGolden renders the seeded incident in every format for every audience and compares
// with testdata/INC-7[.<audience>].<format>[.md]; go test -update rewrites them.
func TestGolden(t *testing.T) {
	for _, a := range goldenAudiences {
		for _, format := range goldenFormats {
			name := "INC-7"
			if a.name != "" {
				name += "." + a.name
			}
			name += "." + format
			if IsRegime(format) {
				name += ".md"
			}
			t.Run(name, func(t *testing.T) {
				d := seededData()
				d.Audience = a.audience
				r := Build(d)
				got := renderAny(t, &r, format)
				path := filepath.Join("testdata", name)
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from the golden file (go test -update after checking the change):\n%s", path, firstDiff(string(want), got))
				}
			})
		}
	}
}

// TestGoldenDraft checks the DRAFT marking and a second version, which the seeded golden
// (closed, version 1) cannot show.
func TestGoldenDraft(t *testing.T) {
	d := seededData()
	d.Incident.Status, d.Incident.Phase, d.Incident.ClosedAt, d.Incident.ReportVersion = "open", "recovery", nil, 2
	r := Build(d)
	for _, f := range renderers {
		out := render(t, &r, f.ext)
		if !strings.Contains(out, "DRAFT") && f.ext != "json" {
			t.Errorf("%s: an open incident's report is not marked DRAFT", f.ext)
		}
		if f.ext == "json" && !strings.Contains(out, `"draft": true`) {
			t.Errorf("json: no \"draft\": true")
		}
	}
	if got := r.FileName("md"); got != "report-INC-7-v2-draft.md" {
		t.Errorf("FileName = %q", got)
	}
	if md := render(t, &r, "md"); !strings.Contains(md, "version 2 (the incident was reopened)") {
		t.Errorf("version 2 not said:\n%s", md[:600])
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + a + "\n  got: " + b
		}
	}
	return "(same lines, different bytes)"
}
