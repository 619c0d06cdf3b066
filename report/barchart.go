package report

import (
	"fmt"
	htmltemplate "html/template"
	"strings"
)

// Bar is one bar of a BarChart: a label, a value and how to print it. A chart may give a
// second, lighter value (a p90 behind a median).
type Bar struct {
	Label       string
	Value       float64
	Text        string
	Behind      float64 // drawn first, lighter; 0 for none
	BehindText  string
	MissingText string // shown instead of a bar when the figure has no value yet
}

const (
	barWidth = 640.0
	barLabel = 170.0
	barRight = 110.0
	barRow   = 24.0
	barH     = 16.0
)

// BarChart draws horizontal bars as inline SVG (nothing fetched, no script), scaled to the
// largest value. Every text is escaped; every other value is a number.
func BarChart(label string, bars []Bar) htmltemplate.HTML {
	maxV := 0.0
	for _, b := range bars {
		maxV = max(maxV, b.Value, b.Behind)
	}
	if maxV <= 0 {
		maxV = 1
	}
	plot := barWidth - barLabel - barRight
	height := float64(len(bars))*barRow + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-label="%s">`, barWidth, height, barWidth, height, esc(label))
	for i, bar := range bars {
		y := 4 + float64(i)*barRow
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="12" fill="#333">%s</text>`, barLabel-8, y+barH-4, esc(bar.Label))
		if bar.MissingText != "" {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" fill="#777">%s</text>`, barLabel, y+barH-4, esc(bar.MissingText))
			continue
		}
		end := barLabel
		if bar.Behind > 0 {
			w := max(plot*bar.Behind/maxV, 1)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#b9cde3"><title>%s</title></rect>`, barLabel, y, w, barH, esc(bar.BehindText))
			end = barLabel + w
		}
		w := max(plot*bar.Value/maxV, 1)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#4e79a7"><title>%s</title></rect>`, barLabel, y, w, barH, esc(bar.Text))
		text := bar.Text
		if bar.BehindText != "" {
			text += " · " + bar.BehindText
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" fill="#333">%s</text>`, max(end, barLabel+w)+6, y+barH-4, esc(text))
	}
	b.WriteString(`</svg>`)
	return htmltemplate.HTML(b.String())
}
