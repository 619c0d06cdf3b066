package report

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

// redNote is the TLP:RED note's text in the seeded incident.
const redNote = "the CFO's assistant clicked first and typed her password twice"

// A TLP:GREEN export of an incident with TLP:RED notes holds none of their text, in any
// format (searched in the bytes), and says what it left out.
func TestTLPGreenExportLeavesOutRed(t *testing.T) {
	full := Build(seededData())
	if md := renderAny(t, &full, "md"); !strings.Contains(md, redNote) || !strings.Contains(md, "**TLP:RED**") {
		t.Fatal("the full report does not hold the RED note, or is not marked TLP:RED")
	}
	d := seededData()
	d.Audience = bot.TLPGreen
	r := Build(d)
	for _, format := range goldenFormats {
		out := renderAny(t, &r, format)
		for _, secret := range []string{redNote, "CFO", "Phishing wave against finance", "mailboxes cleaned", "nobody knew who owns", "Phishing kit"} {
			if bytes.Contains([]byte(out), []byte(secret)) {
				t.Errorf("%s: the TLP:GREEN export holds %q", format, secret)
			}
		}
		if strings.Contains(out, "TLP:RED") {
			t.Errorf("%s: a TLP:GREEN export is marked above GREEN", format)
		}
	}
	md := renderAny(t, &r, "md")
	if !strings.Contains(md, "it leaves out 39 timeline entries labelled above TLP:GREEN") {
		t.Errorf("the export does not say what it leaves out:\n%s", md[:800])
	}
	// What is labelled GREEN stays: the summary and the people affected.
	if !strings.Contains(md, "reached 43 finance staff") || !strings.Contains(md, "finance staff who received the mail") {
		t.Error("the GREEN facts are missing from the GREEN export")
	}
	if r.Classification.TLP != "TLP:GREEN" || r.Classification.Withheld.Entries != 39 || !r.Classification.Withheld.Title {
		t.Errorf("classification %+v", r.Classification)
	}
}

// The drafts: with every fact recorded, no gaps; with facts missing, exactly those.
func TestDraftGaps(t *testing.T) {
	complete := seededData()
	b := &timelineBuilder{id: "INC-7", entries: complete.Entries, prev: complete.Entries[len(complete.Entries)-1].Hash}
	b.add(6*3600e9, "bob", bot.KindImpact, "impact on consequences: phishing of the suppliers whose bank details leaked")
	b.with(`{"dimension":"consequences"}`)
	b.add(6*3600e9, "bob", bot.KindImpact, "impact on cost (40000): EUR, forensics and the supplier notification")
	b.with(`{"count":40000,"dimension":"cost"}`)
	b.add(6*3600e9, "alice", bot.KindAssessment, "assessed material as no: under the registrant's threshold")
	b.with(`{"answer":"no","question":"material"}`)
	complete.Entries = b.entries
	r := Build(complete)
	for _, regime := range Regimes {
		d, err := r.Notification(regime)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Gaps) != 0 {
			t.Errorf("%s: gaps %v", regime, d.Gaps)
		}
		if out := renderAny(t, &r, regime); !strings.Contains(out, "## Gaps\n\nGaps: none.\n") {
			t.Errorf("%s does not say Gaps: none", regime)
		}
	}

	bare := minimalData()
	bare.Organisation = config.Organisation{Name: "Acme"}
	r = Build(bare)
	want := map[string][]string{
		"gdpr": {"Art. 33(3)(b): name and contact details of the data protection officer or other contact point",
			"Art. 33(3)(a): nature of the personal data breach", "Art. 33(3)(a): categories of data subjects",
			"Art. 33(3)(a): approximate number of data subjects", "Art. 33(3)(a): categories of personal data records",
			"Art. 33(3)(a): approximate number of personal data records", "Art. 33(3)(c): likely consequences of the personal data breach",
			"Art. 33(3)(d): measures taken or proposed to address the breach, including mitigation",
			"Art. 33(1): when the controller became aware of the breach"},
		"nis2": {"Art. 23(1): contact point for the CSIRT or competent authority",
			"Art. 23(4)(a): when the entity became aware of the significant incident",
			"Art. 23(4)(a): whether the incident is suspected of being caused by unlawful or malicious acts",
			"Art. 23(4)(a): whether the incident could have a cross-border impact", "Art. 23(4)(b): initial assessment of the incident's impact",
			"Art. 23(4)(b): indicators of compromise, where available",
			"Art. 23(4)(d)(i): detailed description of the incident, including its severity and impact",
			"Art. 23(4)(d)(ii): type of threat or root cause that is likely to have triggered the incident",
			"Art. 23(4)(d)(iii): applied mitigation measures", "Art. 23(4)(d)(iii): ongoing mitigation measures",
			"Art. 23(4)(d)(iv): cross-border impact of the incident"},
		"sec": {"Item 1.05: materiality determination (made without unreasonable delay)",
			"Item 1.05(a): material aspects of the nature of the incident", "Item 1.05(a): material aspects of the scope of the incident",
			"Item 1.05(a): material aspects of the timing of the incident",
			"Item 1.05(a): material impact or reasonably likely material impact on the registrant, including its financial condition and results of operations"},
	}
	for regime, gaps := range want {
		d, _ := r.Notification(regime)
		var got []string
		for _, g := range d.Gaps {
			got = append(got, g.String())
		}
		if !slices.Equal(got, gaps) {
			t.Errorf("%s gaps:\n got %q\nwant %q", regime, got, gaps)
		}
		out := renderAny(t, &r, regime)
		if strings.Contains(out, "Gaps: none") || !strings.Contains(out, "- "+gaps[0]+" — ") {
			t.Errorf("%s draft does not open with its gaps:\n%s", regime, out)
		}
	}
}

