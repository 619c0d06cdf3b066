package oncall

import "time"

// Override puts Person on call for Team during [From, Until), ahead of every
// rotation layer. Overrides are stored elsewhere and passed to each query.
type Override struct {
	ID     int64
	Team   string
	Person string
	From   time.Time
	Until  time.Time
}

// Covers reports whether t falls in [o.From, o.Until).
func (o Override) Covers(t time.Time) bool { return !t.Before(o.From) && t.Before(o.Until) }

// OverlapsExisting reports whether o overlaps an override of the same team in
// existing. Intervals are half-open, so one ending exactly when another starts
// does not overlap; empty intervals overlap nothing. An existing override with
// o's (non-zero) ID is o itself being edited and is skipped.
func OverlapsExisting(o Override, existing []Override) bool {
	if !o.From.Before(o.Until) {
		return false
	}
	for _, e := range existing {
		if e.Team != o.Team || (o.ID != 0 && e.ID == o.ID) {
			continue
		}
		if o.From.Before(e.Until) && e.From.Before(o.Until) {
			return true
		}
	}
	return false
}
