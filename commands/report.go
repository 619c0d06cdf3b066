package commands

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/report"
)

// ReportFormats are the report's formats, the default first, then the regulators'
// notification drafts.
var ReportFormats = []string{"md", "html", "json", "gdpr", "nis2", "sec"}

var verbReport = &Verb{
	Name: "report", Scope: InIncident,
	Summary: "upload the lessons-learned report (DRAFT while open), or a regulator's notification draft",
	Args:    reportArgs,
	Run: func(c *call) error {
		format, audience := reportFrom(c.args)
		if c.reportApart() {
			c.askedReport = &askedReport{incident: c.inc.Number, format: format, audience: audience, now: c.now}
			return nil
		}
		r, err := c.buildReportFor(audience)
		if err != nil {
			return err
		}
		size, err := c.uploadReport(r, format)
		if err != nil {
			return err
		}
		c.reply = append(c.reply, reportReply(r, c.inc, format, size))
		return nil
	},
}

// reportReply tells the asker what is being uploaded where.
func reportReply(r *report.Report, inc *bot.Incident, format string, size int) bot.Text {
	what := "report"
	if r.Incident.Report.Draft {
		what = "DRAFT report (the incident is still open)"
	}
	if report.IsRegime(format) {
		d, _ := r.Notification(format)
		what = format + " notification draft (" + gapsLine(d) + ")"
	}
	return bot.Textf("Uploading the %s %s, %s, to #%s: %s, %d bytes.", inc.ID(), what, r.Classification.TLP, inc.ChannelName, uploadName(r, format), size)
}

// parseReportArgs reads "[format] [tlp:<level>]" in either order.
func parseReportArgs(s string) (format string, audience bot.TLP, err error) {
	a, err := parseArgs(reportArgs, s, verbReport.usageLine())
	if err != nil {
		return "", 0, err
	}
	format, audience = reportFrom(a)
	return format, audience, nil
}

// reportArgs: "[format] [tlp:<level>]", in either order: the format a choice (markdown is
// md), the audience a tlp:<level> word anywhere; each unknown one gets the report's own
// refusal.
var reportArgs = []Arg{{Name: "format", Kind: ArgChoice, Choices: ReportFormats,
	Fold: func(w string) string {
		if w == "markdown" {
			return "md"
		}
		return w
	},
	Refuse: func(raw string, formats []string) error {
		return refuse("Unknown report format %q. Formats: %s; an audience as tlp:green.", strings.ToLower(raw), validList(formats))
	},
	Help: "md (default), html, json; gdpr, nis2 or sec for a notification draft"},
	{Name: "audience", Kind: ArgChoice, Anywhere: true, Match: func(w string) bool { return strings.HasPrefix(strings.ToLower(w), "tlp:") },
		Choices: audienceChoices(), Placeholder: "[tlp:<level>]", Help: "leave out what is labelled above this level",
		Refuse: func(raw string, audiences []string) error {
			return refuse("%q is not an audience: use one of %s.", strings.ToLower(raw), validList(audiences))
		}}}

// reportFrom is the report's format (default md) and audience, both checked by the parser.
func reportFrom(a Args) (format string, audience bot.TLP) {
	audience, _ = bot.ParseTLP(a.Text("audience"))
	if format = a.Text("format"); format == "" {
		format = "md"
	}
	return format, audience
}

// audienceChoices are the audiences a report may be cut for.
func audienceChoices() []string {
	out := make([]string, 0, len(bot.TLPNames))
	for _, n := range bot.TLPNames {
		out = append(out, "tlp:"+n)
	}
	return out
}

// gapsLine counts a draft's gaps for the reply.
func gapsLine(d *report.Draft) string {
	if len(d.Gaps) == 0 {
		return "Gaps: none"
	}
	return fmt.Sprintf("%d gaps, listed at the top", len(d.Gaps))
}

