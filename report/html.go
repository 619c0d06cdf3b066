package report

import (
	"bufio"
	htmltemplate "html/template"
	"io"
	"strconv"

	"github.com/warroom/warroom/templates"
)

// htmlFuncs are the functions an HTML template may use: the same as the text templates,
// so an override that passes the start-up check (which parses every override as text)
// also runs.
var htmlFuncs = htmltemplate.FuncMap(templates.Funcs)

// HTML writes the report as one self-contained, printable HTML page (inline CSS, an
// inline SVG chart of the phases, nothing fetched) through report/report.html.tmpl. A
// *FallbackError means an override was broken and the built-in template was used.
func (r *Report) HTML(w io.Writer) error {
	v := r.view(rawText)
	marker := newMarker()
	v.Chronology = htmltemplate.HTML(marker)
	v.Chart = r.chart()
	v.PrintCSS = r.printCSS()
	out, terr := r.tpl.RenderHTML(HTMLTemplate, htmlFuncs, v)
	return stream(w, out, terr, marker, r.htmlRows)
}

// printCSS is the printed page: A4, the classification at the top and bottom of every
// page, page numbers. Built here rather than in the template because html/template does
// not follow nested @page rules; both values are warroom's own (a TLP marking, "INC-n").
func (r *Report) printCSS() htmltemplate.CSS {
	mark, id := r.Classification.TLP, r.Incident.ID
	return htmltemplate.CSS(`@page {
  size: A4;
  margin: 18mm 14mm 20mm 14mm;
  @top-center { content: "` + mark + `"; font: 700 10pt monospace; }
  @bottom-left { content: "` + id + ` · ` + mark + `"; font: 9pt sans-serif; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt sans-serif; }
}`)
}

// htmlRows writes the chronology's table rows, escaping as html/template would for
// element content, with one reused byte slice.
func (r *Report) htmlRows(w *bufio.Writer) error {
	local := !r.utcOnly()
	buf := make([]byte, 0, 1024)
	for i := range r.Timeline {
		e := &r.Timeline[i]
		buf = append(buf[:0], `<tr id="e`...)
		buf = strconv.AppendInt(buf, e.Seq, 10)
		buf = append(buf, `"><td class="n">`...)
		buf = strconv.AppendInt(buf, e.Seq, 10)
		buf = append(buf, `</td><td class="t">`...)
		buf = appendClock(buf, e.OccurredAt.UTC())
		if local {
			buf = append(buf, `</td><td class="t">`...)
			buf = appendLocal(buf, e.OccurredAt.Time, r.loc)
		}
		buf = append(buf, `</td><td>`...)
		buf = appendHTML(buf, e.Actor)
		buf = append(buf, `</td><td class="k">`...)
		buf = appendHTML(buf, e.Kind)
		if e.Redacted {
			buf = append(buf, `</td><td class="redacted"><em>`...)
			buf = appendHTML(buf, entryText(e))
			buf = append(buf, `</em>`...)
		} else {
			buf = append(buf, `</td><td>`...)
			buf = appendHTML(buf, readable(e.Text))
		}
		if recordedLater(e) {
			buf = append(buf, ` <span class="rec">(recorded `...)
			buf = appendClock(buf, e.At.UTC())
			buf = append(buf, ` UTC)</span>`...)
		}
		buf = append(buf, "</td></tr>\n"...)
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}
