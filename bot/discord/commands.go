package discord

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// commandDescriptions are the top-level descriptions Discord shows beside each command.
var commandDescriptions = map[string]string{
	CommandIncident: "Incident response: declare, phases, roles, notes, tasks",
	CommandMore:     "More incident verbs: reminders, clocks, drills, report, review",
	CommandPage:     "Page the on-call responder of a team, or a person",
	CommandOnCall:   "Who is on call; take over a shift",
}

// applicationCommands builds the commands to register (bulk overwrite) from the verb mapping.
// Commands keep the order their first verb has; groups keep their first member's place.
func applicationCommands(verbs []*verbDef) ([]*discordgo.ApplicationCommand, error) {
	var out []*discordgo.ApplicationCommand
	byName := map[string]*discordgo.ApplicationCommand{}
	groups := map[string]*discordgo.ApplicationCommandOption{}
	for _, v := range verbs {
		cmd := byName[v.Command]
		if cmd == nil {
			desc := commandDescriptions[v.Command]
			if desc == "" {
				desc = "warroom /" + v.Command
			}
			cmd = &discordgo.ApplicationCommand{Name: v.Command, Type: discordgo.ChatApplicationCommand, Description: desc}
			byName[v.Command] = cmd
			out = append(out, cmd)
		}
		sub := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: v.Sub,
			Description: description(v.Summary, v.Usage)}
		for _, o := range requiredFirst(v.Options) {
			sub.Options = append(sub.Options, commandOption(o))
		}
		parent := &cmd.Options
		if v.Group != "" {
			g := groups[v.Command+"/"+v.Group]
			if g == nil {
				g = &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: v.Group,
					Description: v.Group + " verbs"}
				groups[v.Command+"/"+v.Group] = g
				cmd.Options = append(cmd.Options, g)
			}
			parent = &g.Options
		}
		*parent = append(*parent, sub)
	}
	for _, c := range out {
		if err := checkLimits("/"+c.Name, c.Options); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkLimits refuses a command Discord would reject, naming where the limit is broken.
func checkLimits(path string, opts []*discordgo.ApplicationCommandOption) error {
	if len(opts) > maxPerLevel {
		return fmt.Errorf("discord: %s would hold %d entries; Discord allows %d", path, len(opts), maxPerLevel)
	}
	for _, o := range opts {
		if len(o.Choices) > maxPerLevel {
			return fmt.Errorf("discord: %s %s has %d choices; Discord allows %d", path, o.Name, len(o.Choices), maxPerLevel)
		}
		if err := checkLimits(path+" "+o.Name, o.Options); err != nil {
			return err
		}
	}
	return nil
}

// requiredFirst orders options as Discord demands (required before optional); the engine
// reads them by name, so their order does not matter to it.
func requiredFirst(opts []optionDef) []optionDef {
	var req, opt []optionDef
	for _, o := range opts {
		if o.Required {
			req = append(req, o)
		} else {
			opt = append(opt, o)
		}
	}
	return append(req, opt...)
}

// commandOption is one typed option: users as USER (Discord's own picker), numbers as
// INTEGER, a fixed list of values as choices.
func commandOption(o optionDef) *discordgo.ApplicationCommandOption {
	opt := &discordgo.ApplicationCommandOption{Name: o.Name, Required: o.Required, Description: description(o.Help, kindHelp(o))}
	switch o.Kind {
	case "user":
		opt.Type = discordgo.ApplicationCommandOptionUser
	case "int":
		opt.Type = discordgo.ApplicationCommandOptionInteger
	case "flag":
		opt.Type = discordgo.ApplicationCommandOptionBoolean
	default:
		opt.Type = discordgo.ApplicationCommandOptionString
		if len(o.Choices) > 0 && len(o.Choices) <= maxPerLevel {
			for _, c := range o.Choices {
				opt.Choices = append(opt.Choices, &discordgo.ApplicationCommandOptionChoice{Name: c, Value: c})
			}
		}
		opt.MaxLength = 4000
	}
	return opt
}

func kindHelp(o optionDef) string {
	switch o.Kind {
	case "duration":
		return o.Name + ": a duration such as 30m, 4h, 2d"
	case "incident":
		return o.Name + ": an incident such as INC-7"
	case "user":
		return o.Name + ": a person"
	case "int":
		return o.Name + ": a number"
	case "flag":
		return o.Name + ": on or off"
	}
	return o.Name
}

// description fits Discord's 1-100 character rule.
func description(first, fallback string) string {
	d := strings.TrimSpace(first)
	if d == "" {
		d = strings.TrimSpace(fallback)
	}
	if d == "" {
		d = "warroom"
	}
	return truncate(d, 100)
}

// registerCommands overwrites the application's commands in one call: guild-scoped when a
// guild is set (instant), else global (Discord may take up to an hour to show changes).
func (a *Adapter) registerCommands(ctx context.Context) error {
	cmds, err := applicationCommands(a.verbs)
	if err != nil {
		return err
	}
	_, err = a.s.ApplicationCommandBulkOverwrite(a.appID(), a.cfg.GuildID, cmds, discordgo.WithContext(ctx))
	if err != nil {
		return classify(err, "registering slash commands")
	}
	a.log.Info("discord: slash commands registered", "commands", len(cmds), "guild", a.cfg.GuildID)
	return nil
}
