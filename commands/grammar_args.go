package commands

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/duration"
)

// The smaller verbs' argument parsers, pure like those in grammar.go and fuzzed with them.

// errUsage asks the verb for its usage line.
var errUsage = refuse("usage")

// parsePhaseArgs reads "[next|<phase>] [--force]" (lowercased): the target, and whether to
// force it. No arguments is "show the phase" (target ""); two targets, or only --force, is
// errUsage.
func parsePhaseArgs(rest string) (target string, force bool, err error) {
	f := strings.Fields(strings.ToLower(rest))
	if len(f) == 0 {
		return "", false, nil
	}
	for _, w := range f {
		switch {
		case w == "--force" || w == "force" || w == "-f":
			force = true
		case target == "":
			target = w
		default:
			return "", false, errUsage
		}
	}
	if target == "" {
		return "", false, errUsage
	}
	return target, force, nil
}

// parseRoleArgs reads "<role> <@user|me>": a role of roles (any case), and the person's
// token as written (the call resolves it).
func parseRoleArgs(rest string, roles []string) (role, who string, err error) {
	f := strings.Fields(rest)
	if len(f) != 2 {
		return "", "", refuse("Usage: /incident role <role> <@user|me>. Roles: %s.", validList(roles))
	}
	role = strings.ToLower(f[0])
	if !slices.Contains(roles, role) {
		return "", "", refuse("Unknown role %q. Roles: %s.", f[0], validList(roles))
	}
	return role, f[1], nil
}

// parseLessonArgs reads "<good|bad|idea> <text>".
func parseLessonArgs(rest string) (kind, text string, err error) {
	kind, text = splitVerb(rest)
	if kind == "" || text == "" {
		return "", "", errUsage
	}
	if !slices.Contains(bot.LessonKinds, kind) {
		return "", "", refuse("Unknown lesson kind %q: use good, bad or idea.", kind)
	}
	return kind, text, nil
}

// parseRemindArgs reads "" (show), "snooze <duration>" (at most maxSnooze), "off" or "on".
func parseRemindArgs(rest string) (action string, d time.Duration, err error) {
	action, more := splitVerb(rest)
	switch action {
	case "":
		return "", 0, nil
	case "snooze":
		d, err := duration.Parse(more)
		if more == "" || err != nil {
			return "", 0, refuse("Usage: /incident remind snooze <duration>, e.g. 30m or 2h.")
		}
		if d > maxSnooze {
			return "", 0, refuse("A snooze is at most %s. To stop reminders altogether, use /incident remind off.", duration.Format(maxSnooze))
		}
		return action, d, nil
	case "off", "on":
		if more == "" {
			return action, 0, nil
		}
	}
	return "", 0, errUsage
}

// parseItemNumber reads the n of "task done <n>" and "check <n>": a positive number alone.
func parseItemNumber(rest string) (int64, bool) {
	k, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
	return k, err == nil && k > 0 && k <= 1<<31
}
