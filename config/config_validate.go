package config

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/ioc"
)

// This file checks a decoded configuration and places every problem at its file, line and
// key; config.go holds the types and defaults.

// decodeYAML decodes strictly. The YAML library panics on some malformed documents (a bare
// tag where a list should be, found by FuzzParseConfig); that is a refused file, not a crash.
func decodeYAML(data []byte, c *Config) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("not a configuration this version of the YAML reader can decode (%v)", r)
		}
	}()
	return yaml.UnmarshalWithOptions(data, c, yaml.Strict())
}

// yamlError rewrites a YAML decoding error as "file:line: message".
func yamlError(name string, err error) error {
	var ye interface {
		GetToken() *token.Token
		GetMessage() string
	}
	if errors.As(err, &ye) && ye.GetToken() != nil {
		tok := ye.GetToken()
		msg := oneLine(ye.GetMessage())
		// A wrong type points at the value; name its key too ("repeat: cannot unmarshal …").
		if p := tok.Prev; p != nil && p.Type == token.MappingValueType && p.Prev != nil && p.Prev.Value != "" {
			return fmt.Errorf("%s:%d: %s: %s", name, tok.Position.Line, oneLine(p.Prev.Value), msg)
		}
		return fmt.Errorf("%s:%d: %s", name, tok.Position.Line, msg)
	}
	return fmt.Errorf("%s: %s", name, oneLine(err.Error()))
}

// oneLine keeps a message on the line that names the file (YAML messages may quote a
// multi-line token).
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// lineOf finds the line of a YAML path such as "$.leads[1]" (0 when unknown).
func lineOf(data []byte, path string) int {
	node := nodeAt(data, path)
	if node == nil || node.GetToken() == nil {
		return 0
	}
	return node.GetToken().Position.Line
}

// nodeAt is the node at a YAML path of the document (nil when the path or the document
// does not parse, or nothing is there).
func nodeAt(data []byte, path string) ast.Node {
	p, err := yaml.PathString(path)
	if err != nil {
		return nil
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil
	}
	node, err := p.FilterFile(f)
	if err != nil {
		return nil
	}
	return node
}

// keyLine finds the line of the key at the end of a YAML path such as
// "$.oncall.teams.secops" — the key's own line, where lineOf gives the line its value starts
// on (for a block mapping, the line after). 0 when the path does not end in a present key.
func keyLine(data []byte, path string) int {
	i := strings.LastIndex(path, ".")
	if i <= 0 || strings.HasSuffix(path, "]") {
		return 0
	}
	parent, key := path[:i], path[i+1:]
	m, ok := nodeAt(data, parent).(*ast.MappingNode)
	if !ok {
		return 0
	}
	for _, v := range m.Values {
		if k := v.Key.GetToken(); k != nil && k.Value == key {
			return k.Position.Line
		}
	}
	return 0
}

