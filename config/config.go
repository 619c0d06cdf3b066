// Package config reads and validates warroom's YAML configuration (config.yaml): platforms,
// roles, on-call, nudges, alerts, response actions and playbooks. Errors name the file, line
// and key; nothing half-read is ever used.
package config

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/internal/duration"
	"github.com/warroom/warroom/ioc"
	"github.com/warroom/warroom/oncall"
)

// Config is warroom's optional YAML configuration (README: "Configuration"). Everything has a default;
// see DefaultConfig.
type Config struct {
	Timezone   string         `yaml:"timezone"`
	Leads      []string       `yaml:"leads"`
	Roster     []Person       `yaml:"roster"`
	Roles      []string       `yaml:"roles"`
	Severities map[int]string `yaml:"severities"`
	// DefaultSeverity applies when a declaration names none.
	DefaultSeverity int          `yaml:"default_severity"`
	Types           []string     `yaml:"types"`
	Slack           SlackConfig  `yaml:"slack"`
	Discord         DiscordCfg   `yaml:"discord"`
	Channels        ChannelsCfg  `yaml:"channels"`
	Nudges          NudgesConfig `yaml:"nudges"`
	// OnCall is the on-call schedules and escalation policies (oncall/), validated with
	// the rest of the file so a bad rotation stops start-up with its key and line.
	OnCall oncall.Config `yaml:"oncall"`
	// Alerts are the alert sources served on --http and their routing rules.
	Alerts alert.Config `yaml:"alerts"`
	// Shutdown is how long SIGTERM waits for the outbox to drain.
	ShutdownGrace duration.Duration `yaml:"shutdown_grace"`
	// Retention bounds the tables that grow with traffic (see storage.Prune).
	Retention RetentionCfg `yaml:"retention"`
	// Templates is a directory of template overrides (the --templates flag wins).
	Templates string `yaml:"templates"`
	// IOC holds the organisation's own domains and networks, never listed as indicators.
	IOC IOCConfig `yaml:"ioc"`
	// KeepSecrets stores what looks like a credential in incoming text as written instead
	// of masking it (docs/chain.md); the reply then offers to redact the entry.
	KeepSecrets bool `yaml:"keep_secrets"`
	// TLP is the label a new incident gets (config_report.go); Organisation is who files
	// the regulators' notifications.
	TLP          string       `yaml:"tlp"`
	Organisation Organisation `yaml:"organisation"`
	// Playbooks, Actions and Egress: pre-configured responses and the calls they may make
	// (docs/playbooks.md).
	Playbooks map[string]Playbook `yaml:"playbooks"`
	Actions   map[string]Action   `yaml:"actions"`
	Egress    Egress              `yaml:"egress"`

	Location *time.Location `yaml:"-"`
	own      *ioc.Own
	// file is the config file's path, for messages; raw its text (to name lines).
	file string
	raw  []byte
}

// IOCConfig is the `ioc:` section.
type IOCConfig struct {
	// OwnDomains are the organisation's domains: they and every subdomain (and URLs and
	// e-mail addresses there) are affected assets, not indicators.
	OwnDomains []string `yaml:"own_domains"`
	// OwnNetworks are its address ranges ("10.0.0.0/8", "2001:db8::/32", or one address).
	OwnNetworks []string `yaml:"own_networks"`
}

// OwnIndicators is what the report never lists as an indicator (nil: nothing configured).
func (c *Config) OwnIndicators() *ioc.Own { return c.own }

// Person is a roster entry: the name used everywhere in warroom and the person's ids.
type Person struct {
	Name    string `yaml:"name"`
	Slack   string `yaml:"slack"`
	Discord string `yaml:"discord"`
	Email   string `yaml:"email"`
}

// SlackConfig restricts which workspaces are served.
type SlackConfig struct {
	TeamIDs []string `yaml:"team_ids"`
}

// DiscordCfg restricts which guilds are served and names the incidents category.
type DiscordCfg struct {
	GuildIDs []string `yaml:"guild_ids"`
	Category string   `yaml:"category"`
}

// ChannelsCfg shapes incident channels.
type ChannelsCfg struct {
	Naming         string `yaml:"naming"` // slug | codename
	Private        *bool  `yaml:"private"`
	Announce       string `yaml:"announce"`
	ArchiveOnClose bool   `yaml:"archive_on_close"`
}

// RetentionCfg says how long delivered outbox rows (and, for at least 24 h, seen-event ids)
// are kept.
type RetentionCfg struct {
	Outbox duration.Duration `yaml:"outbox"`
}

// NudgesConfig holds reminder timings (used by the nudges feature).
type NudgesConfig struct {
	NoCommander         duration.Duration            `yaml:"no_commander"`
	StatusUpdate        map[string]duration.Duration `yaml:"status_update"`
	PhaseDwell          map[string]duration.Duration `yaml:"phase_dwell"`
	QuietHours          string                       `yaml:"quiet_hours"`
	LessonsReviewWithin duration.Duration            `yaml:"lessons_review_within"`
}

// DefaultRoles are the CSIRT roles.
var DefaultRoles = []string{"commander", "analyst", "researcher", "comms", "scribe", "legal"}

// DefaultTypes are the incident types.
var DefaultTypes = []string{"phishing", "malware", "ransomware", "account-compromise", "data-breach", "ddos", "insider", "other"}

