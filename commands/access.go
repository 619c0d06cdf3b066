package commands

import (
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

// TitleFor is how incident inc is named to person in the web view and the reports it
// serves: its title for its members; for anyone else (a lead outside it) what
// TitleOutside gives, the codename under channels.naming: codename. Ask MaySee first:
// this names an incident, it does not decide who may see one.
func TitleFor(m Membership, cfg *config.Config, person string, inc *bot.Incident) (string, error) {
	member, err := m.IsMember(inc.Number, person)
	if err != nil {
		return "", err
	}
	if member {
		return inc.Title, nil
	}
	return TitleOutside(cfg, inc), nil
}

// ValidPersonName reports whether s can name a console person (lowercase letters, digits,
// . _ -; at most 40 characters), as @mentions in the console workspace do.
func ValidPersonName(s string) bool { return validName(s) }
