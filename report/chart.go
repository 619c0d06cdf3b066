package report

import (
	"fmt"
	htmltemplate "html/template"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// The phases chart: one row per phase, one bar per span of it, on a time axis from the
// declaration to the close (or the report's time for a draft). Plain inline SVG, colours
// in attributes, nothing fetched. No xmlns: the HTML parser puts <svg> in its namespace
// by itself, and the page then holds no URL at all.

const (
	chartWidth  = 760.0
	chartLabel  = 130.0 // the phase names' column
	chartRight  = 20.0
	chartTop    = 8.0
	chartRow    = 28.0
	chartBar    = 18.0
	chartAxis   = 36.0 // below the rows: the axis and its labels
	chartLegend = 24.0 // below the axis: what the colours and outlines mean
	chartMinBar = 2.0  // a span too short to see still shows
)

var phaseColours = map[bot.Phase]string{
	bot.PhaseIdentification: "#4e79a7",
	bot.PhaseContainment:    "#e15759",
	bot.PhaseEradication:    "#f28e2b",
	bot.PhaseRecovery:       "#59a14f",
	bot.PhaseLessons:        "#b07aa1",
}

func (r *Report) chart() htmltemplate.HTML {
	start := r.Incident.DeclaredAt.Time
	end := r.Incident.Report.GeneratedAt.Time
	if r.Incident.ClosedAt != nil && !r.Incident.Report.Draft {
		end = r.Incident.ClosedAt.Time
	}
	span := end.Sub(start)
	if span <= 0 {
		span = time.Second
	}
	plot := chartWidth - chartLabel - chartRight
	x := func(t time.Time) float64 {
		f := float64(t.Sub(start)) / float64(span)
		return chartLabel + plot*min(max(f, 0), 1)
	}
	rows := len(bot.IncidentPhases)
	height := chartTop + float64(rows)*chartRow + chartAxis + chartLegend
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-label="Phases of %s over time">`,
		chartWidth, height, chartWidth, height, esc(r.Incident.ID))
	for i, p := range bot.IncidentPhases {
		y := chartTop + float64(i)*chartRow
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="12" fill="#333">%s</text>`, chartLabel-8, y+chartBar-5, esc(string(p)))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#f3f3f3"/>`, chartLabel, y, plot, chartBar)
		for _, s := range r.Phases {
			if s.Phase != string(p) {
				continue
			}
			left := end
			if s.LeftAt != nil {
				left = s.LeftAt.Time
			}
			x0, x1 := x(s.EnteredAt.Time), x(left)
			w := max(x1-x0, chartMinBar)
			dash := ""
			if s.Forced {
				dash = ` stroke="#222" stroke-dasharray="3 2"`
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"%s><title>%s: %s to %s (%s)%s</title></rect>`,
				x0, y, w, chartBar, phaseColours[p], dash, esc(string(p)), esc(utcText(s.EnteredAt.Time)), esc(endText(s)), esc(Duration(s.DurationSeconds)), forcedNote(s))
			if w > 60 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" fill="#fff">%s</text>`, x0+4, y+chartBar-5, esc(Duration(s.DurationSeconds)))
			}
		}
	}
	axisY := chartTop + float64(rows)*chartRow + 4
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#666"/>`, chartLabel, axisY, chartLabel+plot, axisY)
	for i := 0; i <= 4; i++ {
		t := start.Add(time.Duration(float64(span) * float64(i) / 4))
		tx := x(t)
		anchor := "middle"
		switch i {
		case 0:
			anchor = "start"
		case 4:
			anchor = "end"
		}
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#666"/>`, tx, axisY, tx, axisY+4)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="%s" font-size="10" fill="#555">%s</text>`, tx, axisY+16, anchor, esc(t.UTC().Format("01-02 15:04")))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="10" fill="#555">UTC</text>`, chartLabel-8, axisY+16)
	legend(&b, axisY+chartAxis-4)
	b.WriteString(`</svg>`)
	// Every value above is a number or passed through esc.
	return htmltemplate.HTML(b.String())
}

// legend explains the chart: a swatch per phase, the dashed outline of a phase entered
// with --force, and the bar that runs to the right edge while a phase is ongoing.
func legend(b *strings.Builder, y float64) {
	x := 10.0
	b.WriteString(`<g class="legend">`)
	for _, p := range bot.IncidentPhases {
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="10" height="10" fill="%s"/>`, x, y-9, phaseColours[p])
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="10" fill="#333">%s</text>`, x+14, y, esc(string(p)))
		x += 14 + 6.2*float64(len(p)) + 14
	}
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="10" height="10" fill="#fff" stroke="#222" stroke-dasharray="3 2"/>`, x, y-9)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="10" fill="#333">entered with --force</text>`, x+14, y)
	b.WriteString(`</g>`)
}

func esc(s string) string { return htmltemplate.HTMLEscapeString(s) }

func endText(s Phase) string {
	if s.LeftAt == nil {
		return "now (ongoing)"
	}
	return utcText(s.LeftAt.Time)
}

func forcedNote(s Phase) string {
	if s.Forced {
		return ", entered with --force"
	}
	return ""
}

// PhaseChart is the phases chart as inline SVG, for pages other than the report (the
// web view's incident page).
func (r *Report) PhaseChart() htmltemplate.HTML { return r.chart() }
