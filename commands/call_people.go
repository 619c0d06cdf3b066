package commands

import (
	"strings"

	"github.com/warroom/warroom/bot"
)

// The people a command names: read from "@name", a platform mention, "me" or a platform's
// user picker, and checked against warroom's roster.

// parsePerson reads "@name", "<@ID>", "<@ID|label>" or "me" as a person warroom records.
// With a roster configured, only people in it (or in an on-call team) can be named.
func (c *call) parsePerson(tok string) (string, error) {
	tok = strings.TrimSpace(tok)
	if strings.EqualFold(tok, "me") {
		return c.who, nil
	}
	if strings.HasPrefix(tok, "<@") && strings.HasSuffix(tok, ">") {
		id := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(tok, "<@"), "!"), ">")
		id, _, _ = strings.Cut(id, "|")
		if id == "" {
			return "", refuse("%q is not a user.", tok)
		}
		return c.personOfID(id, tok)
	}
	if name, ok := strings.CutPrefix(tok, "@"); ok && name != "" {
		name = strings.ToLower(name)
		if c.inRoster(name) && (len(c.e.cfg.Roster) > 0 || c.platform() == "console" && validName(name)) {
			return name, nil
		}
		return "", refuse("Unknown user @%s: they are not in warroom's roster. Mention them with the platform's @-completion, or add them to the roster in %s.", name, c.configFile())
	}
	return "", refuse("%q is not a user: write @name or me.", tok)
}

// person resolves a user argument: picked with the platform's user picker (a typed
// option: its user id), else as written (parsePerson).
func (c *call) person(name string) (string, error) {
	if id := c.args.vals[name].id; id != "" {
		person, err := c.personOfID(id, nil)
		return person, err
	}
	return c.parsePerson(c.args.Text(name))
}

// personOfID is the person a platform's user id names; one warroom's roster does not hold
// is refused, named as written (tok) or, picked, as a mention of them.
func (c *call) personOfID(id string, tok any) (string, error) {
	person := c.e.cfg.PersonName(c.platform(), id)
	if !c.inRoster(person) {
		if tok == nil {
			tok = bot.Who(person)
		}
		return "", refuse("%s is not in warroom's roster; add them to the roster in %s first.", tok, c.configFile())
	}
	return person, nil
}

// platformUserID: a user id as a platform's user picker gives it (Discord's snowflake,
// Slack's U…): letters and digits, nothing to read as markup.
func platformUserID(id string) bool {
	return id != "" && len(id) <= 32 && !strings.ContainsFunc(id, func(r rune) bool {
		return (r < '0' || r > '9') && (r < 'A' || r > 'Z') && (r < 'a' || r > 'z')
	})
}

// configFile names the configuration file for hints.
func (c *call) configFile() string {
	if f := c.e.cfg.File(); f != "" {
		return f
	}
	return "the configuration file"
}

// inRoster: with a roster configured, person is in it or in an on-call team; without
// one, anyone is.
func (c *call) inRoster(person string) bool {
	if len(c.e.cfg.Roster) == 0 {
		return true
	}
	if _, ok := c.e.cfg.Person(person); ok {
		return true
	}
	for _, team := range c.e.cfg.OnCall.TeamNames() {
		if c.inTeam(team, person) {
			return true
		}
	}
	return false
}

func validName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func isMention(tok string) bool {
	return strings.HasPrefix(tok, "@") || strings.HasPrefix(tok, "<@") || strings.EqualFold(tok, "me")
}