// GDPR Art. 33(1): a notification later than 72 h needs its reasons.
func TestGDPRLateNeedsReasons(t *testing.T) {
	d := seededData()
	d.Clocks[0].DoneAt = seedPtr(80 * 3600e9) // filed 80 h after the declaration
	r := Build(d)
	g, _ := r.Notification("gdpr")
	if n := len(g.Gaps); n != 2 || g.Gaps[1].String() != "Art. 33(1): reasons for the delay (later than 72 hours)" {
		t.Fatalf("gaps %v", g.Gaps)
	}
	b := &timelineBuilder{id: "INC-7", entries: d.Entries, prev: d.Entries[len(d.Entries)-1].Hash}
	b.add(6*3600e9, "legal", bot.KindDelay, "delay of gdpr notification: the forwarded mailboxes were only found on day 3")
	b.with(`{"regime":"gdpr"}`)
	d.Entries = b.entries
	r = Build(d)
	g, _ = r.Notification("gdpr")
	if len(g.Gaps) != 1 || !strings.Contains(renderAny(t, &r, "gdpr"), "reasons for the delay (later than 72 hours): the forwarded mailboxes were only found on day 3.") {
		t.Errorf("reasons not used: %v", g.Gaps)
	}
}

var nanoTime = regexp.MustCompile(`\d{2}:\d{2}:\d{2}\.\d{9}Z`)

// The printable report reads as a report: no nanosecond timestamps or console references
// in the chronology, no pointer to a file outside the repository, a clock still open after
// the close said so, the classification, page numbers and a sign-off block in print, a
// legend on the chart, and an executive summary at the top.
func TestReportReadsAsAReport(t *testing.T) {
	d := seededData()
	b := &timelineBuilder{id: "INC-7", entries: d.Entries, prev: d.Entries[len(d.Entries)-1].Hash}
	b.add(5*3600e9, "carol", bot.KindPin, "carol: see console:#inc-7-phishing/12")
	d.Entries = b.entries
	r := Build(d)
	md, html := renderAny(t, &r, "md"), renderAny(t, &r, "html")
	for name, out := range map[string]string{"md": md, "html": html} {
		if nanoTime.MatchString(out) {
			t.Errorf("%s: a nanosecond timestamp: %s", name, nanoTime.FindString(out))
		}
		if strings.Contains(out, "console:#") || strings.Contains(out, "DESIGN"+".md") {
			t.Errorf("%s: an internal reference", name)
		}
		if !strings.Contains(out, "message 12 in #inc-7-phishing") || !strings.Contains(out, "counting from 2026-03-02 09:00:00 UTC") {
			t.Errorf("%s: references not made readable", name)
		}
		if !strings.Contains(out, "Executive summary") || strings.Index(out, "Executive summary") > strings.Index(out, "Headline figures") {
			t.Errorf("%s: no executive summary at the top", name)
		}
	}
	if json := renderAny(t, &r, "json"); !nanoTime.MatchString(json) {
		t.Error("JSON lost the exact times")
	}
	// The SEC clock of the seeded incident was never filed and is past its deadline.
	if !strings.Contains(md, "**MISSED — not filed by 2026-03-02 11:00:00 UTC") {
		t.Error("the missed clock is not highlighted")
	}
	d = seededData()
	d.Clocks[1].Deadline = seedAt(200 * 3600e9)
	r = Build(d)
	md = renderAny(t, &r, "md")
	if !strings.Contains(md, "**NOT FILED — due 2026-03-10 17:00:00 UTC (18:00:00 CET) (8d 1h left); still open after the close**") {
		t.Errorf("an open clock after the close reads:\n%s", md[strings.Index(md, "## Regulatory clocks"):strings.Index(md, "## Related")])
	}
	for _, want := range []string{"@page", `counter(page) " of " counter(pages)`, `@top-center { content: "TLP:RED"`, "<h2>Sign-off</h2>", `class="legend"`, "entered with --force", `class="tlp red"`} {
		if !strings.Contains(renderAny(t, &r, "html"), want) {
			t.Errorf("html: no %q", want)
		}
	}
}
