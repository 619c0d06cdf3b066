package commands

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// The grammar of the fact verbs (summary, impact, rootcause, detected, assess, evidence)
// and of the --tlp label. Pure functions, each fuzzed (grammar_facts_fuzz_test.go).

// tlpArg is a leading "--tlp <level>" (or "--tlp=<level>"): the label of the entry the verb
// records. A choice (tlp:red is red), read back as typed (--tlp=AMBER+STRICT) for tlpOf.
var tlpArg = Arg{Name: "tlp", Kind: ArgChoice, Keyword: "--tlp", Leading: true, Choices: bot.TLPNames, Fold: foldTLP,
	Refuse: refuseTLP, AsTyped: true, Placeholder: "[--tlp <level>]", Help: "label the entry: " + strings.Join(bot.TLPNames, ", ")}

// foldTLP reads "tlp:red" as red, as bot.ParseTLP does.
func foldTLP(s string) string { return strings.TrimPrefix(s, "tlp:") }

func refuseTLP(raw string, levels []string) error {
	return refuse("%q is not a TLP level: use %s.", raw, validList(levels))
}

// textArgs are the arguments of the verbs that record a labelled text.
var textArgs = []Arg{tlpArg, {Name: "text", Kind: ArgText, Required: true}}

// takeTLP reads "[--tlp <level>] <rest>" with tlpArg.
func takeTLP(s string) (bot.TLP, string, error) {
	a, err := parseArgs([]Arg{tlpArg, {Name: "text", Kind: ArgText}}, s, "--tlp")
	if err != nil {
		return 0, "", err
	}
	return tlpOf(a), a.Text("text"), nil
}

// tlpOf is the level tlpArg read (TLPUnset when none was given); the parser has checked it.
func tlpOf(a Args) bot.TLP {
	t, _ := bot.ParseTLP(a.Text("tlp"))
	return t
}

// unknown is the refusal "Unknown <what> "x": use a, b, c." of the fact verbs' choices.
func unknown(what string) func(string, []string) error {
	return func(raw string, choices []string) error {
		return refuse("Unknown %s %q: use %s.", what, strings.ToLower(raw), validList(choices))
	}
}

// countRe is a whole number as people write one: 1200, 1,200, 1.200 or ~1200 (about).
var countRe = regexp.MustCompile(`^~?[0-9]{1,3}(?:[,.' ]?[0-9]{3})*$|^~?[0-9]+$`)

// maxCount bounds impact numbers (ten trillion: more than any cost or population).
const maxCount = 10_000_000_000_000

// impactArgs is a parsed "impact <dimension> [number] [text]".
type impactArgs struct {
	dimension string
	count     int64
	hasCount  bool
	text      string
}

// parseImpact reads "<dimension> [number] [text]": a leading whole number is the count
// (people, records, systems, or the cost in the currency the text names), the rest the
// description. consequences takes text only.
func parseImpact(s string) (impactArgs, error) {
	a, err := parseArgs(impactDecl[1:], s, "impact")
	if err != nil {
		return impactArgs{}, err
	}
	return impactFrom(a)
}

// impactDecl: "[--tlp <level>] <dimension> [number] [text]"; the dimension is a word,
// checked by impactFrom, and the number a word of countRe's form.
var impactDecl = []Arg{tlpArg, {Name: "dimension", Kind: ArgChoice, Choices: bot.ImpactDimensions, Refuse: unknown("impact"), Placeholder: "<systems|data|people|cost|consequences>"},
	{Name: "count", Kind: ArgWord, Match: countRe.MatchString, Placeholder: "<number and/or text>", Help: "people, records, systems, or the cost: 1200, 1,200, ~1200"},
	{Name: "text", Kind: ArgText, Help: "a description", InPrevious: true}}

