package commands

import "github.com/warroom/warroom/bot"

// Who may see an incident outside its channel: the web view asks this and nothing else.
// The rule is the chat's (requireMember): the incident's members, and the leads, who see
// every incident. Everyone else is told the incident does not exist.

// MemberSource is what the decision reads: storage's Tx satisfies it.
type MemberSource interface {
	IsMember(n int64, person string) (bool, error)
}

// Sight is what a person may see of one incident.
type Sight struct {
	See   bool // the incident at all
	Title bool // its title: not for a lead outside a codename incident
}

// MaySee decides what person may see of inc: members see it whole; leads see it, but not
// its title when incident titles are codenamed (channels.naming: codename); nobody else
// sees anything.
func MaySee(src MemberSource, cfg *bot.Config, person string, inc *bot.Incident) (Sight, error) {
	if person == "" || inc == nil {
		return Sight{}, nil
	}
	member, err := src.IsMember(inc.Number, person)
	if err != nil {
		return Sight{}, err
	}
	if member {
		return Sight{See: true, Title: true}, nil
	}
	if cfg.IsLead(person) {
		return Sight{See: true, Title: cfg.Channels.Naming != "codename"}, nil
	}
	return Sight{}, nil
}

// ValidPersonName reports whether s can name a console person (lowercase letters, digits,
// . _ -; at most 40 characters), as @mentions in the console workspace do.
func ValidPersonName(s string) bool { return validName(s) }

// ShownTitle is the title person may be shown under s: the title itself, or the
// incident's channel name (its codename) when the title is withheld.
func (s Sight) ShownTitle(inc *bot.Incident) string {
	if s.Title {
		return inc.Title
	}
	return inc.ChannelName
}
