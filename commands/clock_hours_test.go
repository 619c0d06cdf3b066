package commands

import (
	"strings"
	"testing"
	"time"
)

// A clock's hours are a plain number of hours (48, 36.5) or a duration (48h): Go's float
// syntax is not a number a person writes, and a deadline under a minute is a slip, not a
// clock. Each of these was taken before: 0x1p6 as 64 h, 1e2 as 100 h, 1_0 as 10 h, 1e-12 as
// 3 ns and 0.0001 as 360 ms.
func TestClockHoursAreAPlainNumberOfHours(t *testing.T) {
	for _, raw := range []string{"0x1p6", "1e2", "1_0", "1e-12", "0.0001", "+48", ".5", "48.", "1s", "0.01"} {
		if h, err := parseClockHours(raw); err == nil {
			t.Errorf("clock hours %q were read as %v h; want a refusal", raw, h)
		} else if !strings.Contains(err.Error(), "is not a number of hours") {
			t.Errorf("clock hours %q: refusal %q does not say what it wants", raw, err)
		}
	}
	for raw, want := range map[string]time.Duration{"48": 48 * time.Hour, "36.5": 36*time.Hour + 30*time.Minute, "48h": 48 * time.Hour, "0.5": 30 * time.Minute, "2d": 48 * time.Hour} {
		h, err := parseClockHours(raw)
		if err != nil || time.Duration(h*float64(time.Hour)) != want {
			t.Errorf("clock hours %q → %v h, %v; want %v", raw, h, err, want)
		}
	}
}
