package commands

import (
	"slices"
	"strings"
	"time"
)

// Scope says where a verb may run.
type Scope int

const (
	// Anywhere: declare, list, help, join.
	Anywhere Scope = iota
	// InIncident: in an incident's channel (or naming the incident, for read-only verbs).
	InIncident
)

// Verb is one chat verb, declared once: this declaration is the grammar. Its Args drive
// the parser (args.go), its usage line (usage.go), help and each platform's command
// registration (Specs).
type Verb struct {
	Command string // "incident" (when empty), "page" or "oncall"
	Name    string // "declare", "task add"; "" for the command alone (/page <team> …)
	Group   string // Discord sub-command group ("task"), "" for top level
	Sub     string // the sub-command name a platform needs for a verb without a name ("show")
	Summary string
	Args    []Arg
	// Scope: where it runs. Who may run it, on which incident and in which state, is the
	// policy's (policy.go), under the action "<command> <Name>" or Action.
	Scope  Scope
	Action string
	// Permission: for a verb declared with registerVerb, who may run it — one of the rules
	// policy.go defines (ForMembers, …), added to the policy under the verb's action. The
	// verbs of allVerbs have their rows in policy.go's table instead.
	Permission *Rule
	// SelfAuthorize: Run asks the policy itself, once it knows what the call is about (the
	// page acknowledged, the team an override is for).
	SelfAuthorize bool
	// Hint adds to the usage a refusal quotes what the valid values are (". Roles: …").
	Hint func(e *Engine) string
	// WholeUsage: its refusals quote the usage of every verb of its command (/oncall me).
	WholeUsage bool
	Run        func(c *call) error
}

// command is the chat command the verb belongs to.
func (v *Verb) command() string {
	if v.Command == "" {
		return "incident"
	}
	return v.Command
}

// usageLine is the verb's usage as people type it: "/incident task add <text> …".
func (v *Verb) usageLine() string { return strings.TrimSpace("/" + v.command() + " " + v.usage()) }

// refusalUsage is the usage a refusal of the verb quotes.
func (e *Engine) refusalUsage(v *Verb) string {
	if v.Hint != nil {
		return v.usageLine() + v.Hint(e)
	}
	if !v.WholeUsage {
		return v.usageLine()
	}
	var lines []string
	for _, o := range e.verbs {
		if o.command() == v.command() {
			lines = append(lines, o.usageLine())
		}
	}
	return strings.Join(lines, " · ")
}

// registered are the verbs declared, each in a file of its own, with registerVerb.
var registered []*Verb

// registerVerb adds a verb to the engine from the file that declares it
// (var verbX = registerVerb(&Verb{…})): that file is all a new verb needs to be parsed,
// authorized (its Permission), in help and registered on Discord. A verb without a
// Permission has no rule: everybody is refused it and TestPolicyCoversEveryAction fails.
func registerVerb(v *Verb) *Verb {
	registered = append(registered, v)
	if v.Permission != nil {
		addRule(verbAction(v), *v.Permission)
	}
	return v
}

// allVerbs lists every verb in help order: /incident's, then /page's and /oncall's, then
// the registered ones.
func allVerbs() []*Verb {
	return append(append([]*Verb{
		verbDeclare, verbStatus, verbPhase, verbSev, verbType, verbClose, verbReopen, verbLink, verbList, verbHelp,
		verbRole, verbRoles, verbInvite, verbRemove, verbJoin,
		verbNote, verbUpdate, verbTaskAdd, verbTaskDone, verbTasks, verbChecklist, verbCheck, verbLesson, verbRedact, verbRedactRun,
		verbReview, verbRemind, verbRemindSnooze, verbClock, verbClockDone, verbDrill, verbReport, verbWeb, verbAlerts,
		verbSummary, verbImpact, verbRootCause, verbDetected, verbAssess, verbDelay, verbTLP,
		verbEvidenceAdd, verbEvidenceTransfer, verbEvidenceList,
		verbActions, verbRun, verbApprove, verbDeny, verbUndo,
	}, pagingVerbs()...), registered...)
}

