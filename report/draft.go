package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
)

// The regulators' notification drafts: GDPR Art. 33, NIS2 Art. 23(4) and SEC Form 8-K
// Item 1.05, each built from the report (facts, tasks, indicators, clocks and the
// configured organisation). A draft opens with its gaps — every required item not
// recorded, named by its article — so nothing is silently left out; the items follow in the
// regulation's order, each with its article.

// Regimes are the drafts warroom writes, by format name.
var Regimes = []string{"gdpr", "nis2", "sec"}

// NotificationTemplate is the drafts' layout (overridable like the report's).
const NotificationTemplate = "report/notification.md.tmpl"

// Draft is one notification draft.
type Draft struct {
	Regime   string
	Title    string
	Note     string // what the draft is and what to check before filing
	Gaps     []Gap
	Sections []DraftSection
}

// Gap is a required item not recorded.
type Gap struct {
	Article string // "Art. 33(3)(a)"
	Item    string // "approximate number of data subjects"
	Hint    string // how to record it
}

// String is "Art. 33(3)(a): approximate number of data subjects".
func (g Gap) String() string { return g.Article + ": " + g.Item }

// DraftSection is a part of the notification.
type DraftSection struct {
	Heading string
	Items   []DraftItem
}

// DraftItem is one item: required (with its article) or for information.
type DraftItem struct {
	Article string // "" for information that no article requires
	Label   string
	Value   string
	Missing bool
}

// draftBuilder collects sections and gaps in order.
type draftBuilder struct{ d *Draft }

func (b *draftBuilder) section(heading string) {
	b.d.Sections = append(b.d.Sections, DraftSection{Heading: heading})
}

func (b *draftBuilder) add(it DraftItem) {
	s := &b.d.Sections[len(b.d.Sections)-1]
	s.Items = append(s.Items, it)
}

// need adds a required item; an empty value is a gap, with the hint on how to fill it.
func (b *draftBuilder) need(article, label, value, hint string) {
	missing := strings.TrimSpace(value) == ""
	if missing {
		b.d.Gaps = append(b.d.Gaps, Gap{Article: article, Item: label, Hint: hint})
		value = "MISSING — " + hint
	}
	b.add(DraftItem{Article: article, Label: label, Value: value, Missing: missing})
}

// info adds an item no article requires (context for the reader).
func (b *draftBuilder) info(label, value string) {
	if strings.TrimSpace(value) != "" {
		b.add(DraftItem{Label: label, Value: value})
	}
}

// Notification builds the draft for regime (gdpr, nis2 or sec).
func (r *Report) Notification(regime string) (*Draft, error) {
	switch regime {
	case "gdpr":
		return r.gdprDraft(), nil
	case "nis2":
		return r.nis2Draft(), nil
	case "sec":
		return r.secDraft(), nil
	}
	return nil, fmt.Errorf("no notification draft %q (drafts: %s)", regime, strings.Join(Regimes, ", "))
}

// IsRegime says whether format names a notification draft.
func IsRegime(format string) bool { return slices.Contains(Regimes, format) }

// NotificationFileName is the draft's upload name: notification-gdpr-INC-7-draft.md.
func (r *Report) NotificationFileName(regime string) string {
	name := "notification-" + regime + "-" + r.Incident.ID
	if v := r.Incident.Report.Version; v > 1 {
		name += fmt.Sprintf("-v%d", v)
	}
	return name + "-draft.md"
}

// WriteNotification renders the regime's draft as Markdown. A *FallbackError means an
// override was broken and the built-in layout was used.
func (r *Report) WriteNotification(regime string, w io.Writer) error {
	d, err := r.Notification(regime)
	if err != nil {
		return err
	}
	out, terr := r.tpl.Render(NotificationTemplate, r.draftView(d))
	if terr != nil && out == "" {
		return fmt.Errorf("notification template: %w", terr)
	}
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	if _, err := io.WriteString(w, out); err != nil {
		return err
	}
	if terr != nil {
		return &FallbackError{Err: terr}
	}
	return nil
}

// draftTLP marks a draft: the highest label of what it is built from — the incident's
// (its title and everything unlabelled), the facts, the tasks and the indicators. A note
// labelled RED that no item uses does not make the draft RED.
func (r *Report) draftTLP() bot.TLP {
	l := &r.labels
	top := l.incident
	f := &r.Facts
	for _, x := range []*FactText{f.Summary, f.RootCause} {
		if x != nil {
			top = max(top, l.of(x.Seq))
		}
	}
	for _, x := range f.Impact {
		top = max(top, l.of(x.Seq))
	}
	for _, x := range f.Assessments {
		top = max(top, l.of(x.Seq))
	}
	for _, x := range f.Delays {
		top = max(top, l.of(x.Seq))
	}
	if r.detectedSeq > 0 {
		top = max(top, l.of(r.detectedSeq))
	}
	for _, t := range r.Tasks {
		top = max(top, l.task(t.N))
	}
	for _, x := range r.IOCs {
		top = max(top, l.of(x.Seq))
	}
	if top == bot.TLPUnset {
		top = bot.TLPClear
	}
	return top
}

// draftView is the template's data: every string escaped for Markdown.
type draftView struct {
	ID, Title, Classification, Generated, Generator, Organisation string
	Draft                                                         bool
	Regime, Heading, Note                                         string
	Gaps                                                          []string
	Sections                                                      []draftViewSection
}

type draftViewSection struct {
	Heading string
	Items   []DraftItem
}

func (r *Report) draftView(d *Draft) draftView {
	inc := &r.Incident
	note := d.Note
	if w := r.Classification.Withheld; w.Audience != "" {
		note += " This is the " + w.Audience + " edition: what is labelled above " + w.Audience + " is left out, and items recorded only above it show as gaps."
	}
	d.Note = note
	v := draftView{ID: inc.ID, Title: md(inc.Title), Classification: r.draftTLP().String(), Generated: r.when(inc.Report.GeneratedAt.Time),
		Generator: md(inc.Report.Generator), Organisation: md(r.org.Name), Draft: inc.Report.Draft, Regime: d.Regime, Heading: md(d.Title), Note: md(d.Note)}
	for _, g := range d.Gaps {
		v.Gaps = append(v.Gaps, md(g.String()+" — "+g.Hint))
	}
	for _, s := range d.Sections {
		vs := draftViewSection{Heading: md(s.Heading)}
		for _, it := range s.Items {
			vs.Items = append(vs.Items, DraftItem{Article: md(it.Article), Label: md(it.Label), Value: md(it.Value), Missing: it.Missing})
		}
		v.Sections = append(v.Sections, vs)
	}
	return v
}