// lineNear is the line of path's key, or of its value, or else of the closest enclosing
// path present in the document (a required key that is missing has no line of its own).
func lineNear(data []byte, path string) int {
	for p := path; p != "$"; {
		if l := keyLine(data, p); l > 0 {
			return l
		}
		if l := lineOf(data, p); l > 0 {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

var (
	nameRe  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,39}$`)
	slackRe = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)
	snowRe  = regexp.MustCompile(`^[0-9]{5,20}$`)
	typeRe  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
	teamRe  = regexp.MustCompile(`^[TE][A-Z0-9]{2,20}$`)
	chanRe  = regexp.MustCompile(`^#?[A-Za-z0-9][A-Za-z0-9._-]{0,79}$`)
	mailRe  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

func (c *Config) validate(data []byte) error {
	var errs []string
	badAt := func(line int, key, format string, args ...any) {
		loc := c.file
		if line > 0 {
			loc += ":" + strconv.Itoa(line)
		}
		errs = append(errs, fmt.Sprintf("%s: %s: %s", loc, key, fmt.Sprintf(format, args...)))
	}
	bad := func(path, key, format string, args ...any) { badAt(lineOf(data, path), key, format, args...) }
	if c.Timezone != "" {
		loc, err := time.LoadLocation(c.Timezone)
		if err != nil {
			bad("$.timezone", "timezone", "unknown time zone %q (use an IANA name like Europe/Berlin)", c.Timezone)
		}
		c.Location = loc
	}
	names := map[string]bool{}
	for i, p := range c.Roster {
		path := fmt.Sprintf("$.roster[%d]", i)
		key := fmt.Sprintf("roster[%d]", i)
		switch {
		case !nameRe.MatchString(p.Name):
			bad(path, key+".name", "%q is not a valid name (lowercase letters, digits, . _ -; at most 40)", p.Name)
		case names[p.Name]:
			bad(path, key+".name", "%q is listed twice", p.Name)
		case p.Name == "me" || p.Name == "warroom":
			bad(path, key+".name", "%q is reserved", p.Name)
		}
		names[p.Name] = true
		if p.Slack != "" && !slackRe.MatchString(p.Slack) {
			bad(path+".slack", key+".slack", "%q is not a Slack user id (like U0123ABCD)", p.Slack)
		}
		if p.Discord != "" && !snowRe.MatchString(p.Discord) {
			bad(path+".discord", key+".discord", "%q is not a Discord user id (a number, quoted)", p.Discord)
		}
		if p.Email != "" && !mailRe.MatchString(p.Email) {
			bad(path+".email", key+".email", "%q is not an e-mail address", p.Email)
		}
	}
	for i, id := range c.Slack.TeamIDs {
		if !teamRe.MatchString(id) {
			bad(fmt.Sprintf("$.slack.team_ids[%d]", i), fmt.Sprintf("slack.team_ids[%d]", i), "%q is not a Slack workspace id (like T0123ABCD)", id)
		}
	}
	for i, id := range c.Discord.GuildIDs {
		if !snowRe.MatchString(id) {
			bad(fmt.Sprintf("$.discord.guild_ids[%d]", i), fmt.Sprintf("discord.guild_ids[%d]", i), "%q is not a Discord server id (a number, quoted)", id)
		}
	}
	if cat := c.Discord.Category; len(cat) > 100 || strings.ContainsFunc(cat, unicode.IsControl) {
		bad("$.discord.category", "discord.category", "a category name is one line of at most 100 characters")
	}
	if a := c.Channels.Announce; a != "" && !chanRe.MatchString(a) {
		bad("$.channels.announce", "channels.announce", "%q is not a channel name (like \"#security-status\")", a)
	}
	for i, l := range c.Leads {
		if !names[l] {
			bad(fmt.Sprintf("$.leads[%d]", i), fmt.Sprintf("leads[%d]", i), "unknown person %q (add them to roster)", l)
		}
	}
	for i, r := range c.Roles {
		if !typeRe.MatchString(r) {
			bad(fmt.Sprintf("$.roles[%d]", i), fmt.Sprintf("roles[%d]", i), "%q is not a valid role name", r)
		}
	}
	if len(c.Roles) > 0 && !slices.Contains(c.Roles, "commander") {
		bad("$.roles", "roles", "must include commander")
	}
	for k := range c.Severities {
		if k < 1 || k > 4 {
			bad("$.severities", "severities", "levels are 1 to 4, not %d", k)
		}
	}
	if c.DefaultSeverity != 0 && (c.DefaultSeverity < 1 || c.DefaultSeverity > 4) {
		bad("$.default_severity", "default_severity", "must be 1 to 4")
	}
	for i, t := range c.Types {
		if !typeRe.MatchString(t) {
			bad(fmt.Sprintf("$.types[%d]", i), fmt.Sprintf("types[%d]", i), "%q is not a valid type name", t)
		}
	}
	if n := c.Channels.Naming; n != "" && n != "slug" && n != "codename" {
		bad("$.channels.naming", "channels.naming", "must be slug or codename, not %q", n)
	}
	if q := c.Nudges.QuietHours; q != "" && q != "off" {
		if _, _, err := ParseQuietHours(q); err != nil {
			bad("$.nudges.quiet_hours", "nudges.quiet_hours", "%v", err)
		}
	}
	for k := range c.Nudges.StatusUpdate {
		if !slices.Contains([]string{"sev1", "sev2", "sev3", "sev4"}, k) {
			bad("$.nudges.status_update", "nudges.status_update", "unknown key %q (use sev1..sev4)", k)
		}
	}
	for k := range c.Nudges.PhaseDwell {
		if !slices.Contains([]string{"sev1", "sev2", "sev3", "sev4"}, k) {
			bad("$.nudges.phase_dwell", "nudges.phase_dwell", "unknown key %q (use sev1..sev4)", k)
		}
	}
	for i, d := range c.IOC.OwnDomains {
		if _, err := ioc.NewOwn([]string{d}, nil); err != nil {
			bad(fmt.Sprintf("$.ioc.own_domains[%d]", i), fmt.Sprintf("ioc.own_domains[%d]", i), "%v", err)
		}
	}
	for i, n := range c.IOC.OwnNetworks {
		if _, err := ioc.NewOwn(nil, []string{n}); err != nil {
			bad(fmt.Sprintf("$.ioc.own_networks[%d]", i), fmt.Sprintf("ioc.own_networks[%d]", i), "%v", err)
		}
	}
	if len(c.IOC.OwnDomains)+len(c.IOC.OwnNetworks) > 0 {
		c.own, _ = ioc.NewOwn(c.IOC.OwnDomains, c.IOC.OwnNetworks)
	}
	if c.Templates != "" {
		if st, err := os.Stat(c.Templates); err != nil {
			bad("$.templates", "templates", "no directory %s (%v)", c.Templates, errors.Unwrap(err))
		} else if !st.IsDir() {
			bad("$.templates", "templates", "%s is not a directory", c.Templates)
		}
	}
	c.validateReport(bad)
	known := func(person string) bool { return names[person] }
	c.validateActions(data, bad)
	c.validatePlaybooks(bad)
	for _, fe := range c.OnCall.Validate(known) {
		badAt(lineNear(data, "$."+fe.Path), fe.Path, "%s", fe.Msg)
	}
	for _, fe := range c.Alerts.Validate(alert.Known{Person: known, Type: func(t string) bool {
		return len(c.Types) == 0 && slices.Contains(DefaultTypes, t) || slices.Contains(c.Types, t)
	}}) {
		badAt(lineNear(data, "$."+fe.Path), fe.Path, "%s", fe.Msg)
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// ParseQuietHours reads "20:00-08:00" into minutes after midnight.
func ParseQuietHours(s string) (from, to int, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not a range like 20:00-08:00", s)
	}
	if from, err = clockMinutes(a); err == nil {
		to, err = clockMinutes(b)
	}
	return from, to, err
}

func clockMinutes(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a time like 08:00", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}
