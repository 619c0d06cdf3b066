package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/warroom/warroom/internal/duration"
)

// Scenario is a drill: a practice incident and the injects that arrive during it, read from
// drills/<name>.yaml.
type Scenario struct {
	Name     string   `yaml:"-"`
	Title    string   `yaml:"title"`    // the practice incident's title (its channel is drill-<n>-<slug>)
	Severity int      `yaml:"severity"` // 1–4; 3 when omitted
	Type     string   `yaml:"type"`     // an incident type, optional
	Brief    string   `yaml:"brief"`    // what the team is told at the start
	Injects  []Inject `yaml:"injects"`
}

// Inject is one message that arrives Offset after the drill starts.
type Inject struct {
	Offset Offset `yaml:"offset"`
	Text   string `yaml:"text"`
	Phase  string `yaml:"phase"` // the phase the team would typically be in, optional
}

// Offset is a duration from the drill's start; unlike other durations it may be zero.
type Offset time.Duration

// UnmarshalText reads "0", "0m", "90s", "25m", "1h30m".
func (o *Offset) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "0" || s == "0s" || s == "0m" || s == "0h" {
		*o = 0
		return nil
	}
	d, err := duration.Parse(s)
	if err != nil {
		return err
	}
	*o = Offset(d)
	return nil
}

// Std is the offset as a time.Duration.
func (o Offset) Std() time.Duration { return time.Duration(o) }

var scenarioName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// ErrNoScenario is returned for a scenario that is in neither the embedded set nor the
// override directory.
var ErrNoScenario = errors.New("no such drill scenario")

// Scenarios lists the drill scenarios, embedded and overridden, by name.
func (s *Set) Scenarios() []string {
	var names []string
	add := func(fsys fs.FS) {
		entries, err := fs.ReadDir(fsys, "drills")
		if err != nil {
			return
		}
		for _, e := range entries {
			if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() && scenarioName.MatchString(n) && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	add(embedded)
	if s.overrides != nil {
		add(s.overrides)
	}
	slices.Sort(names)
	return names
}

// Scenario reads and checks drills/<name>.yaml.
func (s *Set) Scenario(name string) (Scenario, error) {
	if !scenarioName.MatchString(name) {
		return Scenario{}, ErrNoScenario
	}
	b, _, err := s.Read("drills/" + name + ".yaml")
	if errors.Is(err, fs.ErrNotExist) {
		return Scenario{}, ErrNoScenario
	}
	if err != nil {
		return Scenario{}, err
	}
	return ParseScenario(name, b)
}

// ParseScenario decodes and checks a scenario file: unknown keys, empty texts and injects
// out of order are errors, so a broken file is refused rather than half-run.
func ParseScenario(name string, data []byte) (Scenario, error) {
	var sc Scenario
	if err := yaml.UnmarshalWithOptions(data, &sc, yaml.Strict()); err != nil {
		return Scenario{}, fmt.Errorf("drills/%s.yaml: %v", name, err)
	}
	sc.Name = name
	sc.Title = strings.Join(strings.Fields(sc.Title), " ")
	sc.Brief = strings.TrimSpace(sc.Brief)
	if sc.Severity == 0 {
		sc.Severity = 3
	}
	var errs []string
	if sc.Title == "" {
		errs = append(errs, "title is missing")
	}
	if sc.Severity < 1 || sc.Severity > 4 {
		errs = append(errs, fmt.Sprintf("severity %d is not 1–4", sc.Severity))
	}
	if len(sc.Injects) == 0 || len(sc.Injects) > 50 {
		errs = append(errs, fmt.Sprintf("%d injects (want 1–50)", len(sc.Injects)))
	}
	for i := range sc.Injects {
		in := &sc.Injects[i]
		in.Text = strings.TrimSpace(in.Text)
		in.Phase = strings.TrimSpace(in.Phase)
		if in.Text == "" {
			errs = append(errs, fmt.Sprintf("inject %d has no text", i+1))
		}
		if in.Offset < 0 || in.Offset.Std() > 7*24*time.Hour {
			errs = append(errs, fmt.Sprintf("inject %d: offset must be between 0 and 1w", i+1))
		}
		if i > 0 && in.Offset < sc.Injects[i-1].Offset {
			errs = append(errs, fmt.Sprintf("inject %d comes before inject %d (offsets must not decrease)", i+1, i))
		}
	}
	if len(errs) > 0 {
		return Scenario{}, fmt.Errorf("drills/%s.yaml: %s", name, strings.Join(errs, "; "))
	}
	return sc, nil
}
