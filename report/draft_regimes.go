package report

import (
	"strings"
	"time"
)

// What each regulator requires, item by item (the regulations' own words, shortened).

const (
	hintOrg = "set organisation.%s in the configuration"
)

func orgHint(key string) string { return strings.Replace(hintOrg, "%s", key, 1) }

func (r *Report) gdprDraft() *Draft {
	d := &Draft{Regime: "gdpr", Title: "GDPR Art. 33: notification of a personal data breach to the supervisory authority",
		Note: "For review by the DPO and legal before it is sent. Built from what the response team recorded in warroom; every item names the article that requires it."}
	b := &draftBuilder{d: d}
	f := &r.Facts

	b.section("The controller")
	b.need("Art. 33(1)", "name of the controller", r.org.Name, orgHint("name"))
	b.info("Address", r.org.Address)
	b.need("Art. 33(3)(b)", "name and contact details of the data protection officer or other contact point", r.org.DPO, orgHint("dpo"))

	b.section("The breach — Art. 33(3)(a)")
	b.need("Art. 33(3)(a)", "nature of the personal data breach", r.factValue(f.Summary), "record it with /incident summary <text>")
	b.info("Type and severity", r.typeAndSeverity())
	b.info("Cause", r.factValue(f.RootCause))
	people, _ := f.impact("people")
	data, _ := f.impact("data")
	b.need("Art. 33(3)(a)", "categories of data subjects", people.describe(), "record them with /incident impact people <number> <categories>")
	b.need("Art. 33(3)(a)", "approximate number of data subjects", people.number(), "record it with /incident impact people <number> <categories>")
	b.need("Art. 33(3)(a)", "categories of personal data records", data.describe(), "record them with /incident impact data <number> <categories>")
	b.need("Art. 33(3)(a)", "approximate number of personal data records", data.number(), "record it with /incident impact data <number> <categories>")

	b.section("Likely consequences — Art. 33(3)(c)")
	cons, _ := f.impact("consequences")
	b.need("Art. 33(3)(c)", "likely consequences of the personal data breach", cons.describe(), "record them with /incident impact consequences <text>")

	b.section("Measures — Art. 33(3)(d)")
	b.need("Art. 33(3)(d)", "measures taken or proposed to address the breach, including mitigation", r.measures(), "record them as tasks with /incident task add <text>")

	b.section("Timing — Art. 33(1)")
	aware := r.awareness()
	b.need("Art. 33(1)", "when the controller became aware of the breach", r.awarenessValue(), "record the detection time with /incident detected <time> [source]")
	deadline := aware.Add(72 * time.Hour)
	b.info("Deadline (72 h after becoming aware)", r.when(deadline))
	b.info("Notified", r.filedValue("gdpr"))
	// Later than 72 hours (filed late, or not filed and past it): the reasons are required.
	if r.filedAt("gdpr").After(deadline) {
		b.need("Art. 33(1)", "reasons for the delay (later than 72 hours)", r.delayValue("gdpr"), "record them with /incident delay gdpr <reasons>")
	}
	b.info("Art. 33(4)", "Where not everything is known yet, the information may be provided in phases without undue further delay.")
	return d
}