// runVerb resolves the incident the verb acts on, asks the policy and runs the verb.
func (c *call) runVerb() error {
	v := c.verb
	if v.Scope == InIncident {
		if err := c.resolveIncident(); err != nil {
			return err
		}
	}
	if !v.SelfAuthorize {
		if err := c.authorize(verbAction(v)); err != nil {
			return err
		}
	}
	decl, usage := c.e.grammar.at(c.e, v, c.now), c.e.refusalUsage(v)
	var err error
	switch {
	case c.opts != nil:
		c.args, err = parseTyped(decl, c.opts, c.users, usage)
	default:
		c.args, err = parseArgs(decl, c.rest, usage)
	}
	if err != nil {
		return err
	}
	return v.Run(c)
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

// findVerb resolves a verb of a command from the start of its text: the longest declared
// name first ("override cancel" before "override"), then the command's verb without a name.
// /incident's two-word groups ("task", "evidence") answer their usage when the second
// word is missing or unknown.
func (e *Engine) findVerb(command, text string) (*Verb, string) {
	first, rest := splitVerb(text)
	second, more := splitVerb(rest)
	// "clock INC-1 done gdpr": a two-word verb with the incident it names in between is
	// that verb naming it ("clock done INC-1 gdpr").
	if third, after := splitVerb(more); isIncidentWord(second) && e.hasVerb(command, first+" "+third) {
		second, more = third, strings.TrimSpace(second+" "+after)
	}
	var bare, one *Verb
	for _, v := range e.verbs {
		if v.command() != command {
			continue
		}
		switch v.Name {
		case "":
			bare = v
		case first + " " + second:
			return v, more
		case first:
			one = v
		}
	}
	switch {
	case one != nil && first != "":
		return one, rest
	case command == "incident" && groupUsage[first] != nil:
		return groupUsage[first], rest
	}
	if bare != nil {
		return bare, strings.TrimSpace(text)
	}
	return nil, rest
}

// usageWords are the arguments of the verbs that answer only their group's usage ("task
// foo"): whatever follows, for the parser to accept.
var usageWords = []Arg{{Name: "words", Kind: ArgText}}

// isIncidentWord is a word naming an incident (INC-n or #n, as resolveIncident reads it).
func isIncidentWord(w string) bool { return strings.HasPrefix(w, "inc-") || strings.HasPrefix(w, "#") }

// hasVerb reports whether command has a verb of that name.
func (e *Engine) hasVerb(command, name string) bool { return e.grammar.names[verbName{command, name}] }

// grammarIndex is what the parser reads of the verbs that does not change per call, built
// once by New from the configuration: each verb's declaration (choices from the
// configuration filled in) and its name.
type grammarIndex struct {
	decls map[*Verb]declared
	names map[verbName]bool
}

// declared is a verb's declaration as the parser reads it; timed: it has a time argument,
// which a call reads against its own now.
type declared struct {
	args  []Arg
	timed bool
}

type verbName struct{ command, name string }

func indexGrammar(e *Engine) grammarIndex {
	g := grammarIndex{decls: map[*Verb]declared{}, names: map[verbName]bool{}}
	for _, v := range e.verbs {
		d := e.declaration(v)
		g.decls[v] = declared{args: d, timed: slices.ContainsFunc(d, func(a Arg) bool {
			return a.Kind == ArgTime || slices.ContainsFunc(a.OneOf, func(o Arg) bool { return o.Kind == ArgTime })
		})}
		g.names[verbName{v.command(), v.Name}] = true
	}
	return g
}

// at is v's declaration for a call at now: the one read at New, copied only when a time
// argument must read against now (the parser does not write to it otherwise). A verb New
// did not index (the group usage verbs) is declared on the spot.
func (g grammarIndex) at(e *Engine, v *Verb, now time.Time) []Arg {
	d, ok := g.decls[v]
	if !ok {
		return atTime(e.declaration(v), now, e.cfg.Location)
	}
	if d.timed {
		return atTime(slices.Clone(d.args), now, e.cfg.Location)
	}
	return d.args
}

// verbTaskUsage answers "task" with no or an unknown sub-verb.
var verbTaskUsage = &Verb{Name: "task", Args: usageWords, Scope: Anywhere,
	Run: func(c *call) error {
		return refuse("Usage: %s · %s", c.e.groupLines("task"), verbTasks.usageLine())
	}}
