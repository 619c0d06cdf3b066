package commands

import (
	"time"

	"github.com/warroom/warroom/config"
)

// A verb's arguments are declared once (Verb.Args): this file is the declaration, args.go
// and args_kinds.go the one parser that reads it, from a line of text (Slack, the console)
// or from typed options (Discord). A verb's Run reads typed values from c.args and never
// cuts its text up by hand. A refusal names the argument and what was wrong with it;
// nothing is guessed.

// Arg is one declared argument of a verb.
type Arg struct {
	Name     string
	Kind     ArgKind
	Required bool
	Choices  []string // ArgChoice: the values it takes (lower case)
	Help     string
	// Keyword: the argument is written after this word, anywhere in the line ("due 2h");
	// for ArgFlag it is the flag itself ("--force"). Aliases are other spellings of it.
	Keyword string
	Aliases []string
	// Leading: a Keyword argument read only at the start of the line ("--tlp red …").
	Leading bool
	// Bare: the keyword may be left out; the argument is then read by its place ("run 3"
	// or "3").
	Bare bool
	// Anywhere: read from any place in the line, once: a person (task add's owner), or a
	// word Match accepts (report's tlp:<level>).
	Anywhere bool
	// Match: the word an Anywhere or positional argument takes; a positional one whose word
	// does not match is left out (impact's count).
	Match func(word string) bool
	// Trailing: an optional word read from the end of the line when it has this form
	// (declare's severity); it must be the last positional argument but the rest-of-line one.
	Trailing func(word string) bool
	// Max bounds an ArgInt or ArgDuration (a duration in nanoseconds); 0 is no bound.
	Max int64
	// Relative: an ArgTime also takes a time of day and how long ago (args_time.go).
	Relative bool
	base     timeBase
	// Label is how refusals name the argument ("lesson kind"); the name when empty.
	Label string
	// ChoicesOf gives an ArgChoice's values from the configuration (roles, types).
	ChoicesOf func(*config.Config) []string
	// Fold reads other spellings of a value, given in lower case (tlp:red is red; review's
	// "in 3d" is 3d); Refuse is the refusal of a value its kind does not take, when the verb
	// has always worded its own (the parser adds the usage).
	Fold   func(lower string) string
	Refuse func(raw string, choices []string) error
	// RefuseOf is a Refuse that quotes the configuration (sev's severity names).
	RefuseOf func(*config.Config) func(raw string, choices []string) error
	// AsTyped: an ArgChoice reads back as written (--tlp=AMBER+STRICT), once its folded
	// value is checked; the verb reads the level from it.
	AsTyped bool
	// If: the argument is read only when the arguments before it say so (close's INC-n,
	// only after duplicate); given otherwise as a typed option, it is refused.
	If func(Args) bool
	// Slot: arguments with the same slot are alternatives for one place in the line, read
	// by the first whose kind takes the word (/page's user, else its team); Required on
	// one of them means one of the slot is.
	Slot string
	// Placeholder: how the verb's usage line writes the argument, where it is not what its
	// kind writes (usage.go): "<1-4>", "<seq|last|run N|message link>". InPrevious: the
	// previous argument's Placeholder writes this one too (close's INC-n).
	Placeholder string
	InPrevious  bool
	// OneOf: the value is one of these alternatives, each a kind of its own (redact's entry:
	// a number, last, or a message link), tried in order: an alternative with a Match takes
	// the words it matches (and refuses them if its kind does not read them), one without
	// takes what its kind reads. Args.Which names the one that took it; Int, Duration, Time
	// and Text read its value under this argument's name. None taking it is Refuse's, or a
	// refusal listing them.
	OneOf []Arg
	// Depends: what the argument takes depends on the arguments before it (assess's answer
	// on its question); Depends fills in a copy of it (Choices, Refuse) before its value is
	// read, for text and typed options alike.
	Depends func(before Args, a *Arg)
	// Unit: an ArgDuration's bare number is in this unit (clock's hours: 48 or 36.5).
	Unit time.Duration
	// Lead: the incident a verb may name first ("status INC-3"); the call resolves it
	// before the verb runs (resolveIncident), so the parser leaves it alone.
	Lead bool
}

// argIncident is the name of a Lead argument.
const argIncident = "incident"

// leadIncident is the Lead argument of the verbs the policy lets name their incident.
var leadIncident = Arg{Name: argIncident, Kind: ArgIncident, Lead: true, Help: "INC-n: another incident than this channel's"}

// declaration is a verb's arguments as the parser reads them: choices from the
// configuration filled in, the Lead incident left to resolveIncident.
func (e *Engine) declaration(v *Verb) []Arg {
	var out []Arg
	for _, a := range v.Args {
		if a.Lead {
			continue
		}
		if a.ChoicesOf != nil {
			a.Choices = a.ChoicesOf(e.cfg)
		}
		if a.RefuseOf != nil {
			a.Refuse = a.RefuseOf(e.cfg)
		}
		out = append(out, a)
	}
	return out
}

// ArgKind is what an argument's value is.
type ArgKind int

// Argument kinds.
const (
	ArgText     ArgKind = iota // the rest of the line
	ArgWord                    // one word (a string)
	ArgInt                     // a whole number, ≥ 1
	ArgUser                    // a person: @name, the platform's mention, or me
	ArgChoice                  // one of Choices
	ArgIncident                // INC-n
	ArgDuration                // 30m, 4h, 2d, "2 hours"
	ArgFlag                    // present or not (--force)
	ArgTime                    // a moment: 2026-03-01 14:00, RFC 3339 (Relative: 08:10, 45m ago)
)

var argKindNames = map[ArgKind]string{
	ArgText: "text", ArgWord: "word", ArgInt: "int", ArgUser: "user", ArgChoice: "choice",
	ArgIncident: "incident", ArgDuration: "duration", ArgFlag: "flag", ArgTime: "time",
}

func (a *Arg) label() string {
	if a.Label != "" {
		return a.Label
	}
	return a.Name
}

// positional: the argument is read by its place in the line.
func (a *Arg) positional() bool {
	return (a.Keyword == "" || a.Bare) && !a.Anywhere && a.Trailing == nil
}

// Args are a call's parsed arguments by name.
type Args struct{ vals map[string]argValue }

type argValue struct {
	text string        // as written (choices in lower case, users as the mention)
	n    int64         // ArgInt, ArgIncident
	d    time.Duration // ArgDuration
	t    time.Time     // ArgTime
	alt  string        // OneOf: the alternative that took it
	id   string        // ArgUser picked with the platform's user picker: its user id
}

// Has reports whether the argument was given (a flag: set).
func (a Args) Has(name string) bool { _, ok := a.vals[name]; return ok }

// Text is the argument as written ("" when not given).
func (a Args) Text(name string) string { return a.vals[name].text }

// Int is an ArgInt's number, or an ArgIncident's (0 when not given).
func (a Args) Int(name string) int64 { return a.vals[name].n }

// Duration is an ArgDuration's value.
func (a Args) Duration(name string) time.Duration { return a.vals[name].d }

// Which names the alternative of a OneOf argument that took its value ("" when not given).
func (a Args) Which(name string) string { return a.vals[name].alt }

// Flag reports whether an ArgFlag was set.
func (a Args) Flag(name string) bool { return a.Has(name) }

func (a *Args) set(name string, v argValue) {
	if a.vals == nil {
		a.vals = map[string]argValue{}
	}
	a.vals[name] = v
}
