package duration

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	good := map[string]time.Duration{
		"90s": 90 * time.Second, "30m": 30 * time.Minute, "4h": 4 * time.Hour,
		"14d": 14 * 24 * time.Hour, "1w": 7 * 24 * time.Hour, "1w2d": 9 * 24 * time.Hour,
		"1d12h": 36 * time.Hour, " 2h30m ": 150 * time.Minute,
	}
	for in, want := range good {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0s", "-5m", "abc", "5", "d", "1x", "99999999w"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestFormatRoundTrip(t *testing.T) {
	for _, d := range []time.Duration{90 * time.Second, 30 * time.Minute, 4 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 36 * time.Hour, 150 * time.Minute} {
		s := Format(d)
		back, err := Parse(s)
		if err != nil || back != d {
			t.Errorf("Format(%v) = %q, parses back to %v, %v", d, s, back, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1w", "2d3h", "90s", "", "-1h", "1d1d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err == nil && d <= 0 {
			t.Fatalf("Parse(%q) = %v without error", s, d)
		}
	})
}

func TestFormatIsHowPeopleWriteIt(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Minute: "10m", 30 * time.Minute: "30m", 90 * time.Second: "1m30s", 40 * time.Second: "40s",
		time.Hour: "1h", 150 * time.Minute: "2h30m", 36 * time.Hour: "1d12h", 14 * 24 * time.Hour: "2w", 50 * time.Minute: "50m",
	} {
		if got := Format(d); got != want {
			t.Errorf("Format(%v) = %q, want %q", d, got, want)
		}
	}
}
