package console

import (
	"slices"
	"strings"
)

// Vocabulary is what Tab completes besides channels and the people seen in the session:
// the verbs of each command, and the configured roles, phases, types, people and teams.
type Vocabulary struct {
	// Verbs maps a command ("incident") to its verbs, sub-verbs after a space ("task add").
	Verbs  map[string][]string
	Roles  []string
	Phases []string
	Types  []string
	People []string
	Teams  []string
}

// Completer completes the word before the cursor from the workspace and a Vocabulary. It
// implements the line editor's AutoCompleter.
type Completer struct {
	c *Console
	v Vocabulary
}

// NewCompleter completes against the workspace c.
func NewCompleter(c *Console, v Vocabulary) *Completer { return &Completer{c: c, v: v} }

// Do returns the endings of the candidates for the word before pos, and that word's length.
func (k *Completer) Do(line []rune, pos int) ([][]rune, int) {
	before := string(line[:pos])
	words := strings.Fields(before)
	word := ""
	if len(words) > 0 && !strings.HasSuffix(before, " ") {
		word, words = words[len(words)-1], words[:len(words)-1]
	}
	// Leading @user / #channel switches do not count as the command.
	for len(words) > 0 && (strings.HasPrefix(words[0], "@") || strings.HasPrefix(words[0], "#")) {
		words = words[1:]
	}
	var out [][]rune
	for _, cand := range k.candidates(words, word) {
		if strings.HasPrefix(cand, word) && cand != word {
			out = append(out, []rune(cand[len(word):]+" "))
		}
	}
	return out, len([]rune(word))
}

func (k *Completer) candidates(words []string, word string) []string {
	switch {
	case strings.HasPrefix(word, "#@"):
		return prefixed("#@", k.people())
	case strings.HasPrefix(word, "#"):
		return append(k.c.channelNames(), "#new:")
	case strings.HasPrefix(word, "@"):
		return prefixed("@", k.people())
	}
	if len(words) == 0 {
		cmds := []string{"/help", "/quit", "!press", "+pushpin", "+rotating_light"}
		for c := range k.v.Verbs {
			cmds = append(cmds, "/"+c)
		}
		slices.Sort(cmds)
		return cmds
	}
	cmd := strings.TrimPrefix(words[0], "/")
	args := words[1:]
	if len(args) == 0 {
		if cmd == "page" || cmd == "oncall" {
			return slices.Concat(firstWords(k.v.Verbs[cmd]), k.v.Teams, prefixed("@", k.people()))
		}
		return firstWords(k.v.Verbs[cmd])
	}
	if len(args) == 1 {
		if subs := subVerbs(k.v.Verbs[cmd], args[0]); len(subs) > 0 {
			return subs
		}
	}
	switch {
	case cmd == "incident" && args[0] == "role" && len(args) == 1:
		return k.v.Roles
	case cmd == "incident" && args[0] == "role" && len(args) == 2:
		return append([]string{"me"}, prefixed("@", k.people())...)
	case cmd == "incident" && args[0] == "phase" && len(args) == 1:
		return append([]string{"next"}, k.v.Phases...)
	case cmd == "incident" && args[0] == "type" && len(args) == 1:
		return k.v.Types
	case cmd == "incident" && args[0] == "report" && len(args) == 1:
		return []string{"md", "html", "json"}
	case cmd == "incident" && args[0] == "close" && len(args) == 1:
		return []string{"true-positive", "false-positive", "benign", "duplicate"}
	case cmd == "incident" && args[0] == "help" && len(args) == 1:
		return firstWords(k.v.Verbs["incident"])
	case cmd == "oncall" && args[0] == "override" && len(args) == 1:
		return k.v.Teams
	case cmd == "oncall" && args[0] == "override" && len(args) == 2:
		return prefixed("@", k.people())
	}
	return nil
}

// people are the roster and everyone who spoke in this session.
func (k *Completer) people() []string {
	out := slices.Concat(k.v.People, k.c.peopleSeen())
	slices.Sort(out)
	return slices.Compact(out)
}

func prefixed(p string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p + n
	}
	return out
}

// firstWords gives "task" for "task add"; the list is sorted and without repeats.
func firstWords(verbs []string) []string {
	var out []string
	for _, v := range verbs {
		w, _, _ := strings.Cut(v, " ")
		out = append(out, w)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// subVerbs gives "add", "done" for group "task".
func subVerbs(verbs []string, group string) []string {
	var out []string
	for _, v := range verbs {
		if rest, ok := strings.CutPrefix(v, group+" "); ok {
			out = append(out, rest)
		}
	}
	return out
}
