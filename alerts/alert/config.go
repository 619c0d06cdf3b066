package alert

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/internal/duration"
)

// Config is the `alerts:` section of the configuration.
type Config struct {
	// Sources are served at POST /hooks/alerts/<name>.
	Sources map[string]Source `yaml:"sources"`
	// Routes are tried in order; the first that matches decides.
	Routes []Route `yaml:"routes"`
	// GroupWindow is how long a triage post stays open after its last alert (and a
	// dismissed one keeps absorbing its key). An incident's group is open while it is.
	GroupWindow duration.Duration `yaml:"group_window"`
	Rate        Rate              `yaml:"rate"`
}

// Source is one sender.
type Source struct {
	Format string `yaml:"format"`
	// SecretEnv names the environment variable holding the Standard Webhooks secret
	// (whsec_<base64> or raw); TokenEnv the one holding a bearer token. Exactly one is set.
	SecretEnv string `yaml:"secret_env"`
	TokenEnv  string `yaml:"token_env"`
}

// Route is one routing rule.
type Route struct {
	Match  Match  `yaml:"match"`
	Action string `yaml:"action"`
	// Type and Severity of a declared incident (the alert's own severity when 0).
	Type     string `yaml:"type"`
	Severity int    `yaml:"severity"`
	// Channel is where triage posts go ("#soc-triage" or a channel id).
	Channel string `yaml:"channel"`
	// Platform is where the incident channel or triage post is opened; default the first
	// platform warroom is connected to.
	Platform string `yaml:"platform"`
	// Invite are the roster people brought into a declared incident (default: the leads).
	Invite []string `yaml:"invite"`
}

// Match is a route's condition; an empty field matches everything.
type Match struct {
	Source   string            `yaml:"source"`
	Severity []string          `yaml:"severity"`
	Labels   map[string]string `yaml:"labels"`
}

// Rate limits each source: PerSource alerts per unit ("60/m"), up to Burst at once.
type Rate struct {
	PerSource string `yaml:"per_source"`
	Burst     int    `yaml:"burst"`
}

// Defaults.
const (
	DefaultGroupWindow = time.Hour
	DefaultRate        = "60/m"
	DefaultBurst       = 20
)

// Normalize fills in the defaults.
func (c *Config) Normalize() {
	if c.GroupWindow == 0 {
		c.GroupWindow = duration.Duration(DefaultGroupWindow)
	}
	if c.Rate.PerSource == "" {
		c.Rate.PerSource = DefaultRate
	}
	if c.Rate.Burst == 0 {
		c.Rate.Burst = DefaultBurst
	}
}

// Enabled reports whether any source is configured (the HTTP listener is then needed).
func (c Config) Enabled() bool { return len(c.Sources) > 0 }

