package commands

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/report"
)

// ReportFormats are the report's formats, the default first.
var ReportFormats = []string{"md", "html", "json"}

var verbReport = &Verb{
	Name: "report", Usage: "report [md|html|json]", Scope: InIncident,
	Summary: "upload the lessons-learned report (marked DRAFT while the incident is open)",
	Args:    []Arg{{Name: "format", Kind: ArgChoice, Choices: ReportFormats, Help: "md (default), html or json"}},
	Run: func(c *call) error {
		format := strings.ToLower(strings.TrimSpace(c.rest))
		if format == "" || format == "markdown" {
			format = "md"
		}
		if !slices.Contains(ReportFormats, format) {
			return refuse("Unknown report format %q. Formats: %s.", format, validList(ReportFormats))
		}
		r, err := c.buildReport()
		if err != nil {
			return err
		}
		size, err := c.uploadReport(r, format)
		if err != nil {
			return err
		}
		what := "report"
		if r.Incident.Report.Draft {
			what = "DRAFT report (the incident is still open)"
		}
		c.say("Uploading the %s %s to #%s: %s, %d bytes.", c.inc.ID(), what, c.inc.ChannelName, r.FileName(format), size)
		return nil
	},
}

// RenderReport writes r in format (md, html or json). A *report.FallbackError means the
// report was written with the built-in template because an override is broken.
func RenderReport(r *report.Report, format string, w io.Writer) error {
	switch format {
	case "html":
		return r.HTML(w)
	case "json":
		return r.JSON(w)
	}
	return r.Markdown(w)
}

// buildReport builds the incident's report as it stands in this transaction.
func (c *call) buildReport() (*report.Report, error) {
	d, err := LoadReport(c.tx, c.inc.Number, ReportOptions{Config: c.e.cfg, Templates: c.e.tpl, Now: c.now, PublicKey: c.e.PublicKey()})
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
	var buf bytes.Buffer
	if err := RenderReport(r, format, &buf); err != nil {
		if !report.IsFallback(err) {
			return 0, err
		}
		c.e.log.Warn("report template override is broken; used the built-in one", "incident", c.inc.ID(), "format", format, "err", err)
		c.say("(The report template override is broken, so the built-in one was used: %v)", err)
	}
	title := fmt.Sprintf("%s lessons-learned report, version %d", c.inc.ID(), r.Incident.Report.Version)
	if r.Incident.Report.Draft {
		title = "DRAFT " + title
	}
	file := &bot.File{Name: r.FileName(format), Title: drillMark(c.inc, title), Data: buf.Bytes()}
	if err := c.channelOp(bot.OpUpload, bot.Payload{File: file}); err != nil {
		return 0, err
	}
	return buf.Len(), nil
}

// deliverReport is the close's last word: a summary of the report, then the report itself
// in Markdown.
func (c *call) deliverReport() error {
	r, err := c.buildReport()
	if err != nil {
		return err
	}
	if err := c.post(bot.Message{Text: r.Summary()}); err != nil {
		return err
	}
	_, err = c.uploadReport(r, "md")
	return err
}
