package commands

import (
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/internal/duration"
)

// The smaller verbs' argument parsers, pure like those in grammar.go and fuzzed with them.

// errUsage asks the verb for its usage line.
var errUsage = refuse("usage")

// phaseArgs: "[next|<phase>] [--force]". The target is next or a phase (lessons is
// lessons-learned, as bot.ParsePhase reads it); an unknown one is refused with the phases.
var phaseArgs = []Arg{{Name: "to", Kind: ArgChoice, Choices: append([]string{"next"}, phaseNames()...), Placeholder: "[next [--force] | <name> [--force]]",
	Fold: func(w string) string {
		if p, ok := bot.ParsePhase(w); ok {
			return string(p)
		}
		return w
	},
	Refuse: func(raw string, _ []string) error {
		return refuse("Unknown phase %q. Phases: %s.", strings.ToLower(raw), validList(phaseNames()))
	}},
	{Name: "force", Kind: ArgFlag, Keyword: "--force", InPrevious: true, Aliases: []string{"force", "-f"}, Help: "go on with unchecked exit criteria"}}

// phaseTarget is the target (lowercased) and whether to force it. No target is "show the
// phase"; only --force is errUsage.
func phaseTarget(a Args) (target string, force bool, err error) {
	target, force = strings.ToLower(a.Text("to")), a.Flag("force")
	if target == "" && force {
		return "", false, errUsage
	}
	return target, force, nil
}

// parsePhaseArgs reads "[next|<phase>] [--force]" with phase's declaration.
func parsePhaseArgs(rest string) (target string, force bool, err error) {
	a, err := parseArgs(phaseArgs, rest, "phase")
	if err != nil {
		return "", false, err
	}
	return phaseTarget(a)
}

// refuseRole is role's refusal of a role the configuration does not have.
func refuseRole(raw string, roles []string) error {
	return refuse("Unknown role %q. Roles: %s.", raw, validList(roles))
}

// parseRoleArgs reads "<role> <@user|me>" with role's declaration: a role of roles (any
// case), and the person's token as written (the call resolves it).
func parseRoleArgs(rest string, roles []string) (role, who string, err error) {
	e := &Engine{cfg: &config.Config{Roles: roles}}
	a, err := parseArgs(e.declaration(verbRole), rest, verbRole.usageLine())
	if err != nil && a.Has("role") || err != nil && strings.TrimSpace(rest) == "" {
		return "", "", refuse("Usage: %s. Roles: %s.", verbRole.usageLine(), validList(roles))
	}
	if err != nil {
		return "", "", err
	}
	return a.Text("role"), a.Text("user"), nil
}

// lessonArgs: "<good|bad|idea> <text>"; the kind is checked by lessonFrom, with its own
// refusal.
var lessonArgs = []Arg{{Name: "kind", Kind: ArgChoice, Choices: bot.LessonKinds, Placeholder: "<good|bad|idea>", Refuse: func(raw string, _ []string) error {
	return refuse("Unknown lesson kind %q: use good, bad or idea.", strings.ToLower(raw))
}}, {Name: "text", Kind: ArgText, Placeholder: "<text>"}}

// parseLessonArgs reads "<good|bad|idea> <text>" with lesson's declaration.
func parseLessonArgs(rest string) (kind, text string, err error) {
	a, err := parseArgs(lessonArgs, rest, "lesson")
	if err != nil {
		return "", "", err
	}
	return lessonFrom(a)
}

func lessonFrom(a Args) (kind, text string, err error) {
	kind, text = strings.ToLower(a.Text("kind")), a.Text("text")
	if kind == "" || text == "" {
		return "", "", errUsage
	}
	return kind, text, nil
}

// remindArgs: "[off|on]"; its usage names remind snooze too, the verb beside it.
var remindArgs = []Arg{{Name: "action", Kind: ArgChoice, Choices: []string{"off", "on"}, Placeholder: "[snooze <duration>|off|on]"}}

// remindSnoozeArgs: "<duration>", at most maxSnooze; longer is "off", and the refusal
// says so.
var remindSnoozeArgs = []Arg{{Name: "duration", Kind: ArgDuration, Required: true, Max: int64(maxSnooze), Label: "snooze", Help: "e.g. 30m or 2h",
	Refuse: func(raw string, _ []string) error {
		if _, err := readDuration(raw); err == nil {
			return refuse("A snooze is at most %s. To stop reminders altogether, use /incident remind off.", duration.Format(maxSnooze))
		}
		return refuse("%q is not a duration: e.g. 30m or 2h.", raw)
	}}}

// parseRemindArgs reads "" (show), "snooze <duration>" (at most maxSnooze), "off" or "on"
// with remind's and remind snooze's declarations.
func parseRemindArgs(rest string) (action string, d time.Duration, err error) {
	if first, more := splitVerb(rest); first == "snooze" {
		a, err := parseArgs(remindSnoozeArgs, more, "remind snooze")
		return "snooze", a.Duration("duration"), err
	}
	a, err := parseArgs(remindArgs, rest, "remind")
	return a.Text("action"), 0, err
}

// itemArgs: the n of "task done <n>" and "check <n>".
var itemArgs = []Arg{{Name: "n", Kind: ArgInt, Required: true}}

// parseItemNumber reads the n of "task done <n>" and "check <n>": a positive number alone.
func parseItemNumber(rest string) (int64, bool) {
	a, err := parseArgs(itemArgs, rest, "n")
	return a.Int("n"), err == nil
}
