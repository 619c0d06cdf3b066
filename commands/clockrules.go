package commands

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// Regulatory clocks count from awareness — the start of identification, i.e. the
// declaration, unless `from` says otherwise — except SEC's, which counts from the
// materiality decision (by default: when the clock is set).

// clockRule is one deadline a regime imposes.
type clockRule struct {
	name  string
	label string
	span  string
	due   func(start time.Time, loc *time.Location) time.Time
}

func hoursAfter(h float64) func(time.Time, *time.Location) time.Time {
	return func(start time.Time, _ *time.Location) time.Time {
		return start.Add(time.Duration(h * float64(time.Hour)))
	}
}

// regimeRules are the built-in regimes. NIS2 has two deadlines, each its own clock.
var regimeRules = map[string][]clockRule{
	"gdpr": {{name: "gdpr", label: "GDPR Art. 33 notification to the supervisory authority", span: "72 h", due: hoursAfter(72)}},
	"nis2": {
		{name: "nis2-early-warning", label: "NIS2 Art. 23 early warning to the CSIRT or competent authority", span: "24 h", due: hoursAfter(24)},
		{name: "nis2-notification", label: "NIS2 Art. 23 incident notification", span: "72 h", due: hoursAfter(72)},
	},
	"sec": {{name: "sec", label: "SEC Form 8-K Item 1.05 disclosure", span: "4 business days",
		due: func(start time.Time, loc *time.Location) time.Time { return addBusinessDays(start, 4, loc) }}},
}

// reservedClockNames cannot be custom clock names.
var reservedClockNames = []string{"gdpr", "nis2", "sec", "nis2-early-warning", "nis2-notification", "done", "from"}

var clockNameRe = regexp.MustCompile(`^[a-z][a-z0-9-]{0,29}$`)

// clockRegime is the regime a clock belongs to, from its name.
func clockRegime(name string) string {
	switch {
	case name == "gdpr" || name == "sec":
		return name
	case strings.HasPrefix(name, "nis2-"):
		return "nis2"
	}
	return "custom"
}

// clockSpan describes the whole period of a clock: "72 h", "4 business days".
func clockSpan(k bot.Clock) string {
	if k.Name == "sec" {
		return "4 business days"
	}
	h := k.Deadline.Sub(k.Start).Hours()
	return strconv.FormatFloat(math.Round(h*10)/10, 'f', -1, 64) + " h"
}

// addBusinessDays adds n working days (Saturday and Sunday skipped, public holidays not)
// at the same wall-clock time in loc.
func addBusinessDays(t time.Time, n int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	for i := 0; i < n; i++ {
		lt = lt.AddDate(0, 0, 1)
		for lt.Weekday() == time.Saturday || lt.Weekday() == time.Sunday {
			lt = lt.AddDate(0, 0, 1)
		}
	}
	return lt.UTC()
}

// clockPercents are the points of a clock's period at which comms and legal are reminded.
var clockPercents = []int{50, 75, 90, 100}

// clockStage is when reminder i (0–3) of k is due.
func clockStage(k bot.Clock, i int) time.Time {
	span := k.Deadline.Sub(k.Start)
	return k.Start.Add(span * time.Duration(clockPercents[i]) / 100)
}

// clockReached counts the reminders of k whose time has come by now.
func clockReached(k bot.Clock, now time.Time) int {
	n := 0
	for i := range clockPercents {
		if !clockStage(k, i).After(now) {
			n++
		}
	}
	return n
}

// parseClockHours reads a custom clock's hours ("48", "36.5" or "48h") as clock's
// declaration does (clockHours).
func parseClockHours(s string) (float64, error) {
	v, err := readValue(&clockHours, s, "/incident clock")
	return v.d.Hours(), err
}

// clockLine describes a clock for status replies and the card.
func clockLine(k bot.Clock, now time.Time) bot.Text {
	var b textBuf
	b.printf("⏱ %s — %s: due %s", k.Name, k.Label, bot.ChatTime(k.Deadline))
	switch met, done := k.Met(); {
	case done && met:
		b.printf(", filed %s by %s (on time)", bot.ChatTime(*k.DoneAt), bot.Who(k.DoneBy))
	case done:
		b.printf(", filed %s by %s (LATE)", bot.ChatTime(*k.DoneAt), bot.Who(k.DoneBy))
	case now.Before(k.Deadline):
		b.printf(" (open)")
	default:
		b.printf(" (MISSED — not filed yet)")
	}
	return b.t
}

// clockCardLines is the card's clock section: a pure function of the clocks.
func clockCardLines(clocks []bot.Clock, now time.Time) bot.Text {
	if len(clocks) == 0 {
		return nil
	}
	var b textBuf
	b.printf("\nRegulatory clocks:")
	for _, k := range clocks {
		b.printf("\n%s", clockLine(k, now))
	}
	return b.t
}

func findClock(clocks []bot.Clock, name string) (bot.Clock, bool) {
	i := slices.IndexFunc(clocks, func(k bot.Clock) bool { return k.Name == name })
	if i < 0 {
		return bot.Clock{}, false
	}
	return clocks[i], true
}
