// Package duration parses the durations people write in warroom's config and chat:
// Go durations plus "d" (24 h) and "w" (7 d), e.g. "90s", "30m", "4h", "14d", "1w", "1w2d".
package duration

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration that reads from YAML/JSON text in warroom's syntax.
type Duration time.Duration

// Std returns the value as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// UnmarshalText implements encoding.TextUnmarshaler (used by YAML and JSON decoders).
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(Format(time.Duration(d))), nil }

// Parse reads a duration such as "90s", "4h", "14d", "1w" or "1d12h". Negative and
// zero durations are rejected: nothing in warroom waits for no time.
func Parse(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, fmt.Errorf("empty duration (use e.g. 30m, 4h, 2d, 1w)")
	}
	rest := in
	var total time.Duration
	// Peel off leading "<n>w" and "<n>d" parts; the remainder is a Go duration.
	for _, unit := range []struct {
		suffix byte
		size   time.Duration
	}{{'w', 7 * 24 * time.Hour}, {'d', 24 * time.Hour}} {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i > 0 && i < len(rest) && rest[i] == unit.suffix {
			n, err := strconv.Atoi(rest[:i])
			if err != nil || n > 10000 {
				return 0, fmt.Errorf("duration %q is too large", in)
			}
			total += time.Duration(n) * unit.size
			rest = rest[i+1:]
		}
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q (use e.g. 90s, 30m, 4h, 2d, 1w)", in)
		}
		total += d
	}
	if total <= 0 {
		return 0, fmt.Errorf("duration %q must be positive", in)
	}
	return total, nil
}

// Format writes d the way people write it: "1w", "2d", "4h", "30m", "1d12h".
func Format(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	var b strings.Builder
	if w := d / (7 * 24 * time.Hour); w > 0 && d%(7*24*time.Hour) == 0 {
		return strconv.Itoa(int(w)) + "w"
	}
	if days := d / (24 * time.Hour); days > 0 {
		b.WriteString(strconv.Itoa(int(days)) + "d")
		d -= days * 24 * time.Hour
	}
	// Hours and minutes by hand: trimming time.Duration.String's "0s"/"0m" would turn 10m
	// into "10m0s" (trim "0m" from "10m" leaves "1").
	if h := d / time.Hour; h > 0 {
		b.WriteString(strconv.Itoa(int(h)) + "h")
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		b.WriteString(strconv.Itoa(int(m)) + "m")
		d -= m * time.Minute
	}
	if d > 0 {
		b.WriteString(d.String()) // seconds and below: "30s", "1.5s", "250ms"
	}
	return b.String()
}