// DefaultConfig is the configuration with no file.
func DefaultConfig() *Config {
	c := &Config{}
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	if c.Timezone == "" {
		c.Timezone = "UTC"
	}
	if len(c.Roles) == 0 {
		c.Roles = slices.Clone(DefaultRoles)
	}
	if len(c.Severities) == 0 {
		c.Severities = map[int]string{1: "critical", 2: "high", 3: "medium", 4: "low"}
	}
	if c.DefaultSeverity == 0 {
		c.DefaultSeverity = 3
	}
	if len(c.Types) == 0 {
		c.Types = slices.Clone(DefaultTypes)
	}
	if c.Channels.Naming == "" {
		c.Channels.Naming = "slug"
	}
	if c.Channels.Private == nil {
		t := true
		c.Channels.Private = &t
	}
	if c.Discord.Category == "" {
		c.Discord.Category = "Incidents"
	}
	if c.ShutdownGrace == 0 {
		c.ShutdownGrace = duration.Duration(10 * time.Second)
	}
	if c.Retention.Outbox == 0 {
		c.Retention.Outbox = duration.Duration(7 * 24 * time.Hour)
	}
	c.applyActionDefaults()
	n := &c.Nudges
	if n.NoCommander == 0 {
		n.NoCommander = duration.Duration(5 * time.Minute)
	}
	n.StatusUpdate = withDefaults(n.StatusUpdate, map[string]time.Duration{"sev1": 30 * time.Minute, "sev2": time.Hour, "sev3": 4 * time.Hour, "sev4": 24 * time.Hour})
	n.PhaseDwell = withDefaults(n.PhaseDwell, map[string]time.Duration{"sev1": 2 * time.Hour, "sev2": 8 * time.Hour, "sev3": 48 * time.Hour, "sev4": 7 * 24 * time.Hour})
	if n.QuietHours == "" {
		n.QuietHours = "20:00-08:00"
	}
	if n.LessonsReviewWithin == 0 {
		n.LessonsReviewWithin = duration.Duration(14 * 24 * time.Hour)
	}
	c.Alerts.Normalize()
	if c.TLP == "" {
		c.TLP = DefaultTLP.Name()
	}
	if c.Location == nil {
		c.Location, _ = time.LoadLocation(c.Timezone)
		if c.Location == nil {
			c.Location = time.UTC
		}
	}
}

func withDefaults(m map[string]duration.Duration, def map[string]time.Duration) map[string]duration.Duration {
	if m == nil {
		m = map[string]duration.Duration{}
	}
	for k, v := range def {
		if _, ok := m[k]; !ok {
			m[k] = duration.Duration(v)
		}
	}
	return m
}

// LoadConfig reads and validates a config file; path "" gives the defaults. Errors name
// the file, line and key.
func LoadConfig(path string) (*Config, error) {
	if path == "" {
		return DefaultConfig(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return ParseConfig(path, data)
}

// ParseConfig decodes and validates config text; name is used in messages.
func ParseConfig(name string, data []byte) (*Config, error) {
	c := &Config{file: name, raw: data}
	if problems := checkFieldValues(data, c); len(problems) > 0 {
		var lines []string
		for _, p := range problems {
			lines = append(lines, fmt.Sprintf("%s:%d: %s: %s", name, p.line, p.key, p.msg))
		}
		return nil, errors.New(strings.Join(lines, "\n"))
	}
	if err := decodeYAML(data, c); err != nil {
		return nil, yamlError(name, err)
	}
	if err := c.validate(data); err != nil {
		return nil, err
	}
	c.applyDefaults()
	return c, nil
}

// File is the path the config was read from ("" for defaults).
func (c *Config) File() string { return c.file }

// Where names a key of the file for a message about it: "file:line: path" (the line is
// left out when unknown, the file when there is none).
func (c *Config) Where(path string) string {
	if c.file == "" {
		return path
	}
	if l := lineNear(c.raw, "$."+path); l > 0 {
		return c.file + ":" + strconv.Itoa(l) + ": " + path
	}
	return c.file + ": " + path
}

// SeverityName is "critical" for 1, etc.
func (c *Config) SeverityName(sev int) string {
	if n, ok := c.Severities[sev]; ok {
		return n
	}
	return "sev" + strconv.Itoa(sev)
}

// IsLead reports whether person may run sensitive verbs on any incident.
func (c *Config) IsLead(person string) bool { return slices.Contains(c.Leads, person) }

// HasRole reports whether role is configured.
func (c *Config) HasRole(role string) bool { return slices.Contains(c.Roles, role) }

// HasType reports whether an incident type is configured.
func (c *Config) HasType(t string) bool { return slices.Contains(c.Types, t) }

// Private says whether incident channels are private.
func (c *Config) Private() bool { return c.Channels.Private == nil || *c.Channels.Private }

// Person finds a roster entry by name.
func (c *Config) Person(name string) (Person, bool) {
	for _, p := range c.Roster {
		if p.Name == name {
			return p, true
		}
	}
	return Person{}, false
}

// PersonName names a platform user the way warroom records people: their roster name, or
// "slack:U…" / "discord:…" when they are not on the roster. Console users are their names.
func (c *Config) PersonName(platform, id string) string {
	if platform == "console" || platform == "" {
		return id
	}
	for _, p := range c.Roster {
		if (platform == "slack" && p.Slack == id) || (platform == "discord" && p.Discord == id) {
			return p.Name
		}
	}
	return platform + ":" + id
}

// PlatformID resolves a person (roster name or "slack:U…") to their id on platform.
func (c *Config) PlatformID(platform, person string) (string, bool) {
	if platform == "console" {
		if strings.Contains(person, ":") {
			return "", false
		}
		return person, true
	}
	if id, ok := strings.CutPrefix(person, platform+":"); ok {
		return id, id != ""
	}
	if p, ok := c.Person(person); ok {
		switch platform {
		case "slack":
			return p.Slack, p.Slack != ""
		case "discord":
			return p.Discord, p.Discord != ""
		}
	}
	return "", false
}
