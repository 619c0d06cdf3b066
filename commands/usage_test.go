package commands

import (
	"strings"
	"testing"
)

// A verb's usage line is written from its declaration (usage.go): there is no hand-written
// one to drift. These are the lines people have always seen, each now generated; the
// verbs whose old line left out what they take say it now.
func TestUsageLinesComeFromTheDeclaration(t *testing.T) {
	h := newHarness(t)
	want := map[string]string{
		"declare":   "/incident declare <title> [sev1..sev4]",
		"status":    "/incident status [INC-n]",
		"phase":     "/incident phase [next [--force] | <name> [--force]]",
		"sev":       "/incident sev <1-4>",
		"close":     "/incident close <true-positive|false-positive|benign|duplicate INC-n> [resolution]",
		"role":      "/incident role <role> <@user|me>",
		"invite":    "/incident invite @user",
		"link":      "/incident link INC-n",
		"note":      "/incident note [--tlp <level>] <text>",
		"task add":  "/incident task add <text> [@owner] [due <duration>]",
		"task done": "/incident task done <n>",
		"lesson":    "/incident lesson <good|bad|idea> <text>",
		"redact":    "/incident redact <seq|last|run N|message link> <reason>",
		"remind":    "/incident remind [snooze <duration>|off|on]",
		"clock":     "/incident clock <gdpr|nis2|sec|<name> <hours>> [from <time>]",
		"report":    "/incident report [md|html|json|gdpr|nis2|sec] [tlp:<level>]",
		"impact":    "/incident impact [--tlp <level>] <systems|data|people|cost|consequences> <number and/or text>",
		"approve":   "/incident approve <run> [reason]",
		"run":       "/incident run <action> <params…>",
		// These take --tlp (and tlp's level is optional: alone, it shows the label); their
		// hand-written lines did not say so.
		"detected": "/incident detected [--tlp <level>] <time> [source]",
		"assess":   "/incident assess [--tlp <level>] <malicious|cross-border|material> <answer> [reasoning]",
		"delay":    "/incident delay [--tlp <level>] <gdpr|nis2|sec> <reasons>",
		"tlp":      "/incident tlp [clear|green|amber|amber+strict|red]",
		// /page and /oncall.
		"page":                   "/page <team|@user> <message>",
		"page list":              "/page list",
		"page ack":               "/page ack [id]",
		"oncall":                 "/oncall [team]",
		"oncall me":              "/oncall me",
		"oncall override":        "/oncall override <team> @user <duration>",
		"oncall override cancel": "/oncall override cancel <id>",
	}
	for name, line := range want {
		if got := h.eng.helpText(name); !strings.HasPrefix(got, line+" — ") {
			t.Errorf("help %s: %q, want %q", name, got, line)
		}
	}
	full := h.eng.helpText("")
	paging := full[strings.Index(full, "Paging, with /page and /oncall:"):]
	for _, v := range h.eng.Verbs() {
		where := full
		if v.command() != "incident" {
			where = paging // in full, with its command
		}
		if !strings.Contains(where, "\n"+strings.TrimPrefix(v.usageLine(), "/incident ")+" ") {
			t.Errorf("help does not list %q", v.usageLine())
		}
	}
	for _, v := range []string{"page", "page list", "page ack", "oncall", "oncall me", "oncall override", "oncall override cancel"} {
		if !strings.Contains(paging, "\n"+want[v]+" — ") {
			t.Errorf("help's paging part lacks %q:\n%s", want[v], paging)
		}
	}
	// The two-word groups answer with their verbs' generated lines.
	wantContains(t, "task alone", h.cmd("alice", "general", "task"),
		"Usage: /incident task add <text> [@owner] [due <duration>] · /incident task done <n> · /incident tasks [INC-n]")
	wantContains(t, "evidence alone", h.cmd("alice", "general", "evidence"),
		"Usage: /incident evidence add [--tlp <level>] <description> [sha256] [location] · /incident evidence transfer <n> @person <reason> · /incident evidence list [INC-n] (or react 🧾")
}

// How each kind is written when a verb declares nothing else.
func TestUsageOfEachKind(t *testing.T) {
	v := &Verb{Command: "x", Name: "probe", Args: []Arg{leadIncident,
		{Name: "who", Kind: ArgUser, Required: true}, {Name: "n", Kind: ArgInt, Required: true},
		{Name: "level", Kind: ArgChoice, Choices: []string{"low", "high"}}, {Name: "for", Kind: ArgDuration, Keyword: "for"},
		{Name: "at", Kind: ArgTime, Required: true}, {Name: "force", Kind: ArgFlag, Keyword: "--force"},
		{Name: "other", Kind: ArgIncident}, {Name: "cc", Kind: ArgUser},
		{Name: "a", Kind: ArgUser, Slot: "s", Required: true}, {Name: "b", Kind: ArgWord, Slot: "s"},
		{Name: "rest", Kind: ArgText}}}
	if got, want := v.usageLine(), "/x probe [INC-n] @who <n> [low|high] [for <duration>] <time> [--force] [INC-n] [@cc] <@a|b> [rest]"; got != want {
		t.Errorf("usage %q\n want %q", got, want)
	}
}
