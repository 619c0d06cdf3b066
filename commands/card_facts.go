package commands

import (
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

// The facts on the card, and the ones still to record: the card, the checklist and the
// phase-dwell and status-update reminders ask for those, so the report and the regulators'
// drafts are not left with gaps at the close.

// cardFactText bounds a fact's text on the card; the report has it whole.
const cardFactText = 120

// factCardLines are the card's lines for the facts.
func factCardLines(f bot.Facts) bot.Text {
	var b textBuf
	b.printf("\nClassification: %s", f.TLP)
	if f.Detected != nil {
		b.printf("\nDetected %s", bot.ChatTime(f.Detected.DetectedAt))
		if f.Detected.Text != "" {
			b.printf(" (%s)", shorten(f.Detected.Text, cardFactText))
		}
	}
	if f.Summary.Set() {
		b.printf("\nSummary: %s", shownFact(f.Summary))
	}
	var impact []string
	for _, dim := range bot.ImpactDimensions {
		im, ok := f.Impact[dim]
		if !ok {
			continue
		}
		s := dim
		if im.HasCount {
			s += " " + strconv.FormatInt(im.Count, 10)
		}
		if im.Text != "" || im.Redacted {
			s += " (" + shownFact(im.Fact) + ")"
		}
		impact = append(impact, s)
	}
	if len(impact) > 0 {
		b.printf("\nImpact: %s", strings.Join(impact, " · "))
	}
	if f.RootCause.Set() {
		b.printf("\nRoot cause: %s", shownFact(f.RootCause))
	}
	if n := len(f.Evidence); n > 0 {
		b.printf("\nEvidence: %d item(s); /incident evidence list", n)
	}
	if missing := missingFacts(f); len(missing) > 0 {
		b.printf("\nStill to record: %s", bot.Markup(strings.Join(missing, " · "))) // warroom's words, with hints
	}
	return b.t
}

func shownFact(f bot.Fact) string {
	if f.Redacted {
		return bot.RedactedText
	}
	return shorten(f.Text, cardFactText)
}

// missingFacts names the facts not yet recorded, with the verb that records each.
func missingFacts(f bot.Facts) []string {
	var out []string
	if !f.Summary.Set() {
		out = append(out, "summary (/incident summary <text>)")
	}
	if f.Detected == nil {
		out = append(out, "detection time (/incident detected <time> [source])")
	}
	if len(f.Impact) == 0 {
		out = append(out, "impact (/incident impact <systems|data|people|cost|consequences> …)")
	}
	if !f.RootCause.Set() {
		out = append(out, "root cause (/incident rootcause <text>)")
	}
	return out
}

// missingFactsLine is the line the checklist and reminders add, "" when nothing is missing.
func (c *call) missingFactsLine() (string, error) {
	f, err := c.facts()
	if err != nil {
		return "", err
	}
	missing := missingFacts(f)
	if len(missing) == 0 {
		return "", nil
	}
	return "For the report, still to record: " + strings.Join(missing, " · "), nil
}
