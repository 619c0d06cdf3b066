package discord

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/bwmarrin/discordgo"
)

// An application command arrives as a tree of typed options. This file walks the tree to
// the sub-command and hands its options to the engine by their declared names, as values
// (task add text:"block sender @bob" owner:@carol is text "block sender @bob" and the
// person picked, by user id): the engine checks each by its declared kind and never parses
// them out of text; no mention text is made for it to read again.

// errOption is a value Discord should not have let through (a malformed user id, a word with
// spaces); the caller is told which option, nothing runs.
var errOption = errors.New("option not valid")

// leafCommand finds the sub-command an interaction invokes: its group and name and its typed
// options as strings (users as ids, integers in decimal).
func leafCommand(data discordgo.ApplicationCommandInteractionData) (group, sub string, vals map[string]string) {
	opts := data.Options
	if len(opts) == 1 && opts[0] != nil && opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup {
		group = opts[0].Name
		opts = opts[0].Options
	}
	if len(opts) == 1 && opts[0] != nil && opts[0].Type == discordgo.ApplicationCommandOptionSubCommand {
		sub = opts[0].Name
		opts = opts[0].Options
	}
	vals = map[string]string{}
	for _, o := range opts {
		if o == nil {
			continue
		}
		// discordgo's IntValue and friends panic on a value of another type; the payload is
		// untrusted, so values are read by hand.
		switch v := o.Value.(type) {
		case string:
			vals[o.Name] = v
		case float64:
			if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
				vals[o.Name] = strconv.FormatInt(int64(v), 10)
			} else {
				vals[o.Name] = strconv.FormatFloat(v, 'f', -1, 64)
			}
		case bool:
			vals[o.Name] = strconv.FormatBool(v)
		}
	}
	return group, sub, vals
}

// options are the engine's typed options from the interaction's values, by declared name:
// integers in decimal, flags as true or false, text on one line; users, the persons picked,
// apart, as their Discord user ids. Options not given are left out (the engine answers a
// missing required one with the verb's usage).
func (v *verbDef) options(vals map[string]string) (opts, users map[string]string, err error) {
	opts, users = map[string]string{}, map[string]string{}
	for _, o := range v.Options {
		raw, ok := vals[o.Name]
		if !ok {
			continue
		}
		val, err := optionValue(o, raw)
		switch {
		case err != nil:
			return nil, nil, err
		case o.Kind == "user":
			users[o.Engine] = val
		case val != "":
			opts[o.Engine] = val
		}
	}
	return opts, users, nil
}

// optionValue checks one value as Discord should have sent it.
func optionValue(o optionDef, raw string) (string, error) {
	switch o.Kind {
	case "user":
		if !isSnowflake(raw) {
			return "", fmt.Errorf("%w: %s is not a Discord user", errOption, o.Name)
		}
		return raw, nil
	case "int":
		n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		if err != nil {
			return "", fmt.Errorf("%w: %s is not a whole number", errOption, o.Name)
		}
		return strconv.FormatInt(n, 10), nil
	case "flag":
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return "", fmt.Errorf("%w: %s is not true or false", errOption, o.Name)
		}
		return strconv.FormatBool(b), nil
	}
	val := oneLine(raw)
	switch {
	case len(o.Choices) > 0 && len(o.Choices) <= maxPerLevel && val != "" && !slices.Contains(o.Choices, val):
		return "", fmt.Errorf("%w: %s must be one of %s", errOption, o.Name, strings.Join(o.Choices, ", "))
	case (o.Kind == "word" || o.Kind == "incident" || o.Kind == "choice") && strings.ContainsRune(val, ' '):
		return "", fmt.Errorf("%w: %s must be a single word", errOption, o.Name)
	}
	return val, nil
}

// oneLine makes a typed value one line of plain text: control characters (which the engine
// refuses) become spaces, runs of spaces collapse, and invalid UTF-8 is replaced.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// isSnowflake reports whether s is a Discord id (a decimal number of 1-20 digits).
func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