// impactFrom checks the dimension and reads the count (consequences take text only: a
// number there is part of it).
func impactFrom(args Args) (impactArgs, error) {
	dim, first, rest := strings.ToLower(args.Text("dimension")), args.Text("count"), args.Text("text")
	a := impactArgs{dimension: dim}
	if dim == "" {
		return a, errUsage
	}
	more := rest
	switch {
	case first != "" && dim == "consequences":
		rest = strings.TrimSpace(first + " " + rest)
	case first != "" && !countRe.MatchString(first): // a typed count
		return a, refuse("%q is not a number of %s: write 1200, 1,200 or ~1200.", first, dim)
	}
	if dim != "consequences" && first != "" {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, first)
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil || n > maxCount {
			return a, refuse("%s is too large a number for an impact (at most %d).", first, int64(maxCount))
		}
		a.count, a.hasCount, rest = n, true, more
	}
	a.text = strings.TrimSpace(rest)
	if !a.hasCount && a.text == "" {
		return a, errUsage
	}
	return a, nil
}

// detectedLayouts are the absolute forms /incident detected reads, in the configured time
// zone unless they carry their own.
var detectedLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"}

// maxDetectedAge bounds how far back a detection may lie: a year, like a task's due.
const maxDetectedAge = 365 * 24 * time.Hour

// detectedDecl: "[--tlp <level>] <time> [source]"; the time is RFC 3339
// (2026-03-02T08:10:00Z), a date and time in the configured zone (2026-03-02 08:10), a time
// of day today in it (08:10), or how long ago (45m ago, -2h).
var detectedDecl = []Arg{tlpArg, {Name: "time", Kind: ArgTime, Relative: true, Required: true, Help: "2026-03-02T08:10:00Z, 2026-03-02 08:10, 08:10 or 45m ago"},
	{Name: "source", Kind: ArgText, Help: "what detected it, e.g. EDR alert on FS01"}}

// parseDetected reads "<time> [source]" with detected's declaration.
func parseDetected(s string, now time.Time, loc *time.Location) (time.Time, string, error) {
	a, err := parseArgs(atTime(slices.Clone(detectedDecl[1:]), now, loc), s, "detected")
	if err != nil {
		return time.Time{}, "", err
	}
	return detectedFrom(a, now)
}

// detectedFrom checks the detection time: never after now, nor more than a year before it.
func detectedFrom(a Args, now time.Time) (time.Time, string, error) {
	at := a.Time("time")
	if at.After(now) {
		return time.Time{}, "", refuse("%s is in the future; the detection time is when it was first noticed.", bot.FormatTime(at))
	}
	if now.Sub(at) > maxDetectedAge {
		return time.Time{}, "", refuse("%s is more than a year ago; check the date.", bot.FormatTime(at))
	}
	return at, a.Text("source"), nil
}

// parses reads one absolute time form into at.
func parses(s string, loc *time.Location, at *time.Time) bool {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		*at = t
		return true
	}
	for _, l := range detectedLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			*at = t
			return true
		}
	}
	return false
}

// clockToday reads "08:10" as the last time the clock in loc showed it: today, or
// yesterday when that is still to come.
func clockToday(s string, now time.Time, loc *time.Location, at *time.Time) bool {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return false
	}
	l := now.In(loc)
	*at = time.Date(l.Year(), l.Month(), l.Day(), t.Hour(), t.Minute(), 0, 0, loc)
	if at.After(now) {
		*at = at.AddDate(0, 0, -1)
	}
	return true
}

// assessArgs is a parsed "assess <question> <answer> [reasoning]".
type assessArgs struct{ question, answer, text string }

// assessDecl: "[--tlp <level>] <question> <answer> [reasoning]"; the answers a question
// takes are its own (bot.Assessments), so the answer's choices depend on the question.
// Declared, the answer offers every question's answers (Discord's list); read, the
// question's.
var assessDecl = []Arg{tlpArg, {Name: "question", Kind: ArgChoice, Choices: bot.AssessmentNames, Refuse: unknown("assessment"), Placeholder: "<malicious|cross-border|material>"},
	{Name: "answer", Kind: ArgChoice, Choices: allAnswers(), Placeholder: "<answer>", Depends: questionsAnswers}, {Name: "reasoning", Kind: ArgText}}