// uploadName is the file name of a format's upload.
func uploadName(r *report.Report, format string) string {
	if report.IsRegime(format) {
		return r.NotificationFileName(format)
	}
	return r.FileName(format)
}

// RenderReport writes r in format (md, html or json). A *report.FallbackError means the
// report was written with the built-in template because an override is broken.
func RenderReport(r *report.Report, format string, w io.Writer) error {
	if report.IsRegime(format) {
		return r.WriteNotification(format, w)
	}
	switch format {
	case "html":
		return r.HTML(w)
	case "json":
		return r.JSON(w)
	}
	return r.Markdown(w)
}

// buildReport builds the incident's report as it stands in this transaction.
func (c *call) buildReport() (*report.Report, error) { return c.buildReportFor(bot.TLPUnset) }

// buildReportFor builds it for an audience (TLPUnset: everything).
func (c *call) buildReportFor(audience bot.TLP) (*report.Report, error) {
	return c.e.buildReportIn(c.tx, c.inc.Number, c.now, audience)
}

// buildReportIn builds incident n's report as it stands in tx (a write transaction or a
// read snapshot).
func (e *Engine) buildReportIn(tx Tx, n int64, now time.Time, audience bot.TLP) (*report.Report, error) {
	d, err := LoadReport(tx, n, ReportOptions{Config: e.cfg, Templates: e.tpl, Now: now, Audience: audience, PublicKey: e.PublicKey()})
	if err != nil {
		return nil, err
	}
	r := report.Build(d)
	return &r, nil
}

// uploadReport renders r and queues its upload to the incident channel. A broken template
// override is logged and told to the caller, and the built-in template's report goes out:
// the close must not lose it.
func (c *call) uploadReport(r *report.Report, format string) (int, error) {
	buf, err := c.e.renderReport(c.verbName(), c.inc.ID(), r, format)
	if err != nil {
		if !report.IsFallback(err) {
			return 0, err
		}
		c.say("(The report template override is broken, so the built-in one was used: %v)", err)
	}
	return c.queueReport(r, format, buf, 0)
}

// renderReport renders r in format for verb; a *report.FallbackError (a broken override,
// the built-in template used) comes back with the rendered report, and is logged.
func (e *Engine) renderReport(verb, id string, r *report.Report, format string) ([]byte, error) {
	var buf bytes.Buffer
	err := RenderReport(r, format, &buf)
	if err != nil && report.IsFallback(err) {
		e.log.Warn("report template override is broken; used the built-in one", "verb", verb, "incident", id, "format", format, "err", err)
	}
	return buf.Bytes(), err
}

// queueReport queues the upload of a rendered report to the incident channel; with stored
// (not 0) the store keeps data already (FileKeeper) and the operation refers to it.
func (c *call) queueReport(r *report.Report, format string, data []byte, stored int64) (int, error) {
	title := fmt.Sprintf("%s lessons-learned report, version %d, %s", c.inc.ID(), r.Incident.Report.Version, r.Classification.TLP)
	if r.Incident.Report.Draft {
		title = "DRAFT " + title
	}
	if report.IsRegime(format) {
		title = fmt.Sprintf("DRAFT %s notification for %s, %s", strings.ToUpper(format), c.inc.ID(), r.Classification.TLP)
	}
	file := &bot.File{Name: uploadName(r, format), Title: drillMark(c.inc, bot.Plain(title)).String(), Data: data}
	if stored != 0 {
		file.Data, file.Stored = nil, stored
	}
	if err := c.channelOp(bot.OpUpload, bot.Payload{File: file}); err != nil {
		return 0, err
	}
	return len(data), nil
}

// deliverReportNow is the close's last word built in the calling transaction: a summary
// of the report, then the report itself in Markdown.
func (c *call) deliverReportNow() error {
	r, err := c.buildReport()
	if err != nil {
		return err
	}
	if err := c.post(bot.Message{Text: bot.Markup(r.Summary())}); err != nil {
		return err
	}
	_, err = c.uploadReport(r, "md")
	return err
}
