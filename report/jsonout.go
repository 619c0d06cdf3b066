package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// JSON writes the report as one JSON object with the sixteen top-level fields in a fixed
// order. It decodes to exactly what json.Marshal(report) would give; it is written by
// hand only to stream the timeline, one entry per line, instead of building a document of
// 100,000 entries in memory. HTML characters are not escaped (as in `timeline --json`).
func (r *Report) JSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	var buf bytes.Buffer
	indented := json.NewEncoder(&buf)
	indented.SetEscapeHTML(false)
	indented.SetIndent("  ", "  ")
	compact := json.NewEncoder(&buf)
	compact.SetEscapeHTML(false)

	section := func(name string, v any, last bool) error {
		buf.Reset()
		buf.WriteString(`  "` + name + `": `)
		if err := indented.Encode(v); err != nil {
			return err
		}
		b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if !last {
			b = append(b, ',')
		}
		b = append(b, '\n')
		_, err := bw.Write(b)
		return err
	}
	bw.WriteString("{\n")
	for _, s := range []struct {
		name string
		v    any
	}{{"classification", r.Classification}, {"executive_summary", r.Executive}, {"incident", r.Incident}, {"facts", r.Facts},
		{"roles", r.Roles}, {"phases", r.Phases}, {"metrics", r.Metrics}} {
		if err := section(s.name, s.v, false); err != nil {
			return err
		}
	}
	bw.WriteString(`  "timeline": [`)
	for i := range r.Timeline {
		buf.Reset()
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n    ")
		if err := compact.Encode(&r.Timeline[i]); err != nil {
			return err
		}
		if _, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))); err != nil {
			return err
		}
	}
	if len(r.Timeline) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n")
	for i, s := range []struct {
		name string
		v    any
	}{{"tasks", r.Tasks}, {"lessons", r.Lessons}, {"iocs", r.IOCs}, {"clocks", r.Clocks}, {"alerts", r.Alerts}, {"evidence", r.Evidence}, {"integrity", r.Integrity}, {"read_in", r.ReadIn}} {
		if err := section(s.name, s.v, i == 7); err != nil {
			return err
		}
	}
	bw.WriteString("}\n")
	return bw.Flush()
}
