package commands

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
)

// The fact grammars never panic, and what they accept is what they promise.

func FuzzParseImpact(f *testing.F) {
	for _, s := range []string{"people 1,200 customers", "cost ~250000 EUR", "data", "systems 99999999999999999999", "consequences 12 fraud"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseImpact(s)
		if err != nil {
			return
		}
		if !strings.Contains(strings.Join(bot.ImpactDimensions, " "), a.dimension) || (!a.hasCount && a.text == "") || a.count < 0 || a.count > maxCount {
			t.Fatalf("%q accepted as %+v", s, a)
		}
		if a.dimension == "consequences" && a.hasCount {
			t.Fatalf("consequences took a count: %q", s)
		}
	})
}

func FuzzParseDetected(f *testing.F) {
	for _, s := range []string{"2026-03-02T08:10:00Z EDR", "2026-03-02 08:10 alert", "08:10", "45m ago", "-2h", "x"} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	loc, _ := time.LoadLocation("Europe/Berlin")
	f.Fuzz(func(t *testing.T, s string) {
		at, source, err := parseDetected(s, now, loc)
		if err != nil {
			return
		}
		if at.After(now) || now.Sub(at) > maxDetectedAge || at.Location() != time.UTC {
			t.Fatalf("%q accepted as %v", s, at)
		}
		if utf8.ValidString(s) && !utf8.ValidString(source) {
			t.Fatalf("source %q", source)
		}
	})
}

func FuzzParseEvidenceAdd(f *testing.F) {
	for _, s := range []string{"disk image " + strings.Repeat("a", 64) + " s3://x/y", "memory dump /cases/1", "sha256:" + strings.Repeat("F", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseEvidenceAdd(s)
		if err != nil {
			return
		}
		if a.description == "" || (a.sha256 != "" && !sha256Re.MatchString(a.sha256)) || strings.ContainsAny(a.location, " \n") || len(a.location) > 256 {
			t.Fatalf("%q accepted as %+v", s, a)
		}
		if _, err := bot.EncodeData(bot.Data{"sha256": a.sha256, "location": a.location}); err != nil {
			t.Fatalf("%q: data refused: %v", s, err)
		}
	})
}

func FuzzTakeTLP(f *testing.F) {
	for _, s := range []string{"--tlp red hi", "--tlp=amber+strict x", "--tlp", "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tlp, rest, err := takeTLP(s)
		if err != nil {
			return
		}
		if tlp == bot.TLPUnset && rest != strings.TrimSpace(s) {
			t.Fatalf("unlabelled %q changed to %q", s, rest)
		}
		if tlp != bot.TLPUnset && tlp.Name() == "" {
			t.Fatalf("%q: invalid level %d", s, tlp)
		}
	})
}
