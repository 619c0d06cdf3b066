package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/export"
	"github.com/warroom/warroom/report"
)

// downloads are the files under /incidents/INC-n/: the report (as `warroom report`
// writes it) and the timeline (as `warroom timeline` exports it).
var downloads = map[string]struct{ format, mime string }{
	"report.md":     {"md", "text/markdown; charset=utf-8"},
	"report.html":   {"html", "text/html; charset=utf-8"},
	"report.json":   {"json", "application/json"},
	"timeline.json": {"json", "application/json"},
	"timeline.csv":  {"csv", "text/csv; charset=utf-8"},
}

// download serves one of the files; an unknown name is 404 like a hidden incident.
func (s *Server) download(w http.ResponseWriter, r *http.Request, sess *session) {
	n, ok := incidentNumber(r)
	file := r.PathValue("file")
	kind, known := downloads[file]
	if !ok || !known {
		s.notFound(w, r)
		return
	}
	now := s.o.Clock.Now().UTC()
	var body bytes.Buffer
	var name string
	err := s.o.Store.View(r.Context(), func(rd Reader) error {
		inc, shown, err := s.visible(rd, n, sess.Person)
		if err != nil {
			return err
		}
		if file == "timeline.json" || file == "timeline.csv" {
			name = inc.ID() + "-timeline." + kind.format
			scrub := scrubber(inc, shown)
			each := func(fn func(bot.Entry) error) error {
				return rd.EachEntry(n, func(e bot.Entry) error {
					// A scrubbed entry loses its salt: with it, its text_commit (to the
					// real text) would confirm a guess at the title offline.
					if text := scrub(e.Text); text != e.Text {
						e.Text, e.Salt = text, ""
					}
					return fn(e)
				})
			}
			if kind.format == "csv" {
				return export.TimelineCSV(&body, each)
			}
			return export.TimelineJSON(&body, each)
		}
		d, err := s.loadReport(rd, inc, shown, sess.Person, now, nil)
		if err != nil {
			return err
		}
		rep := report.Build(d)
		name = rep.FileName(kind.format)
		err = commands.RenderReport(&rep, kind.format, &body)
		if report.IsFallback(err) {
			s.o.Log.Warn("report template override is broken; used the built-in one", "incident", inc.ID(), "err", err)
			err = nil
		}
		return err
	})
	if !s.readDone(w, r, sess, n, err) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", kind.mime)
	// A download, never a page of this site: the report's HTML has its own inline style
	// and is meant to be opened as a file.
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Content-Length", strconv.Itoa(body.Len()))
	_, _ = w.Write(body.Bytes())
}
