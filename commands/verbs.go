package commands

import (
	"strings"
)

// Scope says where a verb may run.
type Scope int

const (
	// Anywhere: declare, list, help, join.
	Anywhere Scope = iota
	// InIncident: in an incident's channel (or naming the incident, for read-only verbs).
	InIncident
)

// Arg describes one option of a verb, for help and for Discord's typed options.
type Arg struct {
	Name     string
	Kind     ArgKind
	Required bool
	Choices  []string
	Help     string
}

// ArgKind is an option's type.
type ArgKind int

// Option kinds.
const (
	ArgText ArgKind = iota // the rest of the line
	ArgWord
	ArgInt
	ArgUser
	ArgChoice
	ArgIncident
	ArgDuration
)

// Verb is one /incident verb, declared once: this declaration drives the text parser,
// help and the Discord command registration.
type Verb struct {
	Name    string // "declare", "task add"
	Group   string // Discord sub-command group ("task"), "" for top level
	Usage   string // "declare <title> [sev1..sev4]"
	Summary string
	Args    []Arg
	// Scope: where it runs. Who may run it, on which incident and in which state, is the
	// policy's (policy.go), under the action "incident <Name>".
	Scope Scope
	Run   func(c *call) error
}

// allVerbs lists every verb in help order.
func allVerbs() []*Verb {
	return []*Verb{
		verbDeclare, verbStatus, verbPhase, verbSev, verbType, verbClose, verbReopen, verbLink, verbList, verbHelp,
		verbRole, verbRoles, verbInvite, verbRemove, verbJoin,
		verbNote, verbUpdate, verbTaskAdd, verbTaskDone, verbTasks, verbChecklist, verbCheck, verbLesson, verbRedact,
		verbReview, verbRemind, verbClock, verbDrill, verbReport, verbWeb, verbAlerts,
		verbSummary, verbImpact, verbRootCause, verbDetected, verbAssess, verbDelay, verbTLP,
		verbEvidenceAdd, verbEvidenceTransfer, verbEvidenceList,
		verbActions, verbRun, verbApprove, verbDeny, verbUndo,
	}
}

// splitVerb cuts the first word off text.
func splitVerb(text string) (verb, rest string) {
	text = strings.TrimSpace(text)
	i := strings.IndexFunc(text, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
	if i < 0 {
		return strings.ToLower(text), ""
	}
	return strings.ToLower(text[:i]), strings.TrimSpace(text[i+1:])
}

// groupUsage answers a two-word verb's first word alone, or with an unknown second word.
var groupUsage = map[string]*Verb{"task": verbTaskUsage, "evidence": verbEvidenceUsage}

// findVerb resolves a verb name, including two-word verbs ("task add", "evidence list").
func (e *Engine) findVerb(name, rest string) (*Verb, string) {
	if usage, ok := groupUsage[name]; ok {
		sub, more := splitVerb(rest)
		for _, v := range e.verbs {
			if v.Name == name+" "+sub {
				return v, more
			}
		}
		return usage, rest
	}
	for _, v := range e.verbs {
		if v.Name == name {
			return v, rest
		}
	}
	return nil, rest
}

// verbTaskUsage answers "task" with no or an unknown sub-verb.
var verbTaskUsage = &Verb{Name: "task", Usage: "task add <text> [@owner] [due <duration>] | task done <n>", Scope: Anywhere,
	Run: func(c *call) error {
		return refuse("Usage: /incident task add <text> [@owner] [due <duration>] · /incident task done <n> · /incident tasks")
	}}