// allAnswers are every question's answers, each once, in the questions' order.
func allAnswers() []string {
	var out []string
	for _, q := range bot.AssessmentNames {
		for _, a := range bot.Assessments[q] {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// questionsAnswers makes the answer one of its question's answers, refused in assess's
// words ("Answer material with one of: yes, no.").
func questionsAnswers(before Args, a *Arg) {
	q := before.Text("question")
	if answers, ok := bot.Assessments[q]; ok {
		a.Choices = answers
		a.Refuse = func(string, []string) error { return refuse("Answer %s with one of: %s.", q, validList(answers)) }
	}
}

// parseAssess reads "<question> <answer> [reasoning]" with assess's declaration.
func parseAssess(s string) (assessArgs, error) {
	a, err := parseArgs(assessDecl[1:], s, "assess")
	if err != nil {
		return assessArgs{}, err
	}
	return assessFrom(a)
}

// assessFrom reads the question and its answer (the parser checked the answer is the
// question's); the question without one asks for it.
func assessFrom(args Args) (assessArgs, error) {
	q, ans := args.Text("question"), args.Text("answer")
	a := assessArgs{question: q, answer: ans, text: args.Text("reasoning")}
	switch {
	case q == "":
		return a, errUsage
	case ans == "":
		return a, refuse("Answer %s with one of: %s.", q, validList(bot.Assessments[q]))
	}
	return a, nil
}

// sha256Re is a SHA-256 in hex.
var sha256Re = regexp.MustCompile(`^(?i)(?:sha256:)?[0-9a-f]{64}$`)

// locationRe is a place evidence is kept, as one token: a URI (s3://…, smb://…, https://…)
// or a path (/cases/…, \\server\share\…, C:\…).
var locationRe = regexp.MustCompile(`^(?:[a-zA-Z][a-zA-Z0-9+.-]*://\S+|/\S*|\\\\\S+|[A-Za-z]:\\\S*)$`)

// evidenceArgs is a parsed "evidence add <description> [sha256] [location]".
type evidenceArgs struct{ description, sha256, location string }

// parseEvidenceAdd takes the hash and the location from the end: the last token is the
// location when it is a URI or path, the one before it (or the last) the hash when it is
// 64 hex digits; the rest is the description.
func parseEvidenceAdd(s string) (evidenceArgs, error) {
	a, err := parseArgs(evidenceAddDecl[1:], s, "evidence add")
	if err != nil {
		return evidenceArgs{}, errUsage
	}
	return evidenceFrom(a)
}

// evidenceAddDecl: "[--tlp <level>] <description> [sha256] [location]", the location and
// the hash read from the end when they have their form.
var evidenceAddDecl = []Arg{tlpArg, {Name: "description", Kind: ArgText, Required: true},
	{Name: "sha256", Kind: ArgWord, Trailing: sha256Re.MatchString, Help: "64 hex digits"},
	{Name: "location", Kind: ArgWord, Trailing: locationRe.MatchString, Help: "where it is kept: a URI or path"}}

// evidenceFrom checks an item of evidence (the hash in lower case, without "sha256:").
func evidenceFrom(args Args) (evidenceArgs, error) {
	a := evidenceArgs{description: args.Text("description"), location: args.Text("location")}
	if h := args.Text("sha256"); h != "" {
		if !sha256Re.MatchString(h) {
			return a, refuse("%q is not a SHA-256: 64 hex digits.", h)
		}
		a.sha256 = strings.TrimPrefix(strings.ToLower(h), "sha256:")
	}
	if a.location != "" && !locationRe.MatchString(a.location) {
		return a, refuse("%q is not a location: a URI (s3://…) or a path (/cases/…).", a.location)
	}
	if a.description == "" {
		return a, errUsage
	}
	if len(a.location) > 256 {
		return a, refuse("That location is %d characters; at most 256.", len(a.location))
	}
	return a, nil
}
