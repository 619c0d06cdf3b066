// Package templates holds warroom's embedded texts — phase checklists, phase guides, role
// instructions, nudges, drill scenarios and the report layouts — and lets a user override any
// of them from a directory (--templates DIR) without rebuilding.
package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

//go:embed all:checklists all:phases all:roles all:duties all:nudges all:drills all:report
var embedded embed.FS

// Set is the effective set of templates: the embedded defaults with any overrides on top.
type Set struct {
	overrides fs.FS // nil when no directory was given
}

// Load returns the template set. dir may be empty (embedded defaults only). An override
// directory that does not exist is an error: a typo must not silently fall back.
func Load(dir string) (*Set, error) {
	if dir == "" {
		return &Set{}, nil
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("templates directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("templates directory %s is not a directory", dir)
	}
	s := &Set{overrides: os.DirFS(dir)}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

// Default is the embedded set.
func Default() *Set { return &Set{} }

// check parses every override template once so a broken file is reported at start-up
// with its file and line.
func (s *Set) check() error {
	var errs []error
	_ = fs.WalkDir(s.overrides, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if strings.HasSuffix(path, ".tmpl") {
			b, rerr := fs.ReadFile(s.overrides, path)
			if rerr != nil {
				errs = append(errs, rerr)
				return nil
			}
			if _, perr := parseText(path, string(b)); perr != nil {
				errs = append(errs, perr)
			}
		}
		// A drill scenario is checked at start-up too: a broken one must not surface only
		// when a team starts the drill.
		if name, ok := strings.CutPrefix(path, "drills/"); ok && strings.HasSuffix(name, ".yaml") {
			b, rerr := fs.ReadFile(s.overrides, path)
			if rerr == nil {
				_, rerr = ParseScenario(strings.TrimSuffix(name, ".yaml"), b)
			}
			if rerr != nil {
				errs = append(errs, rerr)
			}
		}
		return nil
	})
	return errors.Join(errs...)
}

// Read returns a file's bytes, preferring the override. ok is false when neither has it.
func (s *Set) Read(name string) (data []byte, source string, err error) {
	if s.overrides != nil {
		if b, err := fs.ReadFile(s.overrides, name); err == nil {
			return b, "override", nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, "", fmt.Errorf("template %s: %w", name, err)
		}
	}
	b, err := embedded.ReadFile(name)
	if err != nil {
		return nil, "", fmt.Errorf("template %s: %w", name, err)
	}
	return b, "embedded", nil
}

// Exists reports whether a template of that name is in the set.
func (s *Set) Exists(name string) bool {
	_, _, err := s.Read(name)
	return err == nil
}

// Checklist returns a phase's exit criteria: one per non-empty line of
// checklists/<phase>.txt, lines starting with # being comments.
func (s *Set) Checklist(phase string) ([]string, error) {
	b, _, err := s.Read("checklists/" + phase + ".txt")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var items []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		items = append(items, line)
	}
	return items, nil
}

// Render executes the text template `name` with data. When an override is broken (bad
// syntax or an execution error) the embedded template is used instead and the override's
// error is returned alongside the output, so the caller can log it yet still send something.
func (s *Set) Render(name string, data any) (string, error) {
	b, source, err := s.Read(name)
	if err != nil {
		return "", err
	}
	out, err := execText(name, string(b), data)
	if err == nil || source == "embedded" {
		return out, err
	}
	fallback, ferr := embedded.ReadFile(name)
	if ferr != nil {
		return "", err
	}
	out, ferr = execText(name, string(fallback), data)
	if ferr != nil {
		return "", errors.Join(err, ferr)
	}
	return out, fmt.Errorf("override %s broken, used the built-in one: %w", filepath.ToSlash(name), err)
}

// RenderHTML is Render for html/template files (auto-escaping for the HTML report).
func (s *Set) RenderHTML(name string, funcs htmltemplate.FuncMap, data any) (string, error) {
	b, source, err := s.Read(name)
	if err != nil {
		return "", err
	}
	out, err := execHTML(name, string(b), funcs, data)
	if err == nil || source == "embedded" {
		return out, err
	}
	fallback, ferr := embedded.ReadFile(name)
	if ferr != nil {
		return "", err
	}
	out, ferr = execHTML(name, string(fallback), funcs, data)
	if ferr != nil {
		return "", errors.Join(err, ferr)
	}
	return out, fmt.Errorf("override %s broken, used the built-in one: %w", name, err)
}

// Funcs are available in every text template.
var Funcs = template.FuncMap{
	"join":  strings.Join,
	"upper": strings.ToUpper,
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
}

func parseText(name, src string) (*template.Template, error) {
	return template.New(name).Funcs(Funcs).Option("missingkey=error").Parse(src)
}

func execText(name, src string, data any) (string, error) {
	t, err := parseText(name, src)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", err
	}
	return strings.TrimRight(buf.String(), "\n"), nil
}

func execHTML(name, src string, funcs htmltemplate.FuncMap, data any) (string, error) {
	t, err := htmltemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(src)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", err
	}
	return buf.String(), nil
}