// SourceNames are the sources, sorted.
func (c Config) SourceNames() []string {
	out := make([]string, 0, len(c.Sources))
	for n := range c.Sources {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Route finds the first route that matches a; ok is false when none does (the alert is
// dropped).
func (c Config) Route(a Alert) (Route, bool) {
	if i := c.RouteIndex(a); i >= 0 {
		return c.Routes[i], true
	}
	return Route{}, false
}

// RouteIndex is the index in Routes of the first route that matches a; -1 when none does.
func (c Config) RouteIndex(a Alert) int {
	for i, r := range c.Routes {
		if r.Match.matches(a) {
			return i
		}
	}
	return -1
}

// ID is the route's fingerprint: the SHA-256 of its settings, so it names the route across
// restarts and reorderings, and an edited route is a new one (its alerts start new groups).
func (r Route) ID() string {
	b, _ := json.Marshal(r) // a struct of strings, ints, slices and string maps: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

func (m Match) matches(a Alert) bool {
	if m.Source != "" && m.Source != a.Source {
		return false
	}
	if len(m.Severity) > 0 {
		hit := false
		for _, s := range m.Severity {
			if n, _ := ParseSeverity(s); n == a.Severity {
				hit = true
			}
		}
		if !hit {
			return false
		}
	}
	for k, v := range m.Labels {
		if got, ok := a.Labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// ParseRate reads "60/m" (per s, m or h) as the interval between tokens.
func ParseRate(s string) (time.Duration, error) {
	n, unit, ok := strings.Cut(strings.TrimSpace(s), "/")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count < 1 {
		return 0, fmt.Errorf("%q is not a rate like 60/m", s)
	}
	per := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour}[unit]
	if per == 0 {
		return 0, fmt.Errorf("%q: the unit after / is s, m or h", s)
	}
	return per / time.Duration(count), nil
}

// FieldError is a problem with one config field; Path is its place in the YAML document
// ("alerts.routes[1].action").
type FieldError struct {
	Path string
	Msg  string
}

// Known answers the questions validation cannot answer alone.
type Known struct {
	Person func(string) bool // a roster name
	Type   func(string) bool // a configured incident type
}

var (
	sourceNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)
	envNameRe    = regexp.MustCompile(`^[A-Z_][A-Z0-9_]{0,99}$`)
)

// Validate returns every problem, sources (sorted) first, then routes in order.
func (c Config) Validate(k Known) []FieldError {
	var errs []FieldError
	add := func(path, format string, args ...any) {
		errs = append(errs, FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	for _, name := range c.SourceNames() {
		s := c.Sources[name]
		p := "alerts.sources." + name
		if !sourceNameRe.MatchString(name) {
			add(p, "%q is not a valid source name (lowercase letters, digits, _ and -; it is part of the URL)", name)
		}
		if s.Format != FormatGeneric && s.Format != FormatAlertmanager {
			add(p+".format", "must be generic or alertmanager, not %q", s.Format)
		}
		switch {
		case s.SecretEnv == "" && s.TokenEnv == "":
			add(p, "needs secret_env (Standard Webhooks signatures) or token_env (a bearer token): alerts are never accepted unauthenticated")
		case s.SecretEnv != "" && s.TokenEnv != "":
			add(p, "has both secret_env and token_env; give one")
		case s.SecretEnv != "" && !envNameRe.MatchString(s.SecretEnv):
			add(p+".secret_env", "%q is not an environment variable name", s.SecretEnv)
		case s.TokenEnv != "" && !envNameRe.MatchString(s.TokenEnv):
			add(p+".token_env", "%q is not an environment variable name", s.TokenEnv)
		}
	}
	for i, r := range c.Routes {
		p := fmt.Sprintf("alerts.routes[%d]", i)
		if r.Match.Source != "" {
			if _, ok := c.Sources[r.Match.Source]; !ok {
				add(p+".match.source", "unknown source %q (configured: %s)", r.Match.Source, strings.Join(c.SourceNames(), ", "))
			}
		}
		for j, s := range r.Match.Severity {
			if _, ok := ParseSeverity(s); !ok {
				add(fmt.Sprintf("%s.match.severity[%d]", p, j), "%q is not a severity (critical, high, medium, low or 1–4)", s)
			}
		}
		switch r.Action {
		case ActionDeclare, ActionDrop:
		case ActionTriage:
			if r.Channel == "" {
				add(p+".channel", "a triage route needs the channel to post in")
			}
		default:
			add(p+".action", "must be declare, triage or drop, not %q", r.Action)
		}
		if r.Type != "" && k.Type != nil && !k.Type(r.Type) {
			add(p+".type", "unknown incident type %q", r.Type)
		}
		if r.Severity != 0 && (r.Severity < 1 || r.Severity > 4) {
			add(p+".severity", "must be 1 to 4, not %d", r.Severity)
		}
		switch r.Platform {
		case "", "slack", "discord", "console":
		default:
			add(p+".platform", "must be slack, discord or console, not %q", r.Platform)
		}
		for j, who := range r.Invite {
			if k.Person != nil && !k.Person(who) {
				add(fmt.Sprintf("%s.invite[%d]", p, j), "unknown person %q (add them to roster)", who)
			}
		}
	}
	if c.Rate.PerSource != "" {
		if _, err := ParseRate(c.Rate.PerSource); err != nil {
			add("alerts.rate.per_source", "%v", err)
		}
	}
	if c.Rate.Burst < 0 || c.Rate.Burst > 10000 {
		add("alerts.rate.burst", "must be 1 to 10000, not %d", c.Rate.Burst)
	}
	return errs
}
