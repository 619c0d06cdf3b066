package report

import (
	"bufio"
	"io"
	"strconv"
	"time"
)

// Markdown writes the report as GitHub-flavoured Markdown through the template
// report/report.md.tmpl. A *FallbackError means an override was broken and the built-in
// template was used; the report was written in full.
func (r *Report) Markdown(w io.Writer) error {
	v := r.view(markdownText)
	marker := newMarker()
	v.Chronology = marker
	out, terr := r.tpl.Render(MarkdownTemplate, v)
	return stream(w, out, terr, marker, r.markdownRows)
}

// markdownRows writes one table row per timeline entry, straight into the buffered
// writer with one reused byte slice: no per-row strings for 100,000 rows.
func (r *Report) markdownRows(w *bufio.Writer) error {
	local := !r.utcOnly()
	buf := make([]byte, 0, 1024)
	for i := range r.Timeline {
		e := &r.Timeline[i]
		buf = append(buf[:0], "| "...)
		buf = strconv.AppendInt(buf, e.Seq, 10)
		buf = append(buf, " | "...)
		buf = appendClock(buf, e.OccurredAt.UTC())
		if local {
			buf = append(buf, " | "...)
			buf = appendLocal(buf, e.OccurredAt.Time, r.loc)
		}
		buf = append(buf, " | "...)
		buf = appendMD(buf, e.Actor)
		buf = append(buf, " | "...)
		buf = appendMD(buf, e.Kind)
		buf = append(buf, " | "...)
		if e.Redacted {
			buf = append(buf, '*')
			buf = appendMD(buf, entryText(e))
			buf = append(buf, '*')
		} else {
			buf = appendMD(buf, readable(e.Text))
		}
		if recordedLater(e) {
			buf = append(buf, " *(recorded "...)
			buf = appendClock(buf, e.At.UTC())
			buf = append(buf, " UTC)*"...)
		}
		buf = append(buf, " |\n"...)
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// recordedLater is a pinned message recorded well after it was written; the chronology
// shows when it happened and says when warroom learned of it.
func recordedLater(e *Entry) bool { return e.At.Sub(e.OccurredAt.Time) >= time.Second }
