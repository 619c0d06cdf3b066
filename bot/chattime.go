package bot

import "time"

// PlainTime renders a time for text outputs: "2026-03-01 09:00 UTC (10:00 CET)".
func PlainTime(t time.Time, loc *time.Location) string {
	s := t.UTC().Format("2006-01-02 15:04 UTC")
	if loc != nil && loc != time.UTC && loc.String() != "UTC" {
		s += " (" + t.In(loc).Format("15:04 MST") + ")"
	}
	return s
}
