package report

import (
	"github.com/warroom/warroom/bot"
)

// The structured facts recorded from chat (bot.FoldFacts), as the report's JSON gives them.

// Facts are what the executive summary and the regulators' drafts are built from.
type Facts struct {
	Summary     *FactText     `json:"summary"`
	RootCause   *FactText     `json:"root_cause"`
	Impact      []ImpactFact  `json:"impact"`
	Assessments []Assessment  `json:"assessments"`
	Delays      []DelayReason `json:"delay_reasons"`
}

// FactText is a free-text fact and the entry that recorded it.
type FactText struct {
	Text     string `json:"text"`
	Seq      int64  `json:"seq"`
	By       string `json:"by"`
	At       Time   `json:"at"`
	Redacted bool   `json:"redacted"`
}

// ImpactFact is the latest assessment of one dimension.
type ImpactFact struct {
	Dimension string `json:"dimension"` // systems | data | people | cost | consequences
	Count     *int64 `json:"count"`
	FactText
}

// Assessment is a regulator's yes/no question answered.
type Assessment struct {
	Question string `json:"question"` // malicious | cross-border | material
	Answer   string `json:"answer"`
	FactText
}

// DelayReason is why a notification was (or will be) later than its deadline.
type DelayReason struct {
	Regime string `json:"regime"` // gdpr | nis2 | sec
	FactText
}

// EvidenceItem is one item of evidence with its chain of custody.
type EvidenceItem struct {
	N           int64  `json:"n"`
	Description string `json:"description"`
	SHA256      string `json:"sha256"`
	Size        *int64 `json:"size"`
	// HashedByWarroom: the SHA-256 and size are of the bytes warroom fetched through the
	// platform's API (a 🧾 on an uploaded file), not a value someone typed.
	HashedByWarroom bool          `json:"hashed_by_warroom"`
	Uploader        string        `json:"uploader"`
	UploadedAt      *Time         `json:"uploaded_at"`
	Location        string        `json:"location"`
	AddedBy         string        `json:"added_by"`
	AddedAt         Time          `json:"added_at"`
	Seq             int64         `json:"seq"`
	Redacted        bool          `json:"redacted"`
	Holder          string        `json:"holder"`
	Custody         []CustodyStep `json:"custody"`
}

// CustodyStep is one hand-over (or the collection).
type CustodyStep struct {
	Seq    int64  `json:"seq"`
	At     Time   `json:"at"`
	Action string `json:"action"` // collected | transferred
	From   string `json:"from"`
	To     string `json:"to"`
	By     string `json:"by"`
	Reason string `json:"reason"`
}

func factText(f bot.Fact) FactText {
	t := FactText{Text: mask(f.Text), Seq: f.Seq, By: f.By, At: at(f.At), Redacted: f.Redacted}
	if f.Redacted {
		t.Text = ""
	}
	return t
}

func factPtr(f bot.Fact) *FactText {
	if !f.Set() {
		return nil
	}
	t := factText(f)
	return &t
}

func buildFacts(f bot.Facts) Facts {
	out := Facts{Summary: factPtr(f.Summary), RootCause: factPtr(f.RootCause), Impact: []ImpactFact{}, Assessments: []Assessment{}, Delays: []DelayReason{}}
	for _, dim := range bot.ImpactDimensions {
		im, ok := f.Impact[dim]
		if !ok {
			continue
		}
		x := ImpactFact{Dimension: dim, FactText: factText(im.Fact)}
		if im.HasCount {
			n := im.Count
			x.Count = &n
		}
		out.Impact = append(out.Impact, x)
	}
	for _, q := range bot.AssessmentNames {
		if a, ok := f.Assessments[q]; ok {
			out.Assessments = append(out.Assessments, Assessment{Question: q, Answer: a.Answer, FactText: factText(a.Fact)})
		}
	}
	for _, regime := range bot.DelayRegimes {
		if r, ok := f.Delays[regime]; ok {
			out.Delays = append(out.Delays, DelayReason{Regime: regime, FactText: factText(r)})
		}
	}
	return out
}

func buildEvidence(items []bot.Evidence) []EvidenceItem {
	out := []EvidenceItem{}
	for _, ev := range items {
		x := EvidenceItem{N: ev.N, Description: mask(ev.Description), SHA256: ev.SHA256, HashedByWarroom: ev.Uploaded, Uploader: ev.Uploader,
			Location: ev.Location, AddedBy: ev.AddedBy, AddedAt: at(ev.AddedAt), Seq: ev.Seq, Redacted: ev.Redacted, Holder: ev.Holder,
			Custody: []CustodyStep{}}
		if ev.Redacted {
			x.Description = ""
		}
		if ev.Uploaded {
			size := ev.Size
			x.Size, x.UploadedAt = &size, atPtr(&ev.UploadedAt)
		}
		for _, c := range ev.Custody {
			x.Custody = append(x.Custody, CustodyStep{Seq: c.Seq, At: at(c.At), Action: c.Action, From: c.From, To: c.To, By: c.By, Reason: mask(c.Reason)})
		}
		out = append(out, x)
	}
	return out
}

// impact finds a dimension's fact.
func (f *Facts) impact(dim string) (ImpactFact, bool) {
	for _, x := range f.Impact {
		if x.Dimension == dim {
			return x, true
		}
	}
	return ImpactFact{}, false
}

// answer finds an assessment.
func (f *Facts) answer(q string) (Assessment, bool) {
	for _, a := range f.Assessments {
		if a.Question == q {
			return a, true
		}
	}
	return Assessment{}, false
}

// delay finds a regime's reasons for lateness.
func (f *Facts) delay(regime string) (DelayReason, bool) {
	for _, d := range f.Delays {
		if d.Regime == regime {
			return d, true
		}
	}
	return DelayReason{}, false
}
