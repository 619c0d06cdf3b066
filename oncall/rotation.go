package oncall

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

const day = 24 * time.Hour

// layer is a Rotation compiled for computation.
type layer struct {
	name    string
	members []string
	loc     *time.Location
	y       int
	mo      time.Month
	d       int
	hh, mm  int
	first   time.Time // start of shift 0
	days    int       // calendar days per shift, or 0 for exact lengths
	secs    int64     // seconds per shift when days == 0
}

// compileLayer returns the layer for r, or false if Validate would reject r.
func compileLayer(r Rotation) (*layer, bool) {
	length := r.Length.Std()
	if len(r.Members) == 0 || !r.Start.valid() || length <= 0 || length%time.Hour != 0 {
		return nil, false
	}
	hh, mm, err := parseClock(r.Handoff)
	if err != nil {
		return nil, false
	}
	loc, err := loadLocation(r.Timezone)
	if err != nil {
		return nil, false
	}
	l := &layer{name: r.Name, members: r.Members, loc: loc,
		y: r.Start.Year, mo: r.Start.Month, d: r.Start.Day, hh: hh, mm: mm}
	if length%day == 0 {
		l.days = int(length / day)
	} else {
		l.secs = int64(length / time.Second)
	}
	l.first = time.Date(l.y, l.mo, l.d, hh, mm, 0, 0, loc)
	return l, true
}

// bound returns the start of shift k (and so the end of shift k-1).
func (l *layer) bound(k int64) time.Time {
	if l.days > 0 {
		return time.Date(l.y, l.mo, l.d+int(k)*l.days, l.hh, l.mm, 0, 0, l.loc)
	}
	return time.Unix(l.first.Unix()+k*l.secs, 0).In(l.loc)
}

// shiftAt returns the index and bounds of the shift covering t; false before
// the layer starts (or for instants too far out to compute).
func (l *layer) shiftAt(t time.Time) (k int64, from, until time.Time, ok bool) {
	if t.Before(l.first) {
		return 0, time.Time{}, time.Time{}, false
	}
	if l.days == 0 {
		diff := t.Unix() - l.first.Unix() // whole seconds; first has none to spare
		if diff < 0 {
			return 0, time.Time{}, time.Time{}, false // overflow
		}
		k = diff / l.secs
		return k, l.bound(k), l.bound(k + 1), true
	}
	// Estimate by calendar days in the zone, then step over a DST shift if needed.
	ly, lm, ld := t.In(l.loc).Date()
	k = (civilDay(ly, lm, ld) - civilDay(l.y, l.mo, l.d)) / int64(l.days)
	for i := 0; i < 4 && k > 0 && l.bound(k).After(t); i++ {
		k--
	}
	for i := 0; i < 4 && !l.bound(k+1).After(t); i++ {
		k++
	}
	from, until = l.bound(k), l.bound(k+1)
	if from.After(t) || !until.After(t) {
		return 0, time.Time{}, time.Time{}, false // beyond what time.Date can represent
	}
	return k, from, until, true
}

func (l *layer) member(k int64) string { return l.members[k%int64(len(l.members))] }

// civilDay numbers days since 1970-01-01.
func civilDay(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// parseClock reads "HH:MM" (or "H:MM"); "" is midnight.
func parseClock(s string) (hh, mm int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	bad := fmt.Errorf("handoff %q is not a time of day like \"09:00\"", s)
	hs, ms, ok := strings.Cut(s, ":")
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 || !digits(hs) || !digits(ms) {
		return 0, 0, bad
	}
	hh, _ = strconv.Atoi(hs)
	mm, _ = strconv.Atoi(ms)
	if hh > 23 || mm > 59 {
		return 0, 0, bad
	}
	return hh, mm, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

var locations sync.Map // zone name → *time.Location; time.LoadLocation reads files

// loadLocation loads an IANA zone ("" is UTC). "Local" is refused: it depends
// on the server.
func loadLocation(name string) (*time.Location, error) {
	switch name {
	case "", "UTC":
		return time.UTC, nil
	case "Local":
		return nil, errors.New(`timezone "Local" depends on the server; name a zone like Europe/Berlin`)
	}
	if v, ok := locations.Load(name); ok {
		return v.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown timezone %q (use an IANA name like Europe/Berlin)", name)
	}
	locations.Store(name, loc)
	return loc, nil
}
