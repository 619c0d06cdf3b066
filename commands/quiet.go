package commands

import (
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

// deliverAt is when a reminder naturally due at t goes out: not before the end of a snooze,
// and for sev3/sev4 not in quiet hours (moved to their end). sev1/sev2 never wait — and
// regulatory clocks and drill injects never come through here.
func (c *call) deliverAt(st bot.NudgeState, t time.Time) time.Time {
	if st.SnoozedUntil.After(t) {
		t = st.SnoozedUntil
	}
	if c.inc.Severity >= 3 {
		t = quietShift(t, c.e.cfg.Nudges.QuietHours, c.e.cfg.Location)
	}
	return t
}

// quietShift moves t to the end of the quiet period it falls in ("20:00-08:00", in loc),
// or returns it unchanged outside quiet hours or when they are "off". The range may wrap
// midnight; the end is computed as a wall-clock time in loc, so it holds across DST changes.
func quietShift(t time.Time, spec string, loc *time.Location) time.Time {
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "off" {
		return t
	}
	from, to, err := config.ParseQuietHours(spec)
	if err != nil || from == to {
		return t
	}
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	m := lt.Hour()*60 + lt.Minute()
	wraps := from > to
	var quiet, nextDay bool
	if wraps {
		quiet = m >= from || m < to
		nextDay = m >= from
	} else {
		quiet = m >= from && m < to
	}
	if !quiet {
		return t
	}
	y, mo, d := lt.Date()
	if nextDay {
		d++
	}
	return time.Date(y, mo, d, to/60, to%60, 0, 0, loc).UTC()
}
