package report

import (
	"fmt"
	"strings"
	"time"
)

// How times and durations read in the Markdown and HTML reports. JSON has its own exact
// forms (report.go).

const (
	clockLayout = "2006-01-02 15:04:05"
	localLayout = "2006-01-02 15:04:05 MST"
)

// appendClock appends t as "2006-01-02 15:04:05" in t's own zone — by hand, because
// time.AppendFormat's layout interpretation costs more than the rest of a chronology row.
func appendClock(dst []byte, t time.Time) []byte {
	year, month, day := t.Date()
	hour, minute, second := t.Clock()
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, clockLayout)
	}
	dst = append(dst, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-')
	dst = append2(dst, int(month), '-')
	dst = append2(dst, day, ' ')
	dst = append2(dst, hour, ':')
	dst = append2(dst, minute, ':')
	return append(dst, byte('0'+second/10), byte('0'+second%10))
}

func append2(dst []byte, n int, sep byte) []byte {
	return append(dst, byte('0'+n/10), byte('0'+n%10), sep)
}

// appendLocal appends t in loc as "2006-01-02 15:04:05 MST".
func appendLocal(dst []byte, t time.Time, loc *time.Location) []byte {
	l := t.In(loc)
	dst = appendClock(dst, l)
	zone, _ := l.Zone()
	return append(append(dst, ' '), zone...)
}

// utcText is "2026-03-02 09:00:05 UTC".
func utcText(t time.Time) string { return t.UTC().Format(clockLayout) + " UTC" }

// localText is the same moment in the configured zone, "" when that zone is UTC (the UTC
// time already says it).
func (r *Report) localText(t time.Time) string {
	if r.utcOnly() {
		return ""
	}
	return t.In(r.loc).Format(localLayout)
}

// when is "2026-03-02 09:00:05 UTC (10:00:05 CET)" — both zones, as the README promises of
// reports; the local date is repeated only when it differs.
func (r *Report) when(t time.Time) string {
	s := utcText(t)
	if r.utcOnly() {
		return s
	}
	l := t.In(r.loc)
	if l.Format("2006-01-02") == t.UTC().Format("2006-01-02") {
		return s + " (" + l.Format("15:04:05 MST") + ")"
	}
	return s + " (" + l.Format(localLayout) + ")"
}

func (r *Report) whenPtr(t *Time) string {
	if t == nil {
		return ""
	}
	return r.when(t.Time)
}

func (r *Report) utcOnly() bool { return r.loc == nil || r.loc == time.UTC || r.loc.String() == "UTC" }

// Duration writes a duration for people: "45s", "12m 30s", "4h 05m", "3d 4h".
func Duration(seconds int64) string {
	d := time.Duration(seconds) * time.Second
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", seconds)
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", seconds/60, seconds%60)
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh %02dm", seconds/3600, seconds%3600/60)
	}
	return fmt.Sprintf("%dd %dh", seconds/86400, seconds%86400/3600)
}

func durationPtr(seconds *int64, none string) string {
	if seconds == nil {
		return none
	}
	return Duration(*seconds)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
