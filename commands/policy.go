package commands

import (
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

// Who may do what. The table below says, for every verb, button and reaction, who may run
// it and in which state of the incident it acts on. authorize (policy_check.go) is the
// only place that decides access, and it decides from this table alone; the README's
// permission table is generated from it (TestREADMEPermissionTable) and the matrix test
// runs every row against every kind of person (TestPolicyMatrix).

// Audience is who may run an action.
type Audience int

const (
	// Anyone the platform lets talk to warroom (served workspaces and guilds only).
	Anyone Audience = iota
	// Members of the incident, and the leads.
	Members
	// Stewards: the commander (or, while there is none, the acting commander — the
	// declarer, while still a member), the scribe and the leads.
	Stewards
	// Paged: whoever the page notified, the paged team's members and its on-call.
	Paged
	// TeamMembers: the members of the on-call team named, and the leads.
	TeamMembers
	// Rostered: the people on the roster; anyone when there is no roster.
	Rostered
)

// String is the audience as the README and refusals name it.
func (a Audience) String() string {
	switch a {
	case Members:
		return "members, leads"
	case Stewards:
		return "commander or acting commander, scribe, leads"
	case Paged:
		return "the people the page notified, the paged team and its on-call"
	case TeamMembers:
		return "the team's members, leads"
	case Rostered:
		return "people on the roster (anyone without one)"
	}
	return "anyone"
}

// States are the incident states an action is allowed in.
type States uint8

// Incident states for Rule.On; zero means the action acts on no incident.
const (
	OnOpen States = 1 << iota
	OnClosed
)

func (s States) String() string {
	switch s {
	case OnOpen:
		return "open"
	case OnClosed:
		return "closed only"
	case OnOpen | OnClosed:
		return "open and closed"
	}
	return "—"
}

// Rule is one row of the table.
type Rule struct {
	// Action: "incident <verb>" (with a sub-action in parentheses where the arguments
	// decide), "press <button action>", "react <emoji>", "page …" or "oncall …".
	Action string
	Who    Audience
	On     States
	// Named actions may name the incident as INC-n from any channel; the others run in the
	// incident's own channel.
	Named bool
	Note  string
}

// afterClose lists what a closed incident still accepts besides reopen: the lessons-learned
// items (and redaction, which must never need a reopen). Each is recorded on the timeline
// and bumps the report version.
const afterCloseNote = "allowed after close: recorded, and bumps the report version"

// Policy is the table. Order is the README's.
var Policy = []Rule{
	{Action: "incident declare", Who: Anyone},
	{Action: "incident drill", Who: Anyone},
	{Action: "incident list", Who: Anyone, Note: "lists only the incidents the asker may see (members; leads see all)"},
	{Action: "incident help", Who: Anyone},
	{Action: "incident web", Who: Anyone, Note: "a one-time sign-in link to the web view, by direct message; the web view shows only the incidents the person may see (members; leads see all)"},
	{Action: "incident task", Who: Anyone, Note: "task alone: its usage"},
	{Action: "incident join", Who: Anyone, On: OnOpen, Named: true, Note: "asks the stewards; answered once per hour per person and incident"},
	{Action: "incident status", Who: Members, On: OnOpen | OnClosed, Named: true},
	{Action: "incident roles", Who: Members, On: OnOpen | OnClosed, Named: true},
	{Action: "incident tasks", Who: Members, On: OnOpen | OnClosed, Named: true},
	{Action: "incident checklist", Who: Members, On: OnOpen | OnClosed, Named: true},
	{Action: "incident report", Who: Members, On: OnOpen | OnClosed, Named: true},
	{Action: "incident phase", Who: Members, On: OnOpen, Note: "shows the phase"},
	{Action: "incident phase (move)", Who: Stewards, On: OnOpen},
	{Action: "incident sev", Who: Stewards, On: OnOpen},
	{Action: "incident type", Who: Members, On: OnOpen},
	{Action: "incident close", Who: Stewards, On: OnOpen},
	{Action: "incident reopen", Who: Stewards, On: OnClosed},
	{Action: "incident link", Who: Members, On: OnOpen, Note: "the caller must also be a member of (or lead for) the other incident, which must be open"},
	{Action: "incident role", Who: Members, On: OnOpen, Note: "taking a free role yourself"},
	{Action: "incident role (others, commander, scribe or held)", Who: Stewards, On: OnOpen},
	{Action: "incident invite", Who: Stewards, On: OnOpen, Note: "also task add … @owner, role … @user and join approval for someone not yet in"},
	{Action: "incident remove", Who: Stewards, On: OnOpen},
	{Action: "incident note", Who: Members, On: OnOpen},
	{Action: "incident update", Who: Members, On: OnOpen},
	{Action: "incident task add", Who: Members, On: OnOpen, Note: "an owner not yet in the incident needs invite"},
	{Action: "incident task done", Who: Members, On: OnOpen},
	{Action: "incident check", Who: Members, On: OnOpen},
	{Action: "incident lesson", Who: Members, On: OnOpen | OnClosed, Note: afterCloseNote},
	{Action: "incident redact", Who: Stewards, On: OnOpen | OnClosed, Note: afterCloseNote},
	{Action: "incident review", Who: Members, On: OnOpen | OnClosed, Named: true, Note: "shows the review"},
	{Action: "incident review (schedule or held)", Who: Members, On: OnOpen | OnClosed, Named: true, Note: afterCloseNote},
	{Action: "incident remind", Who: Members, On: OnOpen | OnClosed, Named: true, Note: "shows the reminders"},
	{Action: "incident remind (snooze, off, on)", Who: Members, On: OnOpen, Named: true},
	{Action: "incident clock", Who: Members, On: OnOpen | OnClosed, Named: true, Note: "lists the clocks"},
	{Action: "incident clock (start)", Who: Members, On: OnOpen, Named: true},
	{Action: "incident clock (done)", Who: Members, On: OnOpen | OnClosed, Named: true, Note: afterCloseNote},
	{Action: "incident alerts", Who: Members, On: OnOpen | OnClosed, Named: true},
	{Action: "incident summary", Who: Members, On: OnOpen | OnClosed, Note: afterCloseNote},
	{Action: "incident impact", Who: Members, On: OnOpen | OnClosed, Note: afterCloseNote},
	{Action: "incident rootcause", Who: Members, On: OnOpen | OnClosed, Note: afterCloseNote},
	{Action: "incident detected", Who: Members, On: OnOpen | OnClosed, Note: afterCloseNote},
	{Action: "incident assess", Who: Members, On: OnOpen | OnClosed, Note: afterCloseNote},
	{Action: "incident delay", Who: Members, On: OnOpen | OnClosed, Note: afterCloseNote},
	{Action: "incident tlp", Who: Stewards, On: OnOpen | OnClosed, Note: afterCloseNote},
	{Action: "incident evidence", Who: Anyone, Note: "evidence alone: its usage"},
	{Action: "incident evidence add", Who: Members, On: OnOpen | OnClosed, Note: afterCloseNote},
	{Action: "incident evidence transfer", Who: Members, On: OnOpen | OnClosed, Note: afterCloseNote + "; the custody chain goes on after the close"},
	{Action: "incident evidence list", Who: Members, On: OnOpen | OnClosed, Named: true},
	{Action: "incident actions", Who: Members, On: OnOpen | OnClosed, Named: true, Note: "the actions of the incident's playbook and its runs"},
	{Action: "incident run", Who: Members, On: OnOpen, Note: "only the actions of the incident's playbook; parameters validated by type before anything is queued"},
	{Action: "incident undo", Who: Members, On: OnOpen, Note: "a completed run whose action names an undo; approved like any run of the undo action"},
	{Action: "incident approve", Who: Members, On: OnOpen, Note: "and only the holders of the action's approval roles; never the requester when not_requester; each person counts once toward the quorum"},
	{Action: "incident deny", Who: Members, On: OnOpen, Note: "as approve"},
	{Action: "press role.claim", Who: Members, On: OnOpen},
	{Action: "press join.approve", Who: Stewards, On: OnOpen, Note: "only for someone who asked to join"},
	{Action: "press page.ack", Who: Paged},
	{Action: "press action.approve", Who: Members, On: OnOpen, Note: "as incident approve"},
	{Action: "press action.deny", Who: Members, On: OnOpen, Note: "as incident approve"},
	{Action: "press redact.entry", Who: Stewards, On: OnOpen | OnClosed, Note: "offered when keep_secrets let a credential into an entry"},
	{Action: "press alert.declare", Who: Rostered, Note: "on a triage post: declares the incident (the presser is its declarer)"},
	{Action: "press alert.dismiss", Who: Rostered, Note: "on a triage post"},
	{Action: "react rotating_light", Who: Anyone, Note: "declares from the message, outside incident channels"},
	{Action: "react pushpin", Who: Members, On: OnOpen},
	{Action: "react x", Who: Stewards, On: OnOpen | OnClosed, Note: "on a message the timeline holds: redacts its entry"},
	{Action: "react receipt", Who: Members, On: OnOpen, Note: "on an uploaded file: hashed by warroom and recorded as evidence"},
	{Action: "react white_check_mark", Who: Paged, Note: "on a page: acknowledges it"},
	{Action: "page", Who: Anyone, Note: "sent from an incident channel it is recorded there: members only"},
	{Action: "page (from an incident)", Who: Members, On: OnOpen},
	{Action: "page list", Who: Anyone, Note: "lists only the pages the asker sent, was notified by, of their teams or of incidents they may see (leads: all)"},
	{Action: "page ack", Who: Paged, Note: "brings the acknowledger in; makes them commander only if the page notified them, they did not send it, and the incident has only an acting commander"},
	{Action: "oncall", Who: Anyone},
	{Action: "oncall override", Who: TeamMembers, Note: "cancel: also the person covering"},
}

// The rules a verb declared in a file of its own (registerVerb) names as its Permission;
// its row is added to the table under the verb's action (addRule), so the table stays the
// one policy, the README's permission table and the matrix cover it, and a new verb needs
// no edit here.
var (
	ForAnyone            = Rule{Who: Anyone}
	ForMembers           = Rule{Who: Members, On: OnOpen}
	ForMembersEvenClosed = Rule{Who: Members, On: OnOpen | OnClosed, Note: afterCloseNote}
	ForStewards          = Rule{Who: Stewards, On: OnOpen}
)

var policyIndex = indexPolicy()

func indexPolicy() map[string]*Rule {
	m := make(map[string]*Rule, len(Policy))
	for i := range Policy {
		m[Policy[i].Action] = &Policy[i]
	}
	return m
}

// addRule adds a declared verb's row (a copy of one of the rules above) under action. An
// action that has a row keeps it: a later row would win the index, so a verb sharing an
// action (a sub-verb of redact) could make it anybody's. That is refused at start-up.
func addRule(action string, r Rule) {
	if _, ok := policyIndex[action]; ok {
		panic("commands: a registered verb's Permission would replace the rule of " + action)
	}
	r.Action = action
	Policy = append(Policy, r)
	policyIndex = indexPolicy()
}

// ruleFor finds an action's rule. An action without one is a programming error: it is
// refused to everybody (and TestPolicyCoversEveryAction fails).
func ruleFor(action string) *Rule {
	if r, ok := policyIndex[action]; ok {
		return r
	}
	return &Rule{Action: action, Who: -1}
}

// verbAction is the action a verb is checked as before it runs; verbs whose arguments
// decide a stronger sub-action authorize that too (role, phase, review, remind, clock).
func verbAction(v *Verb) string {
	if v.Action != "" {
		return v.Action
	}
	return strings.TrimSpace(v.command() + " " + v.Name)
}

// sensitive says whether the verb is † (stewards only) in every form.
func (v *Verb) sensitive() bool { return ruleFor(verbAction(v)).Who == Stewards }

// Membership is what MaySee needs to know of an incident.
type Membership interface {
	IsMember(n int64, person string) (bool, error)
}

// MaySee says whether person may see incident n at all — its title, channel, timeline and
// report: its members and the leads. Chat listings, the "run it in an incident channel"
// hints and the web view all ask this, and nothing else.
func MaySee(m Membership, cfg *config.Config, person string, n int64) (bool, error) {
	if cfg.IsLead(person) {
		return true, nil
	}
	return m.IsMember(n, person)
}

// SomeVisibleOpen is up to limit open incidents on platform that person may see (the rule
// of MaySee: leads see all, others those they are members of), newest first.
func SomeVisibleOpen(src interface {
	OpenIncidentsOn(platform, person string, limit int) ([]bot.Incident, error)
}, cfg *config.Config, person, platform string, limit int) ([]bot.Incident, error) {
	if cfg.IsLead(person) {
		return src.OpenIncidentsOn(platform, "", limit)
	}
	return src.OpenIncidentsOn(platform, person, limit)
}

// TitleOutside is how an incident is named outside its channel (DMs, listings, hints):
// its title, or with channels.naming: codename only its channel's codename.
func TitleOutside(cfg *config.Config, inc *bot.Incident) string {
	if cfg.Channels.Naming == "codename" {
		return inc.ChannelName
	}
	return inc.Title
}

// PermissionTable renders the policy as the README's Markdown table.
func PermissionTable() string {
	var b strings.Builder
	b.WriteString("| Action | Who may | Incident state | By INC-n from elsewhere | Note |\n|---|---|---|---|---|\n")
	for _, r := range Policy {
		named := "no"
		switch {
		case r.On == 0:
			named = "—"
		case r.Named:
			named = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.Action, r.Who, r.On, named, r.Note)
	}
	return b.String()
}
