package web

import (
	"bytes"
	"html/template"
	"strings"
	"sync"
)

// The timeline's rows were most of the incident page's template work: 500 rows, each of
// their fields escaped through reflection on every view. A row depends only on its entry
// as the page shows it (entryView), so each is rendered once with the "row" template —
// html/template's escaping, unchanged — and kept with the incident's timeline
// (verified.go); a view after a change renders only the new rows. A row is reused only
// for an identical entryView, so people who see an entry differently (a withheld title
// scrubbed from its text) never get each other's row.

// maxKeptRows bounds one incident's kept rows: a whole long timeline (?all=1) and more.
const maxKeptRows = 20000

type rowMemo struct {
	mu sync.Mutex
	m  map[int64]renderedRow
}

type renderedRow struct {
	v    entryView
	html string
}

// timelineRows renders entries as the timeline table's rows.
func (s *Server) timelineRows(memo *rowMemo, entries []entryView) (template.HTML, error) {
	memo.mu.Lock()
	defer memo.mu.Unlock()
	if memo.m == nil || len(memo.m) > maxKeptRows {
		memo.m = map[int64]renderedRow{}
	}
	var out strings.Builder
	var buf bytes.Buffer
	for _, v := range entries {
		if r, ok := memo.m[v.Seq]; ok && r.v == v {
			out.WriteString(r.html)
			continue
		}
		buf.Reset()
		if err := s.pages.t.ExecuteTemplate(&buf, "row", v); err != nil {
			return "", err
		}
		memo.m[v.Seq] = renderedRow{v: v, html: buf.String()}
		out.Write(buf.Bytes())
	}
	return template.HTML(out.String()), nil // rendered by html/template above
}
