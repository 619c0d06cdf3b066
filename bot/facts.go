package bot

import (
	"slices"
	"time"
)

// The structured facts of an incident — summary, impact, root cause, detection time,
// the regulators' yes/no assessments, its TLP and its evidence — are timeline entries and
// nothing else: Facts is a fold of the timeline, never a stored copy. So there is no
// second record for an insider to edit behind the chain's back (the chain covers each
// entry's data), and a redaction of the entry removes the fact's text everywhere.

// Kinds of the fact entries.
const (
	KindSummary    = "summary"    // data {}; text "summary: <text>"
	KindImpact     = "impact"     // data {"dimension", "count"?}; text "impact on <dimension>: <text>"
	KindRootCause  = "rootcause"  // data {}; text "root cause: <text>"
	KindDetected   = "detected"   // data {"detected_at"}; text "detected at <time>: <source>"
	KindAssessment = "assessment" // data {"question", "answer"}; text "assessed <question> as <answer>: <text>"
	KindTLP        = "tlp"        // data {"from", "to"}
	KindDelay      = "delay"      // data {"regime"}; text "delay of <regime> notification: <reasons>"
	KindEvidence   = "evidence"   // data {"evidence", "action", …}; see Evidence
)

// ImpactDimensions are what /incident impact measures. consequences (the likely
// consequences for the people affected, GDPR Art. 33(3)(c)) is text only.
var ImpactDimensions = []string{"systems", "data", "people", "cost", "consequences"}

// Assessments are the yes/no determinations regulators ask for, with their answers.
var Assessments = map[string][]string{
	"malicious":    {"yes", "suspected", "no"}, // NIS2 Art. 23(4)(a): unlawful or malicious act?
	"cross-border": {"yes", "possible", "no"},  // NIS2 Art. 23(4)(a), (d)(iv)
	"material":     {"yes", "no"},              // SEC 8-K Item 1.05: the materiality determination
}

// DelayRegimes are the notifications whose lateness must be explained (GDPR Art. 33(1):
// "accompanied by reasons for the delay").
var DelayRegimes = []string{"gdpr", "nis2", "sec"}

// AssessmentNames are the questions in a stable order.
var AssessmentNames = []string{"malicious", "cross-border", "material"}

// Fact is one free-text fact and the entry that recorded it (the latest wins).
type Fact struct {
	Text     string
	Seq      int64
	By       string
	At       time.Time
	Redacted bool
}

// Set says whether the fact was recorded (a redacted one was, but its text is gone).
func (f Fact) Set() bool { return f.Seq > 0 }

// Impact is the latest assessment of one dimension: a number (people, records, systems,
// cost in the currency the text names) and/or a description.
type Impact struct {
	Fact
	Count    int64
	HasCount bool
}

// Detection is when the incident was first detected, which may be well before it was
// declared (an EDR alert an analyst found later); headline metrics count from it.
type DetectionFact struct {
	Fact       // Text is the source ("EDR alert on FS01")
	DetectedAt time.Time
}

// Answer is an assessment's recorded answer.
type Answer struct {
	Fact   // Text is the reasoning, if given
	Answer string
}

// Facts is what an incident's fact entries say.
type Facts struct {
	Summary     Fact
	RootCause   Fact
	Impact      map[string]Impact
	Detected    *DetectionFact
	Assessments map[string]Answer
	Delays      map[string]Fact // regime → the reasons a notification is late
	// TLP is the incident's label: the last tlp entry, else the one recorded at the
	// declaration, else TLPUnset (the caller then applies the configured default).
	TLP      TLP
	Evidence []Evidence
}

// FoldFacts reads the facts from entries in seq order. Entries of other kinds are ignored,
// so it may be given the whole timeline or only the fact kinds.
func FoldFacts(entries []Entry) Facts {
	f := Facts{Impact: map[string]Impact{}, Assessments: map[string]Answer{}, Delays: map[string]Fact{}}
	for _, e := range entries {
		f.Apply(e)
	}
	return f
}

// FactKinds are the kinds FoldFacts reads (plus the declaration, for the TLP it set).
var FactKinds = []string{KindDeclared, KindSummary, KindImpact, KindRootCause, KindDetected, KindAssessment, KindTLP, KindEvidence, KindDelay}

// Apply folds one entry into f.
func (f *Facts) Apply(e Entry) {
	if !slices.Contains(FactKinds, e.Kind) {
		return
	}
	d, err := DecodeData(e.Data)
	if err != nil {
		return
	}
	if f.Impact == nil {
		f.Impact, f.Assessments, f.Delays = map[string]Impact{}, map[string]Answer{}, map[string]Fact{}
	}
	fact := Fact{Text: FreeText(e.Text), Seq: e.Seq, By: e.Actor, At: e.OccurredAt, Redacted: e.Redacted}
	switch e.Kind {
	case KindDeclared:
		if t, ok := ParseTLP(d.Str("tlp")); ok && f.TLP == TLPUnset {
			f.TLP = t
		}
	case KindSummary:
		f.Summary = fact
	case KindRootCause:
		f.RootCause = fact
	case KindImpact:
		f.Impact[d.Str("dimension")] = Impact{Fact: fact, Count: d.Int("count"), HasCount: d.Has("count")}
	case KindDetected:
		if t := d.Time("detected_at"); !t.IsZero() {
			f.Detected = &DetectionFact{Fact: fact, DetectedAt: t}
		}
	case KindAssessment:
		f.Assessments[d.Str("question")] = Answer{Fact: fact, Answer: d.Str("answer")}
	case KindDelay:
		f.Delays[d.Str("regime")] = fact
	case KindTLP:
		if t, ok := ParseTLP(d.Str("to")); ok {
			f.TLP = t
		}
	case KindEvidence:
		f.applyEvidence(e, d, fact)
	}
}