func (r *Report) nis2Draft() *Draft {
	d := &Draft{Regime: "nis2", Title: "NIS2 Art. 23: significant incident — early warning, incident notification and final report",
		Note: "For review before it goes to the CSIRT or competent authority. The three stages of Art. 23(4) in order; the final report (d) is due within one month of the incident notification (b)."}
	b := &draftBuilder{d: d}
	f := &r.Facts

	b.section("The entity")
	b.need("Art. 23(1)", "name of the essential or important entity", r.org.Name, orgHint("name"))
	b.info("Address", r.org.Address)
	b.need("Art. 23(1)", "contact point for the CSIRT or competent authority", r.org.CSIRTContact, orgHint("csirt_contact"))

	aware := r.awareness()
	b.section("Early warning — Art. 23(4)(a), within 24 hours of becoming aware")
	b.need("Art. 23(4)(a)", "when the entity became aware of the significant incident", r.awarenessValue(), "record the detection time with /incident detected <time> [source]")
	b.info("Due by", r.when(aware.Add(24*time.Hour)))
	b.need("Art. 23(4)(a)", "whether the incident is suspected of being caused by unlawful or malicious acts", r.answerValue("malicious"), "record it with /incident assess malicious <yes|suspected|no> [reasoning]")
	b.need("Art. 23(4)(a)", "whether the incident could have a cross-border impact", r.answerValue("cross-border"), "record it with /incident assess cross-border <yes|possible|no> [reasoning]")

	b.section("Incident notification — Art. 23(4)(b), within 72 hours of becoming aware")
	b.info("Due by", r.when(aware.Add(72*time.Hour)))
	b.need("Art. 23(4)(b)", "initial assessment of the incident's severity", r.typeAndSeverity(), "")
	b.need("Art. 23(4)(b)", "initial assessment of the incident's impact", r.impactValue(), "record it with /incident impact <systems|data|people|cost> …")
	b.need("Art. 23(4)(b)", "indicators of compromise, where available", r.iocValue(), "none were found in notes, updates or pinned messages: record them in a note, or state in the notification that none are available")

	b.section("Final report — Art. 23(4)(d), within one month of the incident notification")
	desc := ""
	if s := r.factValue(f.Summary); s != "" && len(f.Impact) > 0 {
		desc = s + " Severity: " + r.typeAndSeverity() + ". Impact: " + r.impactValue()
	}
	b.need("Art. 23(4)(d)(i)", "detailed description of the incident, including its severity and impact", desc, "record a summary (/incident summary) and the impact (/incident impact)")
	b.need("Art. 23(4)(d)(ii)", "type of threat or root cause that is likely to have triggered the incident", r.factValue(f.RootCause), "record it with /incident rootcause <text>")
	applied, ongoing := r.taskLists()
	b.need("Art. 23(4)(d)(iii)", "applied mitigation measures", applied, "record measures as tasks (/incident task add) and mark the applied ones done")
	if ongoing == "" && applied != "" {
		ongoing = "none: every recorded measure has been applied"
	}
	b.need("Art. 23(4)(d)(iii)", "ongoing mitigation measures", ongoing, "record measures as tasks with /incident task add <text>")
	b.need("Art. 23(4)(d)(iv)", "cross-border impact of the incident", r.answerValue("cross-border"), "record it with /incident assess cross-border <yes|possible|no> [reasoning]")
	if r.Incident.Status == "open" {
		b.info("Art. 23(4)(e)", "The incident is still ongoing: a progress report is due at the time of the final report, and the final report within one month of handling the incident.")
	}
	return d
}

func (r *Report) secDraft() *Draft {
	d := &Draft{Regime: "sec", Title: "SEC Form 8-K Item 1.05: material cybersecurity incident",
		Note: "For review by counsel and the disclosure committee. Item 1.05 asks for the material aspects and the material impact, not technical detail that would impede the response."}
	b := &draftBuilder{d: d}
	f := &r.Facts

	b.section("The registrant")
	b.need("Form 8-K", "name of the registrant", r.org.Name, orgHint("name"))

	b.section("Materiality")
	b.need("Item 1.05", "materiality determination (made without unreasonable delay)", r.answerValue("material"), "record it with /incident assess material <yes|no> [reasoning]")
	if a, ok := f.answer("material"); ok {
		b.info("Determined", r.when(a.At.Time))
		b.info("Form 8-K due by", r.when(addBusinessDays(a.At.Time, 4))+" (four business days after the determination; public holidays not counted here)")
		if a.Answer == "no" {
			b.info("Note", "Determined not material: Item 1.05 requires no filing. Keep this draft with the determination and revisit it if the facts change.")
		}
	}

	b.section("Item 1.05(a): the material aspects of the incident")
	nature := r.factValue(f.Summary)
	if nature != "" {
		nature = r.typeAndSeverity() + ". " + nature
	}
	b.need("Item 1.05(a)", "material aspects of the nature of the incident", nature, "record a summary with /incident summary <text>")
	b.need("Item 1.05(a)", "material aspects of the scope of the incident", r.impactValue("systems", "data", "people"), "record what is affected with /incident impact <systems|data|people> …")
	b.need("Item 1.05(a)", "material aspects of the timing of the incident", r.timingValue(), "record the detection time with /incident detected <time> [source]")
	b.need("Item 1.05(a)", "material impact or reasonably likely material impact on the registrant, including its financial condition and results of operations",
		r.impactValue("cost", "consequences"), "record it with /incident impact cost <amount> <description> (and consequences)")
	b.info("Item 1.05(c)", "Information not determined or unavailable at the time of filing is to be stated as such and filed by amendment within four business days of becoming available.")
	b.info("Item 1.05(d)", "The filing may be delayed only at the written request of the Attorney General (national security or public safety).")
	return d
}

// addBusinessDays counts n weekdays after t.
func addBusinessDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}
